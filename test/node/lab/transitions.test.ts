/**
 * Every transition and reason of the connection model's table, on real connections: a real
 * channel server process, real WebSockets through the fault injector, real peer connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab';
import { transitions, waitFor, waitForTransition } from '../../helpers/wait';
import { parseClientFault } from '../../../src/shared/model/faults';

const TIMING = { timeScale: 0.1, reconnect: { budgetMs: 60_000 } };
let lab: Lab | undefined;

afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

async function labWith(...uids: number[]): Promise<Lab> {
  lab = await Lab.create({ timing: TIMING });
  for (const uid of uids) await lab.addParticipant({ uid });
  return lab;
}

describe('joining', () => {
  it('DISCONNECTED → CONNECTING → CONNECTED on join', async () => {
    const l = await labWith(1);
    await l.join(1);
    expect(transitions(l, 1)).toEqual(['DISCONNECTED>CONNECTING', 'CONNECTING>CONNECTED']);
  });

  it.each([
    ['INVALID_TOKEN', (l: Lab) => l.addParticipant({ uid: 1, token: 'not-a-token' })],
    ['TOKEN_EXPIRE', (l: Lab) => l.addParticipant({ uid: 1, token: l.issueToken(1, 'host', -60_000) })],
  ])('CONNECTING → DISCONNECTED with %s', async (reason, add) => {
    lab = await Lab.create({ timing: TIMING });
    await add(lab);
    await expect(lab.join(1)).rejects.toThrow();
    expect(transitions(lab, 1)).toEqual(['DISCONNECTED>CONNECTING', `CONNECTING>DISCONNECTED:${reason}`]);
  });

  it('CONNECTING → DISCONNECTED with UID_BANNED, CHANNEL_BANNED and SERVER_ERROR', async () => {
    const l = await labWith(1, 2, 3);
    await l.serverBan(1);
    await expect(l.join(1)).rejects.toThrow();
    await l.serverSetAccepting(false);
    await expect(l.join(2)).rejects.toThrow();
    await l.serverSetAccepting(true);
    await l.serverBan();
    await expect(l.join(3)).rejects.toThrow();
    expect(transitions(l, 1).at(-1)).toBe('CONNECTING>DISCONNECTED:UID_BANNED');
    expect(transitions(l, 2).at(-1)).toBe('CONNECTING>DISCONNECTED:SERVER_ERROR');
    expect(transitions(l, 3).at(-1)).toBe('CONNECTING>DISCONNECTED:CHANNEL_BANNED');
  });

  it('CONNECTING → DISCONNECTED with NETWORK_ERROR when the join times out', async () => {
    const l = await labWith(1);
    l.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'signaling' }));
    await expect(l.join(1)).rejects.toThrow();
    expect(transitions(l, 1).at(-1)).toBe('CONNECTING>DISCONNECTED:NETWORK_ERROR');
  });
});

describe('interruptions', () => {
  it('CONNECTED → RECONNECTING on a blackhole, → CONNECTED when it clears', async () => {
    const l = await labWith(1);
    await l.join(1);
    const id = l.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'all' }));
    await waitForTransition(l, 1, 'CONNECTED>RECONNECTING');
    await l.clearFault(id);
    await waitForTransition(l, 1, 'RECONNECTING>CONNECTED');
    expect(l.client(1).state).toBe('CONNECTED');
  });

  it('RECONNECTING → DISCONNECTED with UID_BANNED when the rejoin is refused', async () => {
    const l = await labWith(1);
    await l.join(1);
    const id = l.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'all' }));
    await waitForTransition(l, 1, 'CONNECTED>RECONNECTING');
    await l.serverBan(1);
    await l.clearFault(id);
    await waitForTransition(l, 1, 'RECONNECTING>DISCONNECTED:UID_BANNED');
  });

  it('RECONNECTING → DISCONNECTED with NETWORK_ERROR when the retry budget is spent', async () => {
    lab = await Lab.create({ timing: { timeScale: 0.1, reconnect: { budgetMs: 5000 } } });
    await lab.addParticipant({ uid: 1 });
    await lab.join(1);
    lab.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'all' }));
    await waitForTransition(lab, 1, 'RECONNECTING>DISCONNECTED:NETWORK_ERROR');
    const l = lab;
    expect(l.recorder.snapshot().some((r) => r.type === 'reconnect' && r.phase === 'giveup')).toBe(true);
  });
});

describe('leaving', () => {
  it('CONNECTED → DISCONNECTING → DISCONNECTED (LEAVE)', async () => {
    const l = await labWith(1);
    await l.join(1);
    await l.leave(1);
    expect(transitions(l, 1).slice(-2)).toEqual([
      'CONNECTED>DISCONNECTING',
      'DISCONNECTING>DISCONNECTED:LEAVE',
    ]);
  });

  it('RECONNECTING → DISCONNECTING → DISCONNECTED (LEAVE)', async () => {
    const l = await labWith(1);
    await l.join(1);
    l.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'all' }));
    await waitForTransition(l, 1, 'CONNECTED>RECONNECTING');
    await l.leave(1);
    expect(transitions(l, 1).slice(-2)).toEqual([
      'RECONNECTING>DISCONNECTING',
      'DISCONNECTING>DISCONNECTED:LEAVE',
    ]);
  });

  it('CONNECTING → DISCONNECTING → DISCONNECTED (LEAVE)', async () => {
    const l = await labWith(1);
    l.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'signaling' }));
    const joining = l.join(1).catch(() => undefined);
    await waitFor(() => l.client(1).state === 'CONNECTING', 'CONNECTING');
    await l.leave(1);
    await joining;
    expect(transitions(l, 1).slice(-2)).toEqual([
      'CONNECTING>DISCONNECTING',
      'DISCONNECTING>DISCONNECTED:LEAVE',
    ]);
  });
});

describe('kicked by the server', () => {
  it.each([
    ['UID_BANNED', (l: Lab) => l.serverBan(1)],
    ['CHANNEL_BANNED', (l: Lab) => l.serverBan()],
    ['TOKEN_EXPIRE', (l: Lab) => l.serverExpireToken(1)],
    ['SAME_UID_LOGIN', (l: Lab) => l.duplicateLogin(1)],
  ])('CONNECTED → DISCONNECTED with %s', async (reason, kick) => {
    const l = await labWith(1);
    await l.join(1);
    await kick(l);
    await waitForTransition(l, 1, `CONNECTED>DISCONNECTED:${reason}`);
  });
});
