/**
 * Writing and reading trace files for the desktop shell (File → Export trace…, Open trace…).
 * Electron-free: the shell picks the path with a native dialog and calls these.
 */
import { basename } from 'node:path';
import type { EventPayload } from '../../shared/ipc/contract';
import { writeTrace } from '../lab/trace/codec';
import { readTrace, TraceReadError } from '../lab/trace/reader';
import { serviceError } from './errors';
import type { LabService } from './lab-service';

/** The default file name of an export, from the trace's start time (`faultline-2026-…`). */
export function defaultTraceName(startedAt: string | undefined, gzip: boolean): string {
  const stamp = (startedAt ?? new Date().toISOString()).replace(/[:.]/g, '-').replace(/Z$/, '');
  return `faultline-${stamp}.ndjson${gzip ? '.gz' : ''}`;
}

/** Writes the service's current (or last) trace to `path`; NO_LAB when there is none yet. */
export async function exportTrace(
  service: LabService,
  path: string,
  gzip?: boolean,
): Promise<{ path: string; bytes: number }> {
  const trace = service.currentTrace();
  if (!trace) throw serviceError('NO_LAB', 'There is no trace yet: start the lab or run a scenario first.');
  return writeTrace(path, trace.header, trace.records, gzip === undefined ? {} : { gzip });
}

/** Reads a trace file into the `trace:opened` payload; unreadable files become BAD_TRACE. */
export async function openTrace(path: string): Promise<EventPayload<'trace:opened'>> {
  try {
    const result = await readTrace(path);
    return {
      name: basename(path),
      header: result.header,
      records: result.records,
      truncated: result.truncated,
      warnings: result.warnings,
    };
  } catch (error) {
    if (error instanceof TraceReadError) throw serviceError('BAD_TRACE', error.message);
    throw error;
  }
}
