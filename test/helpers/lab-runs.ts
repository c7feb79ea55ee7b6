/**
 * The recorded lab runs in test/fixtures/lab-runs (one per built-in scenario at time scale 0.2;
 * see the README there), for tests that read a real trace without running the lab.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseTraceText } from '../../src/shared/trace/parse';

/** The folder holding the recorded runs. */
export const LAB_RUNS_DIR = join(import.meta.dirname, '..', 'fixtures', 'lab-runs');

/** Path of one recorded run. */
export function labRunPath(name: string): string {
  return join(LAB_RUNS_DIR, `${name}.ndjson.gz`);
}

/** The names of the recorded runs (the scenario names). */
export function labRunNames(): string[] {
  return readdirSync(LAB_RUNS_DIR)
    .filter((f) => f.endsWith('.ndjson.gz'))
    .map((f) => f.replace('.ndjson.gz', ''));
}

/** One recorded run, parsed. */
export function loadLabRun(name: string): ReturnType<typeof parseTraceText> {
  return parseTraceText(gunzipSync(readFileSync(labRunPath(name))).toString('utf8'));
}
