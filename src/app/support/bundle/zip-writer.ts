/**
 * A streaming zip writer for support bundles: members go out one after another as they are
 * made, deflated by Node's zlib on its thread pool (not in JavaScript on the event loop), with
 * CRC-32 and sizes in a data descriptor after each member and in the central directory at the
 * end — so neither a member nor the whole zip has to sit in memory. Plain zip (no zip64): a
 * member or the archive past 4 GiB, or more than 65,535 members, is refused.
 */
import { createHash } from 'node:crypto';
import { createDeflateRaw, crc32 } from 'node:zlib';

/** Where the zip's bytes go, in order; a write resolves once the sink took the bytes. */
export type ZipSink = (bytes: Uint8Array) => Promise<void>;

/** How a member is stored. */
export interface ZipMemberOptions {
  /** Deflate it (default true); false stores it as is (data already compressed, e.g. `.gz`, `.png`). */
  deflate?: boolean;
  /** zlib level when deflating (default 6). */
  level?: number;
}

/** What the writer knows of a member once written: for the bundle's manifest. */
export interface ZipMemberInfo {
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
  /** sha256 (hex) of the uncompressed bytes. */
  sha256: string;
}

interface CentralEntry {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const LIMIT_32 = 0xffffffff;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

/** DOS date and time of `date` (local time, as zip tools show it), 1980 at the earliest. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** Writes one zip to a {@link ZipSink}: `add()` each member in turn, then `finish()`. */
export class ZipWriter {
  private readonly entries: CentralEntry[] = [];
  private readonly names = new Set<string>();
  private offset = 0;
  private finished = false;
  private readonly stamp: { time: number; date: number };

  /**
   * @param sink receives the bytes in order
   * @param mtime the members' modification time
   */
  constructor(
    private readonly sink: ZipSink,
    mtime: Date,
  ) {
    this.stamp = dosDateTime(mtime);
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  /**
   * Writes one member from bytes or from chunks as they are made; resolves with its size and
   * sha256 once its last byte is out. Members must be added one at a time.
   */
  async add(
    name: string,
    data: Uint8Array | string | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
    options: ZipMemberOptions = {},
  ): Promise<ZipMemberInfo> {
    if (this.finished) throw new Error('the zip is already finished');
    if (this.names.has(name)) throw new Error(`the zip already has a member named ${name}`);
    if (this.entries.length >= 0xffff) throw new Error('a zip without zip64 holds at most 65,535 members');
    this.names.add(name);
    const deflate = options.deflate ?? true;
    const nameBytes = Buffer.from(name, 'utf8');
    const entry: CentralEntry = {
      name: nameBytes,
      method: deflate ? 8 : 0,
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: this.offset,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(FLAG_DESCRIPTOR | FLAG_UTF8, 6);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt16LE(this.stamp.time, 10);
    local.writeUInt16LE(this.stamp.date, 12);
    // CRC and sizes stay 0 here: they follow the data, in the descriptor.
    local.writeUInt16LE(nameBytes.length, 26);
    await this.write(Buffer.concat([local, nameBytes]));

    const hash = createHash('sha256');
    let crc = 0;
    let size = 0;
    const started = this.offset;
    const take = (chunk: Uint8Array | string): Buffer => {
      const bytes =
        typeof chunk === 'string'
          ? Buffer.from(chunk, 'utf8')
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      crc = crc32(bytes, crc);
      size += bytes.length;
      hash.update(bytes);
      return bytes;
    };
    const source = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    if (deflate) {
      await this.deflateInto(source, take, options.level ?? 6);
    } else {
      for await (const chunk of source) {
        const bytes = take(chunk);
        if (bytes.length > 0) await this.write(bytes);
      }
    }
    entry.crc = crc;
    entry.size = size;
    entry.compressedSize = this.offset - started;
    if (size > LIMIT_32 || entry.compressedSize > LIMIT_32 || this.offset > LIMIT_32)
      throw new Error(`${name} makes the zip larger than 4 GiB, which a zip without zip64 cannot hold`);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc, 4);
    descriptor.writeUInt32LE(entry.compressedSize, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    await this.write(descriptor);
    this.entries.push(entry);
    return { name, size, sha256: hash.digest('hex') };
  }

  /** Writes the central directory and its end record; the zip is complete once it resolves. */
  async finish(): Promise<void> {
    if (this.finished) throw new Error('the zip is already finished');
    this.finished = true;
    const directoryStart = this.offset;
    const parts: Buffer[] = [];
    for (const entry of this.entries) {
      const head = Buffer.alloc(46);
      head.writeUInt32LE(0x02014b50, 0);
      head.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
      head.writeUInt16LE(20, 6);
      head.writeUInt16LE(FLAG_DESCRIPTOR | FLAG_UTF8, 8);
      head.writeUInt16LE(entry.method, 10);
      head.writeUInt16LE(this.stamp.time, 12);
      head.writeUInt16LE(this.stamp.date, 14);
      head.writeUInt32LE(entry.crc, 16);
      head.writeUInt32LE(entry.compressedSize, 20);
      head.writeUInt32LE(entry.size, 24);
      head.writeUInt16LE(entry.name.length, 28);
      head.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
      head.writeUInt32LE(entry.offset, 42);
      parts.push(head, entry.name);
    }
    const directory = Buffer.concat(parts);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(directoryStart, 16);
    if (directoryStart + directory.length > LIMIT_32)
      throw new Error('the zip is larger than 4 GiB, which a zip without zip64 cannot hold');
    await this.write(Buffer.concat([directory, end]));
  }

  private async write(bytes: Uint8Array): Promise<void> {
    this.offset += bytes.length;
    await this.sink(bytes);
  }

  /** Feeds `source` through zlib's raw deflate and writes what comes out, in order. */
  private async deflateInto(
    source: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
    take: (chunk: Uint8Array | string) => Buffer,
    level: number,
  ): Promise<void> {
    const deflater = createDeflateRaw({ level });
    const pending: Buffer[] = [];
    let failed: Error | null = null;
    deflater.on('data', (chunk: Buffer) => pending.push(chunk));
    deflater.on('error', (error) => (failed = error));
    const drain = async (): Promise<void> => {
      while (pending.length > 0) await this.write(pending.shift()!);
      if (failed) throw failed;
    };
    for await (const chunk of source) {
      const bytes = take(chunk);
      if (bytes.length === 0) continue;
      if (!deflater.write(bytes)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            deflater.off('drain', done);
            deflater.off('error', done);
            resolve();
          };
          deflater.on('drain', done);
          deflater.on('error', done);
        });
      }
      await drain();
    }
    await new Promise<void>((resolve, reject) => {
      deflater.once('end', resolve);
      deflater.once('error', reject);
      deflater.end();
    });
    await drain();
  }
}
