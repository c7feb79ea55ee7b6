/** Test helpers for watching a lab's trace. */
import type { Lab } from '../../src/lab/lab';
import type { StateRecord, TraceRecord } from '../../src/shared';

/**
 * Resolves when `predicate` holds (it may be async), polling every 20 ms; rejects with `what`
 * after `timeoutMs` (a function is called then, so the message can say how things stood at the end).
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every record the lab has recorded so far. */
export function records(lab: Lab): TraceRecord[] {
  return lab.recorder.snapshot();
}

/** The state records of one uid, as "FROM>TO" or "FROM>TO:REASON" strings. */
export function transitions(lab: Lab, uid: number): string[] {
  return records(lab)
    .filter((r): r is StateRecord => r.type === 'state' && r.uid === uid)
    .map((r) => `${r.from}>${r.to}${r.reason ? `:${r.reason}` : ''}`);
}

/** Resolves when `uid` has made the transition `entry` (same format as {@link transitions}). */
export function waitForTransition(lab: Lab, uid: number, entry: string, timeoutMs?: number): Promise<void> {
  return waitFor(
    () => transitions(lab, uid).includes(entry),
    `uid ${uid} ${entry} (saw ${transitions(lab, uid).join(', ')})`,
    timeoutMs,
  );
}

/** Peer events seen by `observer` about `peer`, in order. */
export function peerEvents(lab: Lab, observer: number, peer: number): string[] {
  return records(lab)
    .filter((r) => r.type === 'peer' && r.uid === observer && r.peer === peer)
    .map((r) => (r.type === 'peer' ? r.event : ''));
}
