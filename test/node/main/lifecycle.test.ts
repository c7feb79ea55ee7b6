/**
 * The desktop app's lifecycle rules without Electron: the `before-quit` gate (the lab stops
 * before any window closes, once, within a bound) and the power-save blocker held while a lab
 * runs. The shutdown they gate is the lab host's own (test/node/lab-host).
 */
import { describe, expect, it } from 'vitest';
import { ServiceEvents } from '../../../src/app/services/events';
import { keepAwakeWhileRunning, quitGate } from '../../../src/main/lifecycle';

function quitEvent() {
  const event = { prevented: 0, preventDefault: () => void event.prevented++ };
  return event;
}

describe('quit gate', () => {
  it('holds the first quit until the shutdown is done, runs it once, then lets the quit through', async () => {
    let finish!: () => void;
    let shutdowns = 0;
    let quits = 0;
    const gate = quitGate({
      shutdown: () => {
        shutdowns++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      quit: () => quits++,
    });
    const first = quitEvent();
    gate(first);
    const again = quitEvent();
    gate(again); // a second Cmd-Q while the lab stops
    expect([first.prevented, again.prevented, shutdowns, quits]).toEqual([1, 1, 1, 0]);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(quits).toBe(1);
    const final = quitEvent();
    gate(final); // the quit it issued itself
    expect(final.prevented).toBe(0);
    expect(shutdowns).toBe(1);
  });

  it('quits anyway when the shutdown hangs or fails, and says so', async () => {
    const problems: string[] = [];
    let quits = 0;
    quitGate({
      shutdown: () => new Promise(() => undefined),
      quit: () => quits++,
      timeoutMs: 20,
      onProblem: (m) => problems.push(m),
    })(quitEvent());
    quitGate({
      shutdown: () => Promise.reject(new Error('boom')),
      quit: () => quits++,
      onProblem: (m) => problems.push(m),
    })(quitEvent());
    await new Promise((r) => setTimeout(r, 60));
    expect(quits).toBe(2);
    expect(problems).toEqual([
      'stopping the lab failed: boom',
      'the lab did not stop within 20 ms; quitting anyway',
    ]);
  });
});

describe('keep awake while a lab runs', () => {
  it('holds one blocker from the first running status to the first idle one', () => {
    const events = new ServiceEvents();
    const calls: string[] = [];
    let next = 7;
    const stop = keepAwakeWhileRunning(events, {
      start: (type) => (calls.push(`start ${type}`), next++),
      stop: (id) => void calls.push(`stop ${id}`),
    });
    const status = (running: boolean) =>
      events.emit('lab:status', {
        running,
        server: null,
        engine: 'wrtc',
        channel: 'c',
        timeScale: 1,
        participants: [],
        faults: [],
        run: null,
      });
    status(false);
    status(true);
    status(true);
    status(false);
    status(true);
    stop(); // the app quits with a lab running: the blocker goes too
    expect(calls).toEqual([
      'start prevent-app-suspension',
      'stop 7',
      'start prevent-app-suspension',
      'stop 8',
    ]);
  });
});
