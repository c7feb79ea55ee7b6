/**
 * Opening a browser dump as a stream: the file (or the bytes) is read in pieces, gunzipped when
 * it is gzip, decoded and handed to the streaming importers, so what is held is the records being
 * made, never the whole text or its parsed tree. Progress is the input bytes read. Errors come
 * out as they would from reading the whole file first: a damaged or cut gzip stream, or one that
 * inflates past the cap, wins over what the importer made of the text before it.
 */
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { JsonSyntaxError } from '../../../shared/support/import/json-tokenizer';
import { SupportOpenError } from '../../../shared/support/import/errors';
import { importRtcstatsStream } from '../../../shared/support/import/rtcstats';
import { importWebrtcInternalsStream } from '../../../shared/support/import/webrtc-internals-stream';
import type { ImportOptions, ImportResult } from '../../../shared/support/import/build';
import type { OpenContext } from './context';

/** Bytes read from the input per piece. */
const PIECE_BYTES = 1 << 20;

/** Where a dump's bytes come from and how they are packed. */
export interface DumpInput {
  input: string | Uint8Array;
  /** Bytes of the input (for progress). */
  size: number;
  gzip: boolean;
}

function tooLargeInflated(max: number): SupportOpenError {
  return new SupportOpenError(
    'TOO_LARGE',
    `The decompressed file is larger than the ${max}-byte limit; it was not opened.`,
  );
}

function fromBytes(bytes: Uint8Array): Readable {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Readable.from(
    (function* pieces() {
      for (let o = 0; o < buf.length; o += PIECE_BYTES) yield buf.subarray(o, o + PIECE_BYTES);
    })(),
  );
}

/** The source's own failures as {@link SupportOpenError}s. */
function sourceError(e: unknown, input: DumpInput): SupportOpenError {
  if (e instanceof SupportOpenError) return e;
  const code = (e as { code?: string }).code ?? '';
  if (input.gzip && code === 'Z_BUF_ERROR')
    return new SupportOpenError(
      'TRUNCATED',
      'This gzip file is cut off; the dump inside cannot be read whole.',
      {
        cause: e,
      },
    );
  if (input.gzip && code.startsWith('Z_'))
    return new SupportOpenError('CORRUPT', `This gzip file is damaged (${(e as Error).message}).`, {
      cause: e,
    });
  const where = typeof input.input === 'string' ? input.input : 'the file';
  return new SupportOpenError('UNREADABLE', `Cannot read ${where}: ${(e as Error).message}.`, { cause: e });
}

/**
 * The text of a dump, piece by piece. Its iterator's `return` (an importer that stopped) leaves
 * the stream open, so {@link drain} can still find out whether the gzip stream was sound.
 */
class DumpText implements AsyncIterable<string> {
  private readonly source: Readable;
  private readonly out: AsyncIterator<Buffer>;
  private readonly decoder = new TextDecoder();
  private readBytes = 0;
  private inflated = 0;
  private done = false;

  constructor(
    private readonly input: DumpInput,
    private readonly ctx: OpenContext,
  ) {
    const { input: from } = input;
    this.source =
      typeof from === 'string' ? createReadStream(from, { highWaterMark: PIECE_BYTES }) : fromBytes(from);
    this.source.on('data', (c: Buffer) => (this.readBytes += c.length));
    const out = input.gzip
      ? pipeline(this.source, createGunzip({ chunkSize: 1 << 16 }), () => undefined)
      : this.source;
    this.out = (out as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return {
      next: () => this.next(),
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  /** The next piece of bytes, checked against the cap, the signal and the stream's errors. */
  private async nextBytes(): Promise<Buffer | null> {
    if (this.done) return null;
    let step: IteratorResult<Buffer>;
    try {
      step = await this.out.next();
    } catch (e) {
      this.done = true;
      throw sourceError(e, this.input);
    }
    if (step.done) {
      this.done = true;
      return null;
    }
    this.inflated += step.value.length;
    if (this.inflated > this.ctx.maxBytes) {
      this.done = true;
      throw tooLargeInflated(this.ctx.maxBytes);
    }
    if (this.ctx.signal?.aborted) throw new SupportOpenError('ABORTED', 'Opening the file was cancelled.');
    this.ctx.progress('parsing', this.readBytes, this.input.size);
    return step.value;
  }

  private async next(): Promise<IteratorResult<string>> {
    const bytes = await this.nextBytes();
    if (bytes === null) {
      const rest = this.decoder.decode();
      return rest === '' ? { done: true, value: undefined } : { done: false, value: rest };
    }
    return { done: false, value: this.decoder.decode(bytes, { stream: true }) };
  }

  /** Reads (and drops) the rest: throws the stream's error, if it has one. */
  async drain(): Promise<void> {
    while ((await this.nextBytes()) !== null);
  }

  close(): void {
    this.source.destroy();
    void this.out.return?.().catch(() => undefined);
  }
}

/** A {@link JsonSyntaxError} as the opener reports it. */
function jsonError(e: JsonSyntaxError): SupportOpenError {
  return new SupportOpenError(
    e.truncated ? 'TRUNCATED' : 'WRONG_FORMAT',
    e.truncated
      ? 'This JSON dump is cut off; ask for the whole file (in chrome://webrtc-internals, "Create dump" again).'
      : `This file is not valid JSON (${e.message.slice(0, 120)}); it is not a trace, bundle or browser dump.`,
    { cause: e },
  );
}

/**
 * Imports a webrtc-internals (`json`) or rtcstats dump from `input` as it streams (see the file
 * comment). Rejects with {@link SupportOpenError} only.
 */
export async function importDump(
  kind: 'json' | 'rtcstats',
  input: DumpInput,
  ctx: OpenContext,
  options: ImportOptions,
): Promise<ImportResult> {
  const text = new DumpText(input, ctx);
  try {
    return kind === 'rtcstats'
      ? await importRtcstatsStream(text, options)
      : await importWebrtcInternalsStream(text, options);
  } catch (e) {
    if (e instanceof SupportOpenError && e.code === 'ABORTED') throw e;
    // The whole file would have been inflated (and failed) before the text was read.
    if (input.gzip) await text.drain();
    throw e instanceof JsonSyntaxError ? jsonError(e) : e;
  } finally {
    text.close();
  }
}
