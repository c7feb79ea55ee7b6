/**
 * Between soak iterations on one lab: the timeline itself plays through the scenario runner's
 * `runTimeline` (src/lab/scenario/timeline.ts); this puts the lab back where an iteration
 * starts.
 */
import type { Lab } from '../lab';

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
