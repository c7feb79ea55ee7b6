/**
 * A small, defensive zip reader for support bundles: reads the central directory (zip64 sizes
 * included), then inflates one member at a time with Node's streaming zlib (native, on the
 * thread pool, so the caller's thread stays free to parse while a member inflates), counting
 * the bytes it really produces. Declared and actual sizes are both capped (zip-bomb guard); the
 * input goes in in slices so it can report progress and be cancelled.
 */
import { createInflateRaw } from 'node:zlib';
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
/** Compressed bytes fed to the inflater per slice: the step of progress and cancellation. */
const SLICE = 256 * 1024;

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

/** Options of {@link readZipEntry} and {@link inflateZipEntry}. */
export interface ReadEntryOptions {
  /** Cap on this member's uncompressed size (declared and actual). */
  maxBytes: number;
  /** Called with the compressed bytes consumed so far. */
  onSlice?: (compressedDone: number) => void;
  signal?: AbortSignal;
}

function aborted(): SupportOpenError {
  return new SupportOpenError('ABORTED', 'Opening the bundle was cancelled.');
}

/** The member's compressed bytes, after the local header's checks. */
function memberData(bytes: Uint8Array, entry: ZipEntry, maxBytes: number): Uint8Array {
  const { name } = entry;
  if (entry.size > maxBytes) {
    throw new SupportOpenError(
      'TOO_LARGE',
      `"${name}" in this bundle declares ${entry.size} bytes, over the ${maxBytes}-byte limit; it was not unpacked.`,
      { file: name },
    );
  }
  const lh = entry.localOffset;
  if (lh + 30 > bytes.length || u32(bytes, lh) !== 0x04034b50)
    throw corrupt(`The entry of "${name}" in this bundle is damaged.`, name);
  const start = lh + 30 + u16(bytes, lh + 26) + u16(bytes, lh + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw corrupt(`"${name}" runs past the end of this bundle.`, name);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new SupportOpenError(
      'UNREADABLE',
      `"${name}" uses zip compression method ${entry.method}; only deflate is supported.`,
      { file: name },
    );
  }
  return bytes.subarray(start, end);
}

/**
 * Inflates one member into `sink`, chunk by chunk, and returns its size. Throws `TOO_LARGE` when
 * the declared or the actual size passes the cap, `CORRUPT_BUNDLE` (naming the member) for
 * damaged data or a size that differs from the declared one, `ABORTED` when cancelled. Nothing
 * past the cap or the declared size reaches `sink`; an error `sink` throws ends the inflate and
 * is rethrown.
 */
export async function inflateZipEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  opts: ReadEntryOptions,
  sink: (chunk: Uint8Array) => void,
): Promise<number> {
  const { name } = entry;
  const data = memberData(bytes, entry, opts.maxBytes);
  if (entry.method === 0) {
    if (data.length !== entry.size) throw corrupt(`"${name}" has the wrong size in this bundle.`, name);
    if (opts.signal?.aborted) throw aborted();
    sink(data);
    opts.onSlice?.(data.length);
    return data.length;
  }
  const inflater = createInflateRaw();
  let produced = 0;
  let failure: SupportOpenError | null = null;
  const fail = (error: SupportOpenError): void => {
    failure ??= error;
    inflater.destroy();
  };
  inflater.on('data', (chunk: Buffer) => {
    if (failure) return;
    produced += chunk.length;
    if (produced > opts.maxBytes) {
      fail(
        new SupportOpenError(
          'TOO_LARGE',
          `"${name}" in this bundle unpacks to more than ${opts.maxBytes} bytes; it was not opened (zip-bomb guard).`,
          { file: name },
        ),
      );
    } else if (produced > entry.size) {
      fail(
        corrupt(
          `"${name}" unpacks to more bytes than this bundle declares (${entry.size}); it is damaged or forged.`,
          name,
        ),
      );
    } else {
      try {
        sink(chunk);
      } catch (e) {
        // A sink's refusal (a budget across members, say) ends the inflate with its error.
        fail(
          e instanceof SupportOpenError ? e : corrupt(`"${name}" could not be read (${String(e)}).`, name),
        );
      }
    }
  });
  // Settles when the inflater is done one way or another. After a zlib error Node never calls
  // the pending write's callback, so every wait below races this.
  const ended = new Promise<void>((resolve) => {
    inflater.on('end', resolve);
    inflater.on('close', resolve);
    inflater.on('error', (e) => {
      fail(
        new SupportOpenError('CORRUPT_BUNDLE', `"${name}" in this bundle is damaged (${e.message}).`, {
          cause: e,
          file: name,
        }),
      );
      resolve();
    });
  });
  for (let off = 0; off < data.length && !failure; off += SLICE) {
    if (opts.signal?.aborted) fail(aborted());
    else {
      const slice = data.subarray(off, Math.min(off + SLICE, data.length));
      // Waits for each slice to be consumed: at most one slice of input is queued at a time.
      await Promise.race([new Promise<void>((resolve) => inflater.write(slice, () => resolve())), ended]);
      opts.onSlice?.(Math.min(off + SLICE, data.length));
    }
  }
  if (!failure) inflater.end();
  await ended;
  if (failure) throw failure;
  if (produced !== entry.size)
    throw corrupt(
      `"${name}" unpacks to ${produced} bytes, not the ${entry.size} this bundle declares; it is damaged.`,
      name,
    );
  return produced;
}

/** {@link inflateZipEntry} into one buffer (for members that are read whole). */
export async function readZipEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  opts: ReadEntryOptions,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const size = await inflateZipEntry(bytes, entry, opts, (chunk) => chunks.push(chunk));
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
