/**
 * Crash recovery of a rotated journal: a real child process records into a journal that
 * rotates every 2000 records and is SIGKILLed mid-session; the journal store lists it as one
 * session, opens it with every seq from 1 up to ~300 ms before the kill, and discards every
 * segment.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { listJournalFiles } from '../../../src/lab/trace/segments';
import { JournalStore } from '../../../src/app/services/recovery';

const child = fileURLToPath(new URL('../trace/fixtures/record-child.ts', import.meta.url));
let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('a SIGKILLed writer of a rotated journal is recovered as one session', async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-segrec-'));
  const id = 'faultline-2026-01-01T00-00-00-000-abcdef';
  const base = join(dir, `${id}.open.ndjson`);
  const proc = spawn(process.execPath, ['--import', 'tsx', child, base, '2000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const reports: { at: number; seq: number }[] = [];
  let buffered = '';
  const killAt = await new Promise<number>((resolve, reject) => {
    const guard = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child never got far enough: ${stderr}`));
    }, 45_000);
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const now = performance.now();
        reports.push({ at: now, seq: Number(line) });
        // Enough records for several segments, and at least a second of recording.
        if (Number(line) > 8000 && now - reports[0]!.at > 1000 && !proc.killed) {
          clearTimeout(guard);
          proc.kill('SIGKILL');
          resolve(now);
        }
      }
    });
  });
  expect(await exited).toBe('SIGKILL');
  expect((await listJournalFiles(base)).length).toBeGreaterThan(2);

  const store = new JournalStore(dir);
  const listed = await store.list();
  expect(listed.map((j) => j.id)).toEqual([id]);
  const opened = await store.open(id);
  const seqs = opened.records.map((r) => r.seq);
  expect(listed[0]!.records).toBe(seqs.length);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  const bound = reports.filter((r) => r.at <= killAt - 300).at(-1)!;
  expect(seqs.at(-1)!).toBeGreaterThanOrEqual(bound.seq);
  expect(opened.warnings[0]).toMatch(/Recovered/);

  await store.discard(id);
  expect(await readdir(dir)).toEqual([]);
  expect(await store.list()).toEqual([]);
}, 60_000);
