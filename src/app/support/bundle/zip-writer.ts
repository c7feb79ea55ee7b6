/**
 * A streaming zip writer for support bundles: members go out one after another, deflated by
 * Node's zlib on its thread pool (not in JavaScript on the event loop), with CRC-32 and sizes in
 * a data descriptor after each member and in the central directory at the end — so no member
 * has to sit in memory uncompressed. Several members may be open at once and fed in turns (one
 * pass over a trace makes every file of a bundle); each is compressed as it is fed, and the zip
 * takes them in the order they were opened, holding a later member's compressed bytes until the
 * ones before it are out. Plain zip (no zip64): a member or the archive past 4 GiB, or more than
 * 65,535 members, is refused.
 */
import { createHash } from 'node:crypto';
import { createDeflateRaw, createGzip, crc32, type DeflateRaw, type Gzip, type ZlibOptions } from 'node:zlib';

/** Where the zip's bytes go, in order; a write resolves once the sink took the bytes. */
export type ZipSink = (bytes: Uint8Array) => Promise<void>;

/** How a member is stored. */
export interface ZipMemberOptions {
  /** Deflate it (default true); false stores it as is (data already compressed, e.g. `.gz`, `.png`). */
  deflate?: boolean;
  /** zlib level when deflating (default 6). */
  level?: number;
  /**
   * Gzip what is written and store the gzip stream (a `.gz` member that stays one file when
   * unzipped); size and sha256 are then those of the gzip stream. Implies no deflate.
   */
  gzip?: boolean;
}

/** One member being written: feed it with `write`, close it with `end`. */
export interface ZipMemberWriter {
  /** Feeds bytes (strings as UTF-8); resolves when the member can take more. */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Closes the member; resolves with its size and sha256 once its last byte went to the sink. */
  end(): Promise<ZipMemberInfo>;
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

/** A member's state between `open` and its data descriptor. */
interface OpenMember {
  entry: CentralEntry;
  info: { name: string; size: number; sha256: string };
  /** Compressed (or stored) bytes waiting for their turn in the zip. */
  out: Buffer[];
  /** Set once the last compressed byte is in `out`. */
  complete: boolean;
  headerWritten: boolean;
  /** Its zlib stream, when it has one. */
  compressor: Gzip | DeflateRaw | null;
  /** Settles `end()`. */
  written: { resolve(info: ZipMemberInfo): void; reject(error: Error): void };
}

/** Bytes of input a compressor may hold before `write` waits for it. */
const COMPRESSOR_BUFFER = 1 << 20;

/** Writes one zip to a {@link ZipSink}: `add()` or `open()` each member, then `finish()`. */
export class ZipWriter {
  private readonly entries: CentralEntry[] = [];
  private readonly names = new Set<string>();
  /** Members opened and not yet written out, in zip order. */
  private readonly queue: OpenMember[] = [];
  private offset = 0;
  private finished = false;
  private failure: Error | null = null;
  private pumping: Promise<void> | null = null;
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
   * Writes one whole member from bytes or from chunks as they are made; resolves with its size
   * and sha256 once its last byte is out.
   */
  async add(
    name: string,
    data: Uint8Array | string | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
    options: ZipMemberOptions = {},
  ): Promise<ZipMemberInfo> {
    const member = this.open(name, options);
    const source = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    try {
      for await (const chunk of source) await member.write(chunk);
    } catch (error) {
      // The member cannot be completed: the zip cannot either.
      this.fail(error as Error);
      throw error;
    }
    return member.end();
  }

