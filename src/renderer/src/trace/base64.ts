/** Base64 in the page (for bytes crossing the browser-mode wire), in bounded chunks. */

const CHUNK = 0x8000;

/** Encodes bytes as base64 without building one huge argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + CHUNK)));
  return btoa(binary);
}

/** Decodes base64 to bytes (throws on text that is not base64). */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
