/**
 * The soak runner: one lab and one continuous trace for the whole soak (as in a long real
 * session, so the recorder's ring and journal must stay bounded). Each iteration replays the
 * scenario's timeline with random faults ({@link planIteration}), opens with a `mark` record
 * (`soak iteration N seed S`), and is checked on its own slice of the trace (model and fault
 * checks; the scenario's own expectations are not, since its faults were replaced).
 */
import { performance } from 'node:perf_hooks';
import type { Scenario, TraceRecord } from '../../shared';
import { checkTrace } from '../../shared/check';
import { Lab, type EngineName } from '../lab';
import type { JournalRotation } from '../trace/journal';
import { DEFAULT_RING_CAPACITY } from '../trace/recorder';
import { journalBytes } from '../trace/segments';
import { DEFAULT_FAULT_BOUNDS, planIteration, type FaultPlanBounds } from './fault-plan';
import { MAX_KEPT_FAILURES, type SoakFailure, type SoakReport } from './report';
import { ResourceSampler } from './sampler';
import { runTimeline, settleBeforeTimeline } from '../scenario/timeline';
import { resetLab } from './steps';

/** How to soak. */
export interface SoakOptions {
  /**
   * Real (wall-clock) time to keep starting iterations, ms, counted from when the lab and its
   * participants are up; the iteration under way when it runs out is finished.
   */
  durationMs: number;
  /** Seed of the fault plan (default: from the clock, and reported). */
  seed?: number;
  /** Overrides the scenario's timeScale. */
  timeScale?: number;
  engine?: EngineName;
  /** Journal (base path) of the continuous trace. */
  journalPath?: string;
  /** How the journal rotates into segments and its size cap (see trace/journal.ts). */
  journal?: JournalRotation;
  /** Records the in-memory ring keeps (default 100 000); older ones live in the journal only. */
  ringCapacity?: number;
  /** Resource sampling period, ms (default 5 000). */
  sampleIntervalMs?: number;
  /** Points kept per resource series (default 512). */
  maxPoints?: number;
  faultBounds?: FaultPlanBounds;
  /** Stops after this many iterations even if time is left. */
  maxIterations?: number;
  /** Ends the soak early; the current iteration stops, the lab is disposed and the report made. */
  signal?: AbortSignal;
  /** Called after every iteration and every resource sample. */
  onProgress?: (progress: SoakProgress) => void;
  /** Called once with the lab as soon as it exists (the soak owns and disposes it). */
  onLab?: (lab: Lab) => void;
}

/** Where a soak is, for a progress line. */
export interface SoakProgress {
  elapsedMs: number;
  plannedMs: number;
  iteration: number;
  failedIterations: number;
  records: number;
  labRssMiB: number;
  labHeapMiB: number;
  ringSize: number;
  journalBytes: number;
}