  /**
   * Opens a member that takes its data in pieces; its place in the zip is the order of `open`
   * calls. Throws at once for a duplicate name, a finished zip or too many members.
   */
  open(name: string, options: ZipMemberOptions = {}): ZipMemberWriter {
    if (this.finished) throw new Error('the zip is already finished');
    if (this.names.has(name)) throw new Error(`the zip already has a member named ${name}`);
    if (this.entries.length + this.queue.length >= 0xffff)
      throw new Error('a zip without zip64 holds at most 65,535 members');
    this.names.add(name);
    const gzip = options.gzip ?? false;
    const deflate = !gzip && (options.deflate ?? true);
    let written!: OpenMember['written'];
    const done = new Promise<ZipMemberInfo>((resolve, reject) => (written = { resolve, reject }));
    done.catch(() => undefined); // a failure also reaches the caller through write or end
    const member: OpenMember = {
      entry: {
        name: Buffer.from(name, 'utf8'),
        method: deflate ? 8 : 0,
        crc: 0,
        compressedSize: 0,
        size: 0,
        offset: 0,
      },
      info: { name, size: 0, sha256: '' },
      out: [],
      complete: false,
      headerWritten: false,
      compressor: null,
      written,
    };
    this.queue.push(member);
    const level = options.level ?? 6;
    // zlib's streams take a stream's options too (the types leave them out).
    const zlibOptions = { level, highWaterMark: COMPRESSOR_BUFFER, chunkSize: 64 * 1024 } as ZlibOptions;
    const compressor = gzip ? createGzip(zlibOptions) : deflate ? createDeflateRaw(zlibOptions) : null;
    member.compressor = compressor;
    // What the zip records (CRC-32, size, sha256) is of the member's bytes as unzipped: the
    // input when deflating, the gzip stream when gzipping.
    const hash = createHash('sha256');
    const count = (bytes: Buffer): void => {
      member.entry.crc = crc32(bytes, member.entry.crc);
      member.entry.size += bytes.length;
      hash.update(bytes);
    };
    let ended = false;
    if (compressor) {
      compressor.on('data', (chunk: Buffer) => {
        if (gzip) count(chunk);
        member.out.push(chunk);
        void this.pump();
      });
      compressor.on('error', (error) => this.fail(error));
    }
    const toBuffer = (chunk: Uint8Array | string): Buffer =>
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return {
      write: async (chunk) => {
        if (this.failure) throw this.failure;
        if (ended) throw new Error(`${name} is already ended`);
        const bytes = toBuffer(chunk);
        if (bytes.length === 0) return;
        if (!compressor) {
          count(bytes);
          member.out.push(bytes);
          await this.pump();
          return;
        }
        if (!gzip) count(bytes);
        if (!compressor.write(bytes)) await waitFor(compressor, 'drain');
        if (this.failure) throw this.failure;
      },
      end: async () => {
        if (ended) throw new Error(`${name} is already ended`);
        ended = true;
        if (this.failure) throw this.failure;
        if (compressor) {
          const flushed = waitFor(compressor, 'end');
          compressor.end();
          await flushed;
        }
        if (this.failure) throw this.failure;
        member.info.sha256 = hash.digest('hex');
        member.complete = true;
        void this.pump();
        return done;
      },
    };
  }

  /**
   * Writes the central directory and its end record; the zip is complete once it resolves.
   * Every opened member must have ended.
   */
  async finish(): Promise<void> {
    if (this.finished) throw new Error('the zip is already finished');
    this.finished = true;
    if (this.failure) throw this.failure;
    await this.pump();
    if (this.queue.length > 0)
      throw new Error(`${this.queue[0]!.info.name} was not ended before the zip was finished`);
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

  /**
   * Gives the zip up (its maker failed): members still open reject with `error`, their
   * compressors are released, and nothing more goes to the sink.
   */
  abort(error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const member of this.queue) {
      member.written.reject(error);
      member.compressor?.destroy();
    }
  }

  /**
   * Moves what the members at the head of the queue have ready to the sink, in zip order. One
   * pump at a time: a call during a pump gets that pump, which looks again once it is done.
   */
  private pump(): Promise<void> {
    if (this.pumping) return this.pumping;
    // Set before the drain can end (then() runs later), so no pump is ever left marked running.
    const pumping = this.drainQueue().then(() => {
      this.pumping = null;
      const head = this.queue[0];
      if (!this.failure && head && (head.out.length > 0 || head.complete || !head.headerWritten))
        return this.pump();
    });
    this.pumping = pumping;
    return pumping;
  }

  private async drainQueue(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const member = this.queue[0]!;
        if (!member.headerWritten) {
          member.headerWritten = true;
          member.entry.offset = this.offset;
          await this.write(this.localHeader(member.entry));
        }
        while (member.out.length > 0) await this.write(member.out.shift()!);
        if (!member.complete) return;
        this.closeMember(member);
        await this.write(this.descriptor(member.entry));
        this.queue.shift();
        this.entries.push(member.entry);
        member.written.resolve({ ...member.info, size: member.entry.size });
      }
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /** Fills in the member's compressed size and checks the 4 GiB limits. */
  private closeMember(member: OpenMember): void {
    const entry = member.entry;
    entry.compressedSize = this.offset - entry.offset - 30 - entry.name.length;
    if (entry.size > LIMIT_32 || entry.compressedSize > LIMIT_32 || this.offset > LIMIT_32)
      throw new Error(
        `${member.info.name} makes the zip larger than 4 GiB, which a zip without zip64 cannot hold`,
      );
  }

  private localHeader(entry: CentralEntry): Buffer {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(FLAG_DESCRIPTOR | FLAG_UTF8, 6);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt16LE(this.stamp.time, 10);
    local.writeUInt16LE(this.stamp.date, 12);
    // CRC and sizes stay 0 here: they follow the data, in the descriptor.
    local.writeUInt16LE(entry.name.length, 26);
    return Buffer.concat([local, entry.name]);
  }

  private descriptor(entry: CentralEntry): Buffer {
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc, 4);
    descriptor.writeUInt32LE(entry.compressedSize, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    return descriptor;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    this.offset += bytes.length;
    await this.sink(bytes);
  }
}

/**
 * Resolves on the stream's next `event`, or once it errs or closes (the writer records an error
 * and gives up on a destroyed stream, so a caller waiting here then sees the failure).
 */
function waitFor(stream: NodeJS.EventEmitter, event: 'drain' | 'end'): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      for (const name of [event, 'error', 'close']) stream.off(name, done);
      resolve();
    };
    for (const name of [event, 'error', 'close']) stream.on(name, done);
  });
}
