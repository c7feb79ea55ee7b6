/**
 * CI-sized soak: seed-ng looped with random faults for ~75 s of wall time at time scale 0.1,
 * one lab and one continuous trace. Asserts memory does not grow beyond generous bounds
 * (medians of the first and last thirds, so GC noise does not matter), the ring stays within
 * capacity, and the journal holds every record exactly once.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { findBuiltinScenario } from '../../../src/lab/scenario/library';
import { median, runSoak, type Point, type SoakReport } from '../../../src/lab/soak';
import { listJournalFiles, readJournal } from '../../../src/lab/trace/segments';

const SOAK_MS = 75_000;
const MiB_BOUND = 64;
/** Small enough that the ring wraps several times during the run (the journal keeps all). */
const RING_CAPACITY = 1_000;
const SEGMENT_BYTES = 64 * 1024;

/** Median of the last third minus median of the first third. */
function growth(points: readonly Point[]): number {
  const third = Math.max(1, Math.floor(points.length / 3));
  return median(points.slice(-third).map((p) => p.v)) - median(points.slice(0, third).map((p) => p.v));
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('soak (CI-sized)', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loops seed-ng with random faults without leaking, losing records or overrunning the ring', async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-soak-'));
    const journalPath = join(dir, 'soak.ndjson');
    let lab: Lab | null = null;
    const report: SoakReport = await runSoak(findBuiltinScenario('seed-ng')!, {
      durationMs: SOAK_MS,
      seed: 20_26,
      timeScale: 0.1,
      journalPath,
      sampleIntervalMs: 1000,
      maxPoints: 32,
      journal: { segmentBytes: SEGMENT_BYTES },
      ringCapacity: RING_CAPACITY,
      onLab: (l) => (lab = l),
    });
    expect(report.errors).toEqual([]);
    expect(report.iterations).toBeGreaterThanOrEqual(3);
    // Failed iterations are findings of the soak, not of this test; but they must be reported in full.
    for (const f of report.failures) {
      expect(f.faults.length).toBeGreaterThan(0);
      expect(f.violations.length + f.errors.length).toBeGreaterThan(0);
    }

    // Memory of the lab process: bounded series, no growth beyond the bound.
    const labProc = report.processes.find((p) => p.name === 'lab')!;
    const heap = labProc.heapPoints!;
    expect(heap.length).toBeGreaterThanOrEqual(6);
    expect(heap.length).toBeLessThanOrEqual(33); // downsampled to maxPoints (+ the latest)
    const warm = heap.slice(Math.floor(heap.length / 5)); // after warm-up
    expect(growth(warm)).toBeLessThan(MiB_BOUND);
    const slopeGrowthMiB = (labProc.heapMiB!.slopePerHour * report.elapsedMs) / 3_600_000;
    expect(slopeGrowthMiB).toBeLessThan(MiB_BOUND);

    // The server child: sampled, RSS bounded.
    const server = report.processes.find((p) => p.name.startsWith('child '))!;
    expect(server).toBeDefined();
    expect(growth(server.rssPoints)).toBeLessThan(MiB_BOUND);
    expect(server.rssMiB!.max).toBeLessThan(1024);
    expect(alive(server.pid)).toBe(false);

    // The ring filled up and wrapped, and never exceeded its capacity.
    expect(report.ring.capacity).toBe(RING_CAPACITY);
    expect(report.ring.maxSize).toBe(RING_CAPACITY);
    expect(lab!.recorder.nextSequence - 1).toBeGreaterThan(2 * RING_CAPACITY);

    // No lost records: every seq 1..N exactly once in the journal, N = what the recorder stamped.
    const stamped = lab!.recorder.nextSequence - 1;
    const files = await listJournalFiles(journalPath);
    expect(files.length).toBeGreaterThanOrEqual(3); // rotated during the run
    for (const f of files) expect((await stat(f.path)).size).toBeLessThan(SEGMENT_BYTES * 2);
    expect(report.journal!.maxBytes).toBeGreaterThan(SEGMENT_BYTES);
    const trace = await readJournal(journalPath);
    expect(trace.truncated).toBe(false);
    expect(trace.records.length).toBe(stamped);
    expect(trace.records.findIndex((r, i) => r.seq !== i + 1)).toBe(-1);
    expect(report.records.total).toBe(stamped);
    const marks = trace.records.filter((r) => r.type === 'mark').map((r) => (r as { label: string }).label);
    expect(marks.slice(0, 2)).toEqual([
      expect.stringMatching(/^soak iteration 0 seed \d+$/),
      expect.stringMatching(/^soak iteration 1 /),
    ]);
    expect(marks.length).toBe(report.iterations);
  }, 180_000);
});
