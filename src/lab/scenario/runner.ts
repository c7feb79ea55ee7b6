/**
 * Runs a scenario against a fresh lab: schedules each step at `at × timeScale`, keeps each
 * UID's actions in order (a `publish` waits for that UID's `join`), records what failed, and
 * ends with the checker's report over the recorded trace.
 */
import { assessTimeScale, type TimeScaleAssessment } from '../../shared/model/stalls';
import type { Scenario, Step, TraceHeader, TraceRecord } from '../../shared';
import { checkTrace, type CheckReport } from '../../shared/check';
import type { BrowserHost } from '../browser/agent-protocol';
import { Lab, type EngineName, type ServerChoice } from '../lab';
import { runTimeline, settleBeforeTimeline } from './timeline';

export { describeStep } from './timeline';

/** How to run a scenario. */
export interface RunOptions {
  /** Overrides the scenario's own timeScale. */
  timeScale?: number;
  engine?: EngineName;
  server?: ServerChoice;
  journalPath?: string;
  /** Where `browser` participants run (default: a headless Chromium of the run's own). */
  browserHost?: BrowserHost;
  /** Stops the run early (the lab is still disposed and the trace checked). */
  signal?: AbortSignal;
  /** Called as each step starts, with the trace clock (ms since the trace started). */
  onStep?: (index: number, step: Step, t: number) => void;
  /** Called with each batch of records as the recorder flushes them. */
  onRecords?: (records: TraceRecord[]) => void;
  /**
   * Called once with the run's lab as soon as it exists, before any step (so a UI can follow
   * its recorder and status live). The runner still owns and disposes it.
   */
  onLab?: (lab: Lab) => void;
  /**
   * Called once every participant is set up, before the timeline starts: whether the run's time
   * scale holds on this machine, judged by the stalls measured while the lab started (a
   * browser's start included) and by the participant mix. A scale that does not hold is also
   * written into the trace as a warning.
   */
  onAssessment?: (assessment: TimeScaleAssessment) => void;
}

/** What a run leaves behind. */
export interface RunResult {
  header: TraceHeader;
  records: TraceRecord[];
  report: CheckReport;
  /** Steps that threw, as "step N (do): message". */
  errors: string[];
  aborted: boolean;
}

/** Runs one scenario from start to `end` (or its last step) and checks the trace. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const timing = { ...scenario.config, ...(options.timeScale ? { timeScale: options.timeScale } : {}) };
  const lab = await Lab.create({
    timing,
    engine: options.engine,
    server: options.server,
    journalPath: options.journalPath,
    scenario,
    browserHost: options.browserHost,
  });
  options.onLab?.(lab);
  const records: TraceRecord[] = [];
  const stopFeed = lab.recorder.onBatch((batch) => {
    records.push(...batch);
    options.onRecords?.(batch);
  });
  let errors: string[] = [];

  try {
    for (const p of scenario.participants) {
      await lab.addParticipant({
        uid: p.uid,
        engine: p.engine,
        autoSubscribe: p.subscribe === 'auto',
        role: p.role,
      });
    }
    const engines = scenario.participants.map((p) => p.engine ?? lab.engine);
    await settleBeforeTimeline(lab, options.signal);
    const assessment = assessTimeScale(lab.timing, engines, lab.stalls.worstMs());
    if (!assessment.ok) lab.log('warn', `before the timeline: ${assessment.message}`);
    options.onAssessment?.(assessment);
    errors = await runTimeline(lab, scenario, scenario.steps, {
      signal: options.signal,
      onStep: (index, step) => options.onStep?.(index, step, lab.recorder.elapsed()),
    });
  } finally {
    await lab.dispose();
    stopFeed();
  }
  const header = lab.recorder.header;
  const report = checkTrace(
    { header, records },
    { profile: scenario.profile, expectations: scenario.expect },
  );
  return { header, records, report, errors, aborted: options.signal?.aborted ?? false };
}
