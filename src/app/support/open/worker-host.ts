/**
 * `openSupportFileInWorker`: {@link openSupportFile} run in a `worker_threads` worker with a
 * capped heap, so opening a large file never blocks or ends the thread that hosts the lab (the
 * Electron main process, browser mode's server, the CLI). Progress and the records come back in
 * batches; cancelling terminates the worker; a worker that runs out of its heap becomes the coded
 * error `OUT_OF_MEMORY` and the host carries on.
 */
import { Worker } from 'node:worker_threads';
import { SupportOpenError } from '../../../shared/support/import/errors';
import type { TraceRecord } from '../../../shared/trace/records';
import type { OpenedSupportFile, OpenSupportOptions } from './open';
import { resolveOpenWorkerEntry } from './worker-entry';
import type { OpenWorkerData, OpenWorkerMessage } from './worker-protocol';

/** Default heap (old generation) the opening worker may use, in MiB. */
export const DEFAULT_OPEN_HEAP_MIB = 1536;

/** Options of {@link openSupportFileInWorker}. */
export interface WorkerOpenOptions extends OpenSupportOptions {
  /** The worker's heap cap in MiB (`resourceLimits.maxOldGenerationSizeMb`; default {@link DEFAULT_OPEN_HEAP_MIB}). */
  maxHeapMb?: number;
}

/** What the worker used, for figures and tests. */
export interface OpenMemory {
  /** The most heap the worker was seen to use (sampled), in bytes. */
  peakHeapBytes: number;
  /** The cap it ran under, in MiB. */
  heapLimitMb: number;
}

/** The `OUT_OF_MEMORY` error of a file that needs more than `mb` MiB to open. */
export function outOfMemory(mb: number): SupportOpenError {
  return new SupportOpenError(
    'OUT_OF_MEMORY',
    `This file needs more than ${mb} MiB of memory to open, the most opening a file may use; it was not opened, and the lab was not affected. Ask for a shorter dump (one made soon after the call holds less history).`,
  );
}

const cancelled = (): SupportOpenError => new SupportOpenError('ABORTED', 'Opening the file was cancelled.');

/**
 * Opens `input` like {@link openSupportFile}, in a worker (see the file comment). Rejects with
 * {@link SupportOpenError} only: its codes, plus `OUT_OF_MEMORY`; `ABORTED` once the worker is gone.
 */
export function openSupportFileInWorker(
  input: string | Uint8Array,
  opts: WorkerOpenOptions = {},
): Promise<OpenedSupportFile & { memory: OpenMemory }> {
  const heapLimitMb = opts.maxHeapMb ?? DEFAULT_OPEN_HEAP_MIB;
  if (opts.signal?.aborted) return Promise.reject(cancelled());
  const entry = resolveOpenWorkerEntry();
  const workerData: OpenWorkerData = {
    input,
    ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
    ...(opts.maxRecords === undefined ? {} : { maxRecords: opts.maxRecords }),
  };
  const worker = new Worker(entry.kind === 'built' ? entry.file : entry.bootstrap, {
    eval: entry.kind === 'source',
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: heapLimitMb },
    stdout: false,
    stderr: false,
  });
  return new Promise((resolve, reject) => {
    const records: TraceRecord[] = [];
    // How the open ends is decided once; the promise settles when the worker has exited, so
    // nothing of the open outlives it.
    let outcome: (() => void) | null = null;
    let exited = false;
    let settled = false;
    const settle = (): void => {
      if (settled || !outcome) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const decide = (then: () => void): void => {
      if (outcome) return;
      outcome = then;
      if (exited) settle();
      else void worker.terminate();
    };
    const fail = (error: SupportOpenError): void => decide(() => reject(error));
    const onAbort = (): void => fail(cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: OpenWorkerMessage) => {
      if (outcome) return;
      switch (message.type) {
        case 'progress':
          try {
            opts.onProgress?.({ phase: message.phase, done: message.done, total: message.total });
          } catch {
            // A progress display's failure must not fail the open.
          }
          return;
        case 'records':
          for (const r of message.records) records.push(r);
          return;
        case 'error':
          return fail(
            new SupportOpenError(
              message.code,
              message.message,
              message.file === undefined ? {} : { file: message.file },
            ),
          );
        case 'done': {
          const { type: _type, peakHeapBytes, ...rest } = message;
          const opened = { ...rest, records, memory: { peakHeapBytes, heapLimitMb } };
          return decide(() => resolve(opened));
        }
      }
    });
    worker.on('error', (e: Error & { code?: string }) =>
      fail(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? outOfMemory(heapLimitMb)
          : new SupportOpenError('UNREADABLE', `The file could not be opened: ${e.message}.`, { cause: e }),
      ),
    );
    worker.on('exit', (code) => {
      exited = true;
      fail(
        new SupportOpenError(
          'UNREADABLE',
          `The file could not be opened: the opening worker stopped (exit code ${code}).`,
        ),
      );
      settle();
    });
  });
}
