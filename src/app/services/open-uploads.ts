/**
 * Opens with progress and cancel, and large files sent in pieces. Each open that names a
 * `requestId` gets an AbortController (`trace:open-cancel` aborts it) and reports
 * `trace:open-progress`; a chunked upload is appended to a temp file (bounded in size, in count
 * and in idle time) and then opened from that path, so a 200 MiB trace never becomes one string.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_CONCURRENT_UPLOADS,
  MAX_UPLOAD_BYTES,
  UPLOAD_CHUNK_BYTES,
  type EventPayload,
  type InvokeParsed,
} from '../../shared/ipc';
import { SupportOpenError } from '../support/open';
import type { OpenProgress } from '../support/open/context';
import { serviceError } from './errors';
import type { ServiceEvents } from './events';
import { openSupport, openSupportBase64, type OpenControl } from './trace-files';

type Opened = EventPayload<'trace:opened'>;

interface Upload {
  dir: string;
  path: string;
  received: number;
  totalBytes: number;
  /** True once `trace:open-upload` took it (no more chunks). */
  opening: boolean;
  idle: ReturnType<typeof setTimeout>;
}

/** Options of {@link OpenUploads}. */
export interface OpenUploadsOptions {
  events: ServiceEvents;
  /** Largest chunked upload (default MAX_UPLOAD_BYTES). */
  maxBytes?: number;
  /** Uploads at once (default MAX_CONCURRENT_UPLOADS). */
  maxConcurrent?: number;
  /** An upload with no chunk for this long is dropped (default 60 s). */
  idleMs?: number;
  /** Where temp files go (default the OS temp dir). */
  tempDir?: string;
}

const aborted = (): SupportOpenError => new SupportOpenError('ABORTED', 'Opening the file was cancelled.');

/** See the file comment. Dispose to abort everything and remove the temp files. */
export class OpenUploads {
  private readonly opens = new Map<string, AbortController>();
  private readonly uploads = new Map<string, Upload>();
  /** Uploads whose first piece is being set up: they hold a slot before any `await`. */
  private readonly reserved = new Set<string>();
  /** The pieces of one upload, one after another (each waits for the one before). */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly maxBytes: number;
  private readonly maxConcurrent: number;
  private readonly idleMs: number;

  constructor(private readonly options: OpenUploadsOptions) {
    this.maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
    this.maxConcurrent = options.maxConcurrent ?? MAX_CONCURRENT_UPLOADS;
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Chunked uploads held now. */
  get pending(): number {
    return this.uploads.size;
  }

  /** `trace:open-bytes`: decodes and opens, with progress and cancel when it has a requestId. */
  openBytes(r: InvokeParsed<'trace:open-bytes'>): Promise<Opened> {
    if (r.requestId === undefined) return openSupportBase64(r.name, r.base64);
    return this.track(r.requestId, (signal, onProgress) =>
      openSupportBase64(r.name, r.base64, undefined, { signal, onProgress }),
    );
  }

  /**
   * `trace:open-chunk`: appends the next piece (in order) to the upload's temp file. Pieces of one
   * upload are handled one at a time, and a new upload takes its slot before anything is awaited,
   * so pieces sent at once can neither pass the concurrency limit nor make two temp files.
   */
  chunk(r: InvokeParsed<'trace:open-chunk'>): Promise<{ received: number }> {
    const id = r.requestId;
    const known = this.uploads.has(id) || this.reserved.has(id) || this.queues.has(id);
    if (!known && this.uploads.size + this.reserved.size >= this.maxConcurrent)
      return Promise.reject(
        serviceError('BUSY', `${this.maxConcurrent} files are being opened already: wait for one to finish.`),
      );
    if (!known && r.offset === 0) this.reserved.add(id);
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.chunkNow(r))
      .finally(() => {
        this.reserved.delete(id);
        if (this.queues.get(id) === next) this.queues.delete(id);
      });
    this.queues.set(id, next);
    return next;
  }

