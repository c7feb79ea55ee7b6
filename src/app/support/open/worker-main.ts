/**
 * The opening worker's entry: opens the file named in `workerData` with `openSupportFile` and
 * posts progress, the records in batches, then the rest of the result (or the coded error) to
 * the thread that started it. Its heap is capped by the host (`resourceLimits`); running out of it
 * ends this worker only. Built as `open-worker.js` next to the main bundle.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { SupportOpenError } from '../../../shared/support/import/errors';
import { openSupportFile } from './open';
import { RECORD_BATCH, type OpenWorkerData, type OpenWorkerMessage } from './worker-protocol';

const port = parentPort!;
const data = workerData as OpenWorkerData;
const post = (message: OpenWorkerMessage): void => port.postMessage(message);

/** The most heap (used, plus memory held outside it for this thread's buffers) seen so far. */
let peakHeapBytes = 0;
function sampleHeap(): void {
  const h = getHeapStatistics();
  peakHeapBytes = Math.max(peakHeapBytes, h.used_heap_size + h.external_memory);
}
const sampler = setInterval(sampleHeap, 20);

let lastStep = '';
try {
  const opened = await openSupportFile(data.input, {
    ...(data.maxBytes === undefined ? {} : { maxBytes: data.maxBytes }),
    ...(data.maxRecords === undefined ? {} : { maxRecords: data.maxRecords }),
    onProgress: ({ phase, done, total }) => {
      sampleHeap();
      // At most one message per phase and percent.
      const step = `${phase}:${total ? Math.floor((done / total) * 100) : done}`;
      if (step === lastStep) return;
      lastStep = step;
      post({ type: 'progress', phase, done, total });
    },
  });
  sampleHeap();
  const { records, ...rest } = opened;
  // Each batch is let go once posted, so this thread's copy shrinks while the host's grows.
  for (let i = 0; i < records.length; i += RECORD_BATCH) {
    post({ type: 'records', records: records.slice(i, i + RECORD_BATCH) });
    records.fill(undefined as never, i, i + RECORD_BATCH);
  }
  post({ type: 'done', ...rest, peakHeapBytes });
} catch (e) {
  const error =
    e instanceof SupportOpenError
      ? e
      : new SupportOpenError('UNREADABLE', `The file could not be opened: ${String(e)}.`);
  post({
    type: 'error',
    code: error.code,
    message: error.message,
    ...(error.file === undefined ? {} : { file: error.file }),
  });
} finally {
  clearInterval(sampler);
}
