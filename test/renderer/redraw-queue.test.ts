/**
 * Chart redraws run one per task, each once however often it was queued; a failing one does not
 * stop the rest; a cancelled one never runs; `drawQueuedNow` drains the queue at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cancelRedraw,
  chartsDrawn,
  drawQueuedNow,
  queueRedraw,
} from '../../src/renderer/src/charts/redraw-queue';

/** One macrotask later (queued after the queue's own task, so it runs after it). */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => drawQueuedNow());

describe('the redraw queue', () => {
  it('runs one redraw per task, in the order queued, each once', async () => {
    const ran: string[] = [];
    const a = () => ran.push('a');
    const b = () => ran.push('b');
    queueRedraw(a);
    queueRedraw(b);
    queueRedraw(a);
    expect(ran).toEqual([]);
    await nextTask();
    expect(ran).toEqual(['a']);
    await nextTask();
    expect(ran).toEqual(['a', 'b']);
    await chartsDrawn();
    await nextTask();
    expect(ran).toEqual(['a', 'b']);
  });

  it('goes on after a redraw throws, and never runs a cancelled one', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const ran: string[] = [];
    const gone = () => ran.push('gone');
    queueRedraw(() => {
      throw new Error('boom');
    });
    queueRedraw(gone);
    queueRedraw(() => ran.push('last'));
    cancelRedraw(gone);
    await chartsDrawn();
    expect(ran).toEqual(['last']);
    expect(error).toHaveBeenCalledWith('chart redraw failed', expect.any(Error));
    error.mockRestore();
  });

  it('drains at once before pixels are read, and chartsDrawn resolves', async () => {
    const ran: number[] = [];
    for (let i = 0; i < 3; i++) queueRedraw(() => ran.push(i));
    const drawn = chartsDrawn();
    drawQueuedNow();
    expect(ran).toEqual([0, 1, 2]);
    await drawn;
    await nextTask();
    expect(ran).toEqual([0, 1, 2]);
  });
});