/** Runs a soak of `scenario` and resolves with its report (it throws only if the lab cannot start). */
export async function runSoak(scenario: Scenario, options: SoakOptions): Promise<SoakReport> {
  const seed = (options.seed ?? Date.now()) >>> 0;
  const timing = { ...scenario.config, ...(options.timeScale ? { timeScale: options.timeScale } : {}) };
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const lab = await Lab.create({
    timing,
    engine: options.engine,
    journalPath: options.journalPath,
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.ringCapacity ? { ringCapacity: options.ringCapacity } : {}),
    scenario,
  });
  options.onLab?.(lab);
  const perType: Record<string, number> = {};
  let total = 0;
  let slice: TraceRecord[] = [];
  const stopFeed = lab.recorder.onBatch((batch) => {
    total += batch.length;
    for (const r of batch) perType[r.type] = (perType[r.type] ?? 0) + 1;
    slice.push(...batch);
  });
  const errors: string[] = [];
  const stopJournalErrors = lab.recorder.onJournalError((e) => errors.push(`journal: ${e.message}`));
  const ring = { capacity: options.ringCapacity ?? DEFAULT_RING_CAPACITY, maxSize: 0, endSize: 0 };
  const journal = options.journalPath ? { path: options.journalPath, bytes: 0, maxBytes: 0 } : null;
  const failures: SoakFailure[] = [];
  let failedIterations = 0;
  let iterations = 0;

  const sampler = new ResourceSampler({
    childPids: () => lab.childPids(),
    intervalMs: options.sampleIntervalMs,
    maxPoints: options.maxPoints,
  });
  const observe = async (): Promise<void> => {
    ring.endSize = lab.recorder.snapshot().length;
    ring.maxSize = Math.max(ring.maxSize, ring.endSize);
    if (journal) {
      journal.bytes = await journalBytes(journal.path).catch(() => journal.bytes);
      journal.maxBytes = Math.max(journal.maxBytes, journal.bytes);
    }
  };
  const progress = (): SoakProgress => {
    const mem = process.memoryUsage();
    return {
      elapsedMs: performance.now() - started,
      plannedMs: options.durationMs,
      iteration: iterations,
      failedIterations,
      records: total,
      labRssMiB: mem.rss / 1048576,
      labHeapMiB: mem.heapUsed / 1048576,
      ringSize: ring.endSize,
      journalBytes: journal?.bytes ?? 0,
    };
  };
  const ticker = setInterval(() => {
    void observe().then(() => options.onProgress?.(progress()));
  }, options.sampleIntervalMs ?? 5000);
  ticker.unref?.();

  const participants = scenario.participants;
  try {
    for (const p of participants) {
      await lab.addParticipant({
        uid: p.uid,
        engine: p.engine,
        autoSubscribe: p.subscribe === 'auto',
        role: p.role,
      });
    }
    await settleBeforeTimeline(lab, options.signal);
    sampler.start();
    // The soak's clock starts once the lab is up; at least one iteration always runs.
    const loopStart = performance.now();
    const bounds = options.faultBounds ?? DEFAULT_FAULT_BOUNDS;
    while (
      !options.signal?.aborted &&
      (iterations === 0 || performance.now() - loopStart < options.durationMs) &&
      iterations < (options.maxIterations ?? Infinity)
    ) {
      const plan = planIteration(scenario, seed, iterations, bounds);
      const stepErrors = await runTimeline(lab, scenario, plan.steps, {
        signal: options.signal,
        startLabel: `soak iteration ${plan.iteration} seed ${plan.seed}`,
      });
      stepErrors.push(...(await resetLab(lab)));
      await lab.recorder.flush().catch(() => undefined);
      const records = slice;
      slice = [];
      iterations++;
      const report = checkTrace(
        { header: lab.recorder.header, records },
        { profile: scenario.profile, expectations: [] },
      );
      if (!report.ok || stepErrors.length > 0) {
        failedIterations++;
        if (failures.length < MAX_KEPT_FAILURES) {
          failures.push({
            iteration: plan.iteration,
            seed: plan.seed,
            faults: plan.faults,
            violations: report.violations.map((v) => v.message),
            errors: stepErrors,
            seq: [records[0]?.seq ?? 0, records.at(-1)?.seq ?? 0],
            t: [records[0]?.t ?? 0, records.at(-1)?.t ?? 0],
          });
        }
      }
      await observe();
      options.onProgress?.(progress());
    }
  } catch (error) {
    errors.push(`soak stopped: ${(error as Error).message}`);
  } finally {
    clearInterval(ticker);
    await sampler.stop();
    await observe();
    await lab.dispose().catch((e: unknown) => errors.push(`dispose: ${(e as Error).message}`));
    stopFeed();
    stopJournalErrors();
    await observe();
  }
  const elapsedMs = performance.now() - started;
  return {
    scenario: scenario.name,
    seed,
    engine: lab.engine,
    timeScale: lab.timing.timeScale,
    startedAt,
    plannedMs: options.durationMs,
    elapsedMs,
    aborted: options.signal?.aborted ?? false,
    iterations,
    failures,
    failedIterations,
    processes: sampler.summary(),
    records: { total, perType, perSecond: total / (elapsedMs / 1000) },
    ring,
    journal,
    errors,
  };
}
