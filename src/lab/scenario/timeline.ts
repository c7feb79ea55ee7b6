/**
 * Plays a scenario's timeline on a lab: each step at `at × timeScale` from now, each UID's
 * actions in order (a `publish` waits for that UID's `join`; faults and server actions do not
 * wait), failures logged and collected rather than thrown. The scenario runner plays a whole
 * scenario on a fresh lab with it; the soak runner plays one iteration after another on one lab.
 */
import { scaled, TIMELINE_START_MARK, type Scenario, type Step } from '../../shared';
import type { Lab } from '../lab';
import { waitForQuietMachine } from '../machine-load';

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Starts the timeline's clock only once the participants' start-up is over for the machine too:
 * a browser's processes go on working for about a second after its page is ready, and a scaled
 * timeline that starts into that contends for the CPU its timeouts need. Waits at most 5 s, and
 * says in the trace how long it waited (and when the machine stayed busy).
 */
export async function settleBeforeTimeline(lab: Lab, signal: AbortSignal | undefined): Promise<void> {
  const quiet = await waitForQuietMachine({ signal });
  const busy = (share: number): string => `${Math.round(share * 100)} %`;
  if (!quiet.settled && !signal?.aborted) {
    lab.log(
      'warn',
      `the machine stayed busy (CPU ${busy(quiet.lastBusy)}) for ${Math.round(quiet.waitedMs)} ms after the participants started; the timeline starts anyway`,
    );
  } else if (quiet.waitedMs > 500) {
    lab.log(
      'info',
      `waited ${Math.round(quiet.waitedMs)} ms for the machine to settle after the participants started (CPU ${busy(quiet.firstBusy)} → ${busy(quiet.lastBusy)})`,
    );
  }
}

/** Options of {@link runTimeline}. */
export interface TimelineOptions {
  /** Stops scheduling further steps. */
  signal?: AbortSignal;
  /** Called as each step starts. */
  onStep?: (index: number, step: Step) => void;
  /** The label of the `timeline-start` mark (default "timeline start"). */
  startLabel?: string;
}

/**
 * Runs `steps` on `lab` from now (marking the moment in the trace: the anchor of expectations
 * that name no fault) and waits (at most 5 s of scenario time after the last one) for
 * the actions in flight; resolves with the failures, as "step N (do): message".
 */
export async function runTimeline(
  lab: Lab,
  scenario: Scenario,
  steps: readonly Step[],
  options: TimelineOptions = {},
): Promise<string[]> {
  const { signal } = options;
  const errors: string[] = [];
  const queues = new Map<number, Promise<void>>();
  const pending: Promise<void>[] = [];
  const started = performance.now();
  lab.recorder.record({
    type: 'mark',
    uid: null,
    label: options.startLabel ?? 'timeline start',
    kind: TIMELINE_START_MARK,
  });
  for (const [index, step] of steps.entries()) {
    await sleep(started + scaled(lab.timing, step.at) - performance.now(), signal);
    if (signal?.aborted) break;
    lab.log('info', `step ${index}: ${describeStep(step)}`);
    options.onStep?.(index, step);
    if (step.do === 'end') break;
    const run = (): Promise<void> =>
      executeStep(lab, scenario, step).catch((error: unknown) => {
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
  return errors;
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

/** Performs one step on the lab. */
async function executeStep(lab: Lab, scenario: Scenario, step: Step): Promise<void> {
  const publishes = (uid: number) => scenario.participants.find((p) => p.uid === uid)?.publish;
  switch (step.do) {
    case 'join':
      return lab.join(step.uid);
    case 'leave':
      return lab.leave(step.uid);
    case 'publish':
      return lab.publish(step.uid, step.kinds ?? publishes(step.uid) ?? ['audio', 'video']);
    case 'unpublish':
      return lab.unpublish(step.uid, step.kinds ?? publishes(step.uid) ?? ['audio', 'video']);
    case 'fault':
      lab.applyFault(step.uid, step.fault, step.forMs, step.id);
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
      await lab.serverStop(step.forMs);
      return;
    case 'server-crash':
      await lab.serverCrash(step.forMs);
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