  private async chunkNow(r: InvokeParsed<'trace:open-chunk'>): Promise<{ received: number }> {
    let upload = this.uploads.get(r.requestId);
    if (!upload) {
      if (r.offset !== 0)
        throw serviceError(
          'BAD_REQUEST',
          'This upload is unknown (cancelled or expired): open the file again.',
        );
      if (r.totalBytes > this.maxBytes)
        throw new SupportOpenError(
          'TOO_LARGE',
          `The file is ${r.totalBytes} bytes, over the ${this.maxBytes}-byte limit of the page: open it in the desktop app or with the CLI.`,
        );
      const dir = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'faultline-upload-'));
      upload = {
        dir,
        path: join(dir, 'upload'),
        received: 0,
        totalBytes: r.totalBytes,
        opening: false,
        idle: this.idleTimer(r.requestId),
      };
      this.uploads.set(r.requestId, upload);
    }
    if (upload.opening) throw serviceError('BAD_REQUEST', 'This upload is complete and being opened.');
    if (r.offset !== upload.received || r.totalBytes !== upload.totalBytes)
      throw serviceError('BAD_REQUEST', `Pieces arrived out of order (expected offset ${upload.received}).`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(r.base64))
      throw new SupportOpenError(
        'UNREADABLE',
        'A piece of the file did not arrive intact (not base64): open it again.',
      );
    const bytes = Buffer.from(r.base64, 'base64');
    if (bytes.length > UPLOAD_CHUNK_BYTES || upload.received + bytes.length > upload.totalBytes) {
      await this.drop(r.requestId);
      throw serviceError('BAD_REQUEST', 'A piece is larger than announced: the upload was dropped.');
    }
    await appendFile(upload.path, bytes);
    upload.received += bytes.length;
    clearTimeout(upload.idle);
    upload.idle = this.idleTimer(r.requestId);
    this.progress(r.requestId, 'uploading', upload.received / upload.totalBytes);
    return { received: upload.received };
  }

  /** `trace:open-upload`: opens a complete upload from its temp file, then removes it. */
  async openUpload(r: InvokeParsed<'trace:open-upload'>): Promise<Opened> {
    const upload = this.uploads.get(r.requestId);
    if (!upload)
      throw serviceError(
        'BAD_REQUEST',
        'This upload is unknown (cancelled or expired): open the file again.',
      );
    if (upload.opening) throw serviceError('BAD_REQUEST', 'This upload is being opened already.');
    if (upload.received !== upload.totalBytes)
      throw serviceError(
        'BAD_REQUEST',
        `Only ${upload.received} of ${upload.totalBytes} bytes arrived: open the file again.`,
      );
    upload.opening = true;
    clearTimeout(upload.idle);
    try {
      return await this.track(r.requestId, (signal, onProgress) =>
        openSupport(upload.path, r.name, this.maxBytes, { signal, onProgress }),
      );
    } finally {
      await this.drop(r.requestId);
    }
  }

  /** `trace:open-cancel`: aborts the open and drops the upload; false when nothing had that id. */
  async cancel(requestId: string): Promise<{ cancelled: boolean }> {
    const open = this.opens.get(requestId);
    open?.abort(aborted());
    const upload = this.uploads.get(requestId);
    if (upload && !upload.opening) await this.drop(requestId);
    return { cancelled: open !== undefined || upload !== undefined };
  }

  /** Aborts every open and removes every temp file. */
  async dispose(): Promise<void> {
    for (const c of this.opens.values()) c.abort(aborted());
    this.opens.clear();
    await Promise.all([...this.uploads.keys()].map((id) => this.drop(id)));
  }

  /**
   * Runs any open under `requestId` (e.g. the desktop dialog's, for `trace:open`): `task` gets
   * the signal that `trace:open-cancel` aborts and a progress callback that reports
   * `trace:open-progress`; a cancelled task rejects with ABORTED. BAD_REQUEST when the id is in use.
   */
  run<T>(requestId: string, task: (control: Required<OpenControl>) => Promise<T>): Promise<T> {
    return this.track(requestId, (signal, onProgress) => task({ signal, onProgress }));
  }

  private async track<T>(
    requestId: string,
    run: (signal: AbortSignal, onProgress: (p: OpenProgress) => void) => Promise<T>,
  ): Promise<T> {
    if (this.opens.has(requestId))
      throw serviceError('BAD_REQUEST', `An open with id ${requestId} is under way.`);
    const controller = new AbortController();
    this.opens.set(requestId, controller);
    let last = '';
    const onProgress = (p: OpenProgress): void => {
      const fraction = p.total ? Math.min(1, p.done / p.total) : 0;
      // At most ~100 events per phase: a progress bar needs no more.
      const step = `${p.phase}:${Math.floor(fraction * 100)}`;
      if (step === last) return;
      last = step;
      this.progress(requestId, p.phase, fraction);
    };
    try {
      const opened = await run(controller.signal, onProgress);
      if (controller.signal.aborted) throw aborted();
      return opened;
    } finally {
      this.opens.delete(requestId);
    }
  }

  private progress(
    requestId: string,
    phase: EventPayload<'trace:open-progress'>['phase'],
    fraction: number,
  ): void {
    this.options.events.emit('trace:open-progress', { requestId, phase, fraction });
  }

  private idleTimer(requestId: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => void this.drop(requestId), this.idleMs);
    timer.unref?.();
    return timer;
  }

  private async drop(requestId: string): Promise<void> {
    const upload = this.uploads.get(requestId);
    if (!upload) return;
    this.uploads.delete(requestId);
    clearTimeout(upload.idle);
    await rm(upload.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
