/**
 * The recorder's journal: an append-only NDJSON file written in batches through one file
 * handle. Every batch is handed to the OS as soon as it is flushed (a killed process loses only
 * what was not flushed yet); `sync()` and `close()` also fsync, for power loss.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** The journal file could not be opened or written. */
export class JournalError extends Error {
  override readonly name = 'JournalError';
  /** Stable reason: the file could not be opened, or a write or fsync failed. */
  readonly code: 'JOURNAL_OPEN_FAILED' | 'JOURNAL_WRITE_FAILED';
  constructor(code: JournalError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Append-only writer of text lines. Writes never overlap: lines appended while a write is in
 * flight are coalesced into the next one. No synchronous I/O.
 */
export class TraceJournal {
  private readonly handle: Promise<FileHandle | null>;
  private pending: string[] = [];
  private draining: Promise<void> | null = null;
  private failure: JournalError | null = null;
  private closing: Promise<void> | null = null;
  private readonly errorListeners = new Set<(error: JournalError) => void>();
  private written = 0;

  /**
   * Creates (or truncates) `path` and writes `firstLine` (the header) as line 1.
   * @param path journal file; its directory must exist.
   */
  constructor(
    readonly path: string,
    firstLine: string,
  ) {
    this.pending.push(firstLine + '\n');
    this.handle = open(path, 'w').then(
      (fh) => fh,
      (e: unknown) => {
        this.fail(
          new JournalError(
            'JOURNAL_OPEN_FAILED',
            `Cannot open the trace journal ${path}: ${(e as Error).message}. Records stay in memory only.`,
            { cause: e },
          ),
        );
        return null;
      },
    );
    this.kick();
  }

  /** The first error, if the journal failed (recording goes on in memory). */
  get error(): JournalError | null {
    return this.failure;
  }

  /** Bytes handed to the OS so far. */
  get bytesWritten(): number {
    return this.written;
  }

  /** Calls `listener` once when the journal fails. Returns an unsubscribe function. */
  onError(listener: (error: JournalError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Queues lines (without newlines) for the next write. Ignored after close or failure. */
  append(lines: readonly string[]): void {
    if (lines.length === 0 || this.closing || this.failure) return;
    this.pending.push(lines.join('\n') + '\n');
    this.kick();
  }

  /** Resolves when everything appended so far is written to the OS; rejects if the journal failed. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.failure) throw this.failure;
  }

  /** {@link flush}, then fsync: durable on disk up to now. */
  async sync(): Promise<void> {
    await this.flush();
    const fh = await this.handle;
    if (!fh) throw this.failure!;
    try {
      await fh.sync();
    } catch (e) {
      this.fail(
        new JournalError('JOURNAL_WRITE_FAILED', `fsync of ${this.path} failed: ${(e as Error).message}`),
      );
      throw this.failure!;
    }
  }

  /** Final write, fsync and close of the file. Idempotent; rejects if the journal failed. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    let error: unknown = null;
    try {
      await this.sync();
    } catch (e) {
      error = e;
    }
    const fh = await this.handle;
    if (fh) {
      try {
        await fh.close();
      } catch (e) {
        error ??= e;
      }
    }
    if (error) throw error;
  }

  private kick(): void {
    if (this.draining || this.failure) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.pending.length > 0 && !this.failure) this.kick();
    });
  }

  private async drain(): Promise<void> {
    const fh = await this.handle;
    if (!fh) return;
    while (this.pending.length > 0 && !this.failure) {
      const data = Buffer.from(this.pending.length === 1 ? this.pending[0]! : this.pending.join(''), 'utf8');
      this.pending = [];
      try {
        let offset = 0;
        while (offset < data.length) {
          const { bytesWritten } = await fh.write(data, offset, data.length - offset);
          offset += bytesWritten;
        }
        this.written += data.length;
      } catch (e) {
        this.fail(
          new JournalError(
            'JOURNAL_WRITE_FAILED',
            `Writing the trace journal ${this.path} failed: ${(e as Error).message}. Records stay in memory only.`,
            { cause: e },
          ),
        );
      }
    }
  }

  private fail(error: JournalError): void {
    if (this.failure) return;
    this.failure = error;
    this.pending = [];
    for (const listener of [...this.errorListeners]) {
      try {
        listener(error);
      } catch {
        // A listener's failure must not affect the journal.
      }
    }
  }
}
