/**
 * A small, defensive zip reader for support bundles: reads the central directory (zip64 sizes
 * included), then inflates one member at a time with fflate's streaming `Inflate`, counting the
 * bytes it really produces. Declared and actual sizes are both capped (zip-bomb guard); the
 * work is done in slices so it can report progress and be cancelled.
 */
import { Inflate } from 'fflate';
import { SupportOpenError } from '../../../shared/support/import/errors';

/** One member as the central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** The uncompressed size the archive declares (not trusted: checked while inflating). */
  size: number;
  crc32: number;
  localOffset: number;
}

/** Most members a bundle may have. */
export const MAX_ZIP_ENTRIES = 1000;
/** Compressed bytes fed to the inflater per slice (≤ ~16 MiB of output per slice). */
const SLICE = 16 * 1024;

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 2 ** 32;
}

function corrupt(message: string, file?: string): SupportOpenError {
  return new SupportOpenError('CORRUPT_BUNDLE', message, file === undefined ? undefined : { file });
}

/**
 * The members of a zip archive. Throws `TRUNCATED` when the end-of-archive record is missing
 * (the download or copy was cut), `CORRUPT_BUNDLE` when the directory is damaged.
 */
export function listZip(bytes: Uint8Array): ZipEntry[] {
  let eocd = -1;
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (u32(bytes, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new SupportOpenError(
      'TRUNCATED',
      'This bundle is incomplete: the end of the zip archive is missing (the download or copy was probably cut short). Get the file again.',
    );
  }
  let count = u16(bytes, eocd + 10);
  let dirOffset = u32(bytes, eocd + 16);
  if ((count === 0xffff || dirOffset === 0xffffffff) && eocd >= 20 && u32(bytes, eocd - 20) === 0x07064b50) {
    const z64 = u64(bytes, eocd - 12);
    if (z64 + 56 > bytes.length || u32(bytes, z64) !== 0x06064b50)
      throw corrupt('The zip64 directory of this bundle is damaged.');
    count = u64(bytes, z64 + 32);
    dirOffset = u64(bytes, z64 + 48);
  }
  if (count > MAX_ZIP_ENTRIES) {
    throw new SupportOpenError(
      'TOO_LARGE',
      `This bundle has ${count} files; at most ${MAX_ZIP_ENTRIES} are accepted.`,
    );
  }
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || u32(bytes, p) !== 0x02014b50)
      throw corrupt('The file list of this bundle is damaged.');
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    if (p + 46 + nameLen + extraLen + commentLen > bytes.length)
      throw corrupt('The file list of this bundle is damaged.');
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    let compressedSize = u32(bytes, p + 20);
    let size = u32(bytes, p + 24);
    let localOffset = u32(bytes, p + 42);
    // Zip64 extra field: 8-byte values, in order, for each field saturated at 0xFFFFFFFF.
    for (let e = p + 46 + nameLen, end = e + extraLen; e + 4 <= end;) {
      const id = u16(bytes, e);
      const len = u16(bytes, e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const take = (): number => {
          if (q + 8 > e + 4 + len) throw corrupt(`The zip64 sizes of "${name}" are damaged.`, name);
          const v = u64(bytes, q);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      e += 4 + len;
    }
    entries.push({
      name,
      method: u16(bytes, p + 10),
      compressedSize,
      size,
      crc32: u32(bytes, p + 16),
      localOffset,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Options of {@link readZipEntry}. */
export interface ReadEntryOptions {
  /** Cap on this member's uncompressed size (declared and actual). */
  maxBytes: number;
  /** Called with the compressed bytes consumed so far. */
  onSlice?: (compressedDone: number) => void;
  signal?: AbortSignal;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Inflates one member, yielding to the event loop between slices. Throws `TOO_LARGE` when the
 * declared or the actual size passes the cap, `CORRUPT_BUNDLE` (naming the member) for damaged
 * data or a size that differs from the declared one, `ABORTED` when cancelled.
 */
export async function readZipEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  opts: ReadEntryOptions,
): Promise<Uint8Array> {
  const { name } = entry;
  if (entry.size > opts.maxBytes) {
    throw new SupportOpenError(
      'TOO_LARGE',
      `"${name}" in this bundle declares ${entry.size} bytes, over the ${opts.maxBytes}-byte limit; it was not unpacked.`,
      { file: name },
    );
  }
  const lh = entry.localOffset;
  if (lh + 30 > bytes.length || u32(bytes, lh) !== 0x04034b50)
    throw corrupt(`The entry of "${name}" in this bundle is damaged.`, name);
  const start = lh + 30 + u16(bytes, lh + 26) + u16(bytes, lh + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw corrupt(`"${name}" runs past the end of this bundle.`, name);
  const data = bytes.subarray(start, end);
  if (entry.method === 0) {
    if (data.length !== entry.size) throw corrupt(`"${name}" has the wrong size in this bundle.`, name);
    return data;
  }
  if (entry.method !== 8) {
    throw new SupportOpenError(
      'UNREADABLE',
      `"${name}" uses zip compression method ${entry.method}; only deflate is supported.`,
      { file: name },
    );
  }
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > entry.size || produced > opts.maxBytes) overflow = true;
    else chunks.push(chunk);
  });
  for (let off = 0; off < data.length || off === 0; off += SLICE) {
    if (opts.signal?.aborted) throw new SupportOpenError('ABORTED', 'Opening the bundle was cancelled.');
    const slice = data.subarray(off, Math.min(off + SLICE, data.length));
    const final = off + SLICE >= data.length;
    try {
      inflater.push(slice, final);
    } catch (e) {
      throw new SupportOpenError(
        'CORRUPT_BUNDLE',
        `"${name}" in this bundle is damaged (${(e as Error).message}).`,
        { cause: e, file: name },
      );
    }
    if (overflow) {
      const over = produced > opts.maxBytes;
      throw new SupportOpenError(
        over ? 'TOO_LARGE' : 'CORRUPT_BUNDLE',
        over
          ? `"${name}" in this bundle unpacks to more than ${opts.maxBytes} bytes; it was not opened (zip-bomb guard).`
          : `"${name}" unpacks to more bytes than this bundle declares (${entry.size}); it is damaged or forged.`,
        { file: name },
      );
    }
    opts.onSlice?.(Math.min(off + SLICE, data.length));
    if (final) break;
    await tick();
  }
  if (produced !== entry.size)
    throw corrupt(
      `"${name}" unpacks to ${produced} bytes, not the ${entry.size} this bundle declares; it is damaged.`,
      name,
    );
  const out = new Uint8Array(produced);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
