/** What the opening worker (worker-main.ts) and its host (worker-host.ts) say to each other. */
import type { SupportOpenErrorCode } from '../../../shared/support/import/errors';
import type { TraceRecord } from '../../../shared/trace/records';
import type { OpenPhase } from './context';
import type { OpenedSupportFile } from './open';

/** The worker's `workerData`: what to open, and the caps. */
export interface OpenWorkerData {
  input: string | Uint8Array;
  maxBytes?: number;
  maxRecords?: number;
}

/** Records travel in batches of this many (each batch is one structured clone). */
export const RECORD_BATCH = 20_000;

/** A message from the worker. */
export type OpenWorkerMessage =
  | { type: 'progress'; phase: OpenPhase; done: number; total: number | null }
  | { type: 'records'; records: TraceRecord[] }
  | ({ type: 'done'; peakHeapBytes: number } & Omit<OpenedSupportFile, 'records' | 'memory'>)
  | { type: 'error'; code: SupportOpenErrorCode; message: string; file?: string };
