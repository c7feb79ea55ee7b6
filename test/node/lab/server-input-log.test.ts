/**
 * A flood of bad frames reaches a lab's trace as the channel server reports it: a handful of
 * `log` records (the first errors, then one summary a second), not one per frame. The lab turns
 * each server event into one `log` record; this proves the sampling holds end to end, through
 * the server's own process and the lab's recorder.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Lab } from '../../../src/lab/lab';
import type { LogRecord } from '../../../src/shared';
import { records, waitFor } from '../../helpers/wait';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

const serverLines = (l: Lab): LogRecord[] =>
  records(l).filter((r): r is LogRecord => r.type === 'log' && r.msg.startsWith('server: '));

/** Bad frames the server's lines since the `from`-th account for: one each, or a summary's count. */
function accounted(l: Lab, from: number): number {
  let frames = 0;
  for (const r of serverLines(l).slice(from)) {
    const summary = /^server: (\d+) bad frames from /.exec(r.msg);
    if (summary) frames += Number(summary[1]);
    else if (/PROTOCOL_ERROR/.test(r.msg)) frames += 1;
  }
  return frames;
}

describe('bad frames against a lab’s embedded server', () => {
  it('leave a handful of log records in the trace, with every frame counted in a summary', async () => {
    lab = await Lab.create({ timing: { timeScale: 0.1 } });
    const before = serverLines(lab).length;
    const socket = new WebSocket(lab.serverInfo().url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const FRAMES = 2000;
    // None is JSON. The first closes the socket (4000); the server counts the rest as dropped
    // and reports them in a summary at the end of each second's window.
    for (let i = 0; i < FRAMES; i++) socket.send(`{bad ${i}`);
    await waitFor(
      () => accounted(lab!, before) >= FRAMES,
      () => `${accounted(lab!, before)} frames in the trace`,
    );
    socket.terminate();
    expect(accounted(lab, before)).toBe(FRAMES);
    const added = serverLines(lab).slice(before);
    expect(added.filter((r) => /frame is not valid JSON/.test(r.msg))).toHaveLength(1);
    // Before sampling: one record per frame (2,000 here).
    expect(added.length).toBeLessThan(20);
  });
});
