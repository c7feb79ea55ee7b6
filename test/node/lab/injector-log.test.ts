/**
 * The lab gives each participant's fault injector its log: what the injector says becomes a
 * `log` record of that uid in the lab's trace, naming the fault by the trace's own id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab';
import type { LogRecord } from '../../../src/shared';
import { parseClientFault } from '../../../src/shared/model/faults';
import { records } from '../../helpers/wait';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

const injectorLines = (l: Lab): LogRecord[] =>
  records(l).filter((r): r is LogRecord => r.type === 'log' && r.msg.startsWith('injector: '));

describe('the lab and its injectors’ log', () => {
  it('records the injector’s lines as log records of the participant, with the lab’s fault ids', async () => {
    lab = await Lab.create({ timing: { timeScale: 0.1 } });
    await lab.addParticipant({ uid: 1 });
    await lab.addParticipant({ uid: 2 });
    const first = lab.applyFault(2, parseClientFault({ kind: 'refuse' }));
    const second = lab.applyFault(1, parseClientFault({ kind: 'latency', ms: 100 }));
    expect(second).not.toBe(first);
    // The faults' start records and the injector's lines name the same ids.
    const starts = records(lab).filter((r) => r.type === 'fault' && r.phase === 'start');
    expect(starts.map((r) => r.type === 'fault' && r.id)).toEqual([first, second]);
    expect(injectorLines(lab).map((r) => [r.uid, r.level, r.msg])).toEqual([
      [2, 'info', `injector: fault ${first} applied: {"kind":"refuse"}`],
      [
        1,
        'info',
        expect.stringMatching(new RegExp(`^injector: fault ${second} applied: \\{"kind":"latency"`)),
      ],
    ]);
    expect(await lab.clearFault(second)).toBe(true);
    expect(injectorLines(lab).at(-1)).toMatchObject({ uid: 1, msg: `injector: fault ${second} cleared` });
  });

  it('uses a scenario’s own fault id, and refuses one already active before touching the injector', async () => {
    lab = await Lab.create({ timing: { timeScale: 0.1 } });
    await lab.addParticipant({ uid: 1 });
    expect(lab.applyFault(1, parseClientFault({ kind: 'refuse' }), undefined, 'hole')).toBe('hole');
    expect(() => lab!.applyFault(1, parseClientFault({ kind: 'refuse' }), undefined, 'hole')).toThrow(
      'a fault with id "hole" is already active',
    );
    expect(injectorLines(lab).map((r) => r.msg)).toEqual(['injector: fault hole applied: {"kind":"refuse"}']);
    expect(lab.activeFaults().map((f) => f.id)).toEqual(['hole']);
  });
});
