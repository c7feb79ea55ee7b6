/**
 * Kill safety: a real child process records continuously and is SIGKILLed; its journal still
 * holds every record up to ~300 ms before the kill, contiguous, and reads with at most the last
 * line cut.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { readTrace } from '../../../src/lab/trace/reader';

const child = fileURLToPath(new URL('./fixtures/record-child.ts', import.meta.url));
let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('a SIGKILLed recorder loses at most the last ~300 ms of records', async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-kill-'));
  const journal = join(dir, 'journal.ndjson');
  const proc = spawn(process.execPath, ['--import', 'tsx', child, journal], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const reports: { at: number; seq: number }[] = [];
  let buffered = '';
  let firstAt = 0;
  const killAt = await new Promise<number>((resolve, reject) => {
    const guard = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child never reported: ${stderr}`));
    }, 30_000);
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const now = performance.now();
        reports.push({ at: now, seq: Number(line) });
        firstAt ||= now;
        if (now - firstAt > 1000 && proc.exitCode === null && !proc.killed) {
          clearTimeout(guard);
          const at = performance.now();
          proc.kill('SIGKILL');
          resolve(at);
        }
      }
    });
  });
  expect(await exited).toBe('SIGKILL');

  const trace = await readTrace(journal);
  const seqs = trace.records.map((r) => r.seq);
  expect(seqs.length).toBeGreaterThan(100);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  expect(trace.skipped.invalid).toEqual([]);
  const bound = reports.filter((r) => r.at <= killAt - 300).at(-1)!;
  expect(bound.seq).toBeGreaterThan(0);
  expect(seqs.at(-1)!).toBeGreaterThanOrEqual(bound.seq);
});
