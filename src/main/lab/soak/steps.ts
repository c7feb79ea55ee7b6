/**
 * Runs one iteration's timeline against a lab that lives across iterations. Same semantics as
 * the scenario runner (steps at `at × timeScale`, each uid's actions in order, failures
 * collected, not thrown) — but the lab is not created or disposed here.
 */
import { scaled, type Scenario, type Step } from '../../../shared';
import type { Lab } from '../lab';
import { describeStep } from '../scenario/runner';

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

/** Runs `steps` on `lab` from now; resolves with the steps that failed, as "step N (do): message". */
export async function runSteps(
  lab: Lab,
  scenario: Scenario,
  steps: readonly Step[],
  signal?: AbortSignal,
): Promise<string[]> {
  const errors: string[] = [];
  const queues = new Map<number, Promise<void>>();
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (const [index, step] of steps.entries()) {
    await sleep(started + scaled(lab.timing, step.at) - performance.now(), signal);
    if (signal?.aborted) break;
    lab.log('info', `step ${index}: ${describeStep(step)}`);
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

/**
 * Brings the lab back to where an iteration starts: every fault cleared, every participant
 * DISCONNECTED (left, if a timeline did not leave). Failures are returned, not thrown.
 */
export async function resetLab(lab: Lab): Promise<string[]> {
  const errors: string[] = [];
  for (const fault of lab.activeFaults()) {
    await lab
      .clearFault(fault.id)
      .catch((e: unknown) => errors.push(`clear ${fault.id}: ${(e as Error).message}`));
  }
  for (const uid of lab.uids()) {
    const state = lab.client(uid).state;
    if (state === 'DISCONNECTED') continue;
    await lab.leave(uid).catch((e: unknown) => errors.push(`leave uid ${uid}: ${(e as Error).message}`));
  }
  return errors;
}

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
