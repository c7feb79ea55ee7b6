/**
 * Runs a scenario against a fresh lab: schedules each step at `at × timeScale`, keeps each
 * UID's actions in order (a `publish` waits for that UID's `join`), records what failed, and
 * ends with the checker's report over the recorded trace.
 */
import type { Scenario, Step, TraceHeader, TraceRecord } from '../../../shared';
import { scaled } from '../../../shared';
import { checkTrace, type CheckReport } from '../../../shared/check';
import type { BrowserHost } from '../browser/agent-protocol';
import { Lab, type EngineName, type ServerChoice } from '../lab';

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

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

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
  const errors: string[] = [];
  const queues = new Map<number, Promise<void>>();
  const pending: Promise<void>[] = [];
  const faultIds: string[] = [];

  try {
    for (const p of scenario.participants) {
      await lab.addParticipant({
        uid: p.uid,
        engine: p.engine,
        autoSubscribe: p.subscribe === 'auto',
        role: p.role,
      });
    }
    const started = performance.now();
    for (const [index, step] of scenario.steps.entries()) {
      await sleep(started + scaled(lab.timing, step.at) - performance.now(), options.signal);
      if (options.signal?.aborted) break;
      lab.log('info', `step ${index}: ${describeStep(step)}`);
      options.onStep?.(index, step, lab.recorder.elapsed());
      if (step.do === 'end') break;
      const run = (): Promise<void> =>
        executeStep(lab, scenario, step, faultIds).catch((error: unknown) => {
          const message = `step ${index} (${step.do}): ${(error as Error).message}`;
          errors.push(message);
          lab.log('error', message);
        });
      const uid = 'uid' in step && typeof step.uid === 'number' ? step.uid : null;
      if (
        uid === null ||
        step.do === 'fault' ||
        step.do === 'server-ban' ||
        step.do === 'server-expire-token'
      ) {
        pending.push(run());
      } else {
        const next = (queues.get(uid) ?? Promise.resolve()).then(run);
        queues.set(uid, next);
        pending.push(next);
      }
    }
    await Promise.race([Promise.allSettled(pending), sleep(scaled(lab.timing, 5000))]);
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

/** A step in one line, e.g. `fault uid=1 kind=blackhole path=all forMs=25000`. */
export function describeStep(step: Step): string {
  const { at: _at, do: action, ...rest } = step;
  const flat = Object.entries(rest).flatMap(([k, v]) =>
    v !== null && typeof v === 'object'
      ? Object.entries(v).map(([k2, v2]) => `${k2}=${String(v2)}`)
      : [`${k}=${String(v)}`],
  );
  return [action, ...flat].join(' ');
}

async function executeStep(lab: Lab, scenario: Scenario, step: Step, faultIds: string[]): Promise<void> {
  const participant = (uid: number) => scenario.participants.find((p) => p.uid === uid);
  switch (step.do) {
    case 'join':
      return lab.join(step.uid);
    case 'leave':
      return lab.leave(step.uid);
    case 'publish':
      return lab.publish(step.uid, step.kinds ?? participant(step.uid)?.publish ?? ['audio', 'video']);
    case 'unpublish':
      return lab.unpublish(step.uid, step.kinds ?? participant(step.uid)?.publish ?? ['audio', 'video']);
    case 'fault':
      faultIds.push(lab.applyFault(step.uid, step.fault, step.forMs, step.id));
      return;
    case 'clear': {
      const ids = step.id
        ? [step.id]
        : lab
            .activeFaults()
            .filter((f) => step.uid === undefined || f.target.uid === step.uid)
            .map((f) => f.id);
      for (const id of ids) await lab.clearFault(id);
      return;
    }
    case 'server-stop':
      faultIds.push(await lab.serverStop(step.forMs));
      return;
    case 'server-crash':
      faultIds.push(await lab.serverCrash(step.forMs));
      return;
    case 'server-start':
      return lab.serverStart();
    case 'server-ban':
      return lab.serverBan(step.channel ? undefined : step.uid);
    case 'server-expire-token':
      return lab.serverExpireToken(step.uid);
    case 'renew-token':
      return lab.renewToken(step.uid);
    case 'duplicate-login':
      return lab.duplicateLogin(step.uid);
    case 'mark':
      return lab.mark(step.label);
    case 'end':
      return;
  }
}
