/** Nothing keeps running after a lab is disposed: no child process, no socket, no timer. */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab';
import { waitFor } from '../../helpers/wait';
import { isAlive as alive } from '../../helpers/process';
import { parseClientFault } from '../../../src/shared/model/faults';

function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

describe('Lab.dispose', () => {
  it('leaves no child process and no open handle behind', async () => {
    const before = handleCounts();
    const lab = await Lab.create({ timing: { timeScale: 0.1 } });
    await lab.addParticipant({ uid: 1 });
    await lab.addParticipant({ uid: 2 });
    await lab.join(1);
    await lab.join(2);
    await lab.publish(1, ['audio', 'video']);
    await waitFor(
      () =>
        lab.recorder.snapshot().some((r) => r.type === 'peer' && r.uid === 2 && r.event === 'user-published'),
      'UID 2 to see UID 1 publish',
    );
    const fault = lab.applyFault(1, parseClientFault({ kind: 'latency', ms: 20 }));
    const pids = lab.childPids();
    expect(pids.length).toBe(1);
    expect(handleCounts()['TCPSocketWrap'] ?? 0).toBeGreaterThan(before['TCPSocketWrap'] ?? 0);

    await lab.dispose();
    await lab.dispose(); // idempotent
    expect(lab.activeFaults()).toEqual([]);
    expect(
      lab.recorder
        .snapshot()
        .filter((r) => r.type === 'fault' && r.id === fault)
        .map((r) => r.type === 'fault' && r.phase),
    ).toEqual(['start', 'end']);
    await waitFor(() => pids.every((pid) => !alive(pid)), 'the server process to exit', 5000);
    await waitFor(
      () => {
        const after = handleCounts();
        return ['TCPSocketWrap', 'TCPServerWrap', 'UDPWrap', 'Timeout', 'ProcessWrap', 'PipeWrap'].every(
          (k) => (after[k] ?? 0) <= (before[k] ?? 0),
        );
      },
      `handles to close (before ${JSON.stringify(before)}, now ${JSON.stringify(handleCounts())})`,
      5000,
    );
  });
});
