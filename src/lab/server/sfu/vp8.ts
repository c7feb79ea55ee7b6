/**
 * Just enough of the VP8 RTP payload format (RFC 7741) to tell whether a packet starts a key
 * frame — the SFU holds a new subscriber's video until one arrives.
 */

/** True when the RTP payload is the first packet of a VP8 key frame. */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const first = payload[0]!;
  const extended = (first & 0x80) !== 0;
  const start = (first & 0x10) !== 0;
  const partition = first & 0x07;
  if (!start || partition !== 0) return false;
  let offset = 1;
  if (extended) {
    if (payload.length < 2) return false;
    const ext = payload[1]!;
    offset = 2;
    if (ext & 0x80) offset += payload.length > offset && payload[offset]! & 0x80 ? 2 : 1; // PictureID (7 or 15 bit)
    if (ext & 0x40) offset += 1; // TL0PICIDX
    if (ext & 0x30) offset += 1; // TID / KEYIDX
  }
  if (payload.length <= offset) return false;
  // VP8 payload header: bit 0 of the first byte is P, the inverse key-frame flag.
  return (payload[offset]! & 0x01) === 0;
}
