/** What the steps of one open share: limits, cancellation and progress. */

/** Steps of an open, for a progress display. */
export type OpenPhase = 'reading' | 'verifying' | 'parsing';

/** Progress of {@link openSupportFile}. */
export interface OpenProgress {
  phase: OpenPhase;
  /** Bytes done in this phase. */
  done: number;
  /** Bytes of this phase in all, when known. */
  total: number | null;
}

/** Shared by the steps of one open. */
export interface OpenContext {
  maxBytes: number;
  signal: AbortSignal | undefined;
  progress(phase: OpenPhase, done: number, total: number | null): void;
}
