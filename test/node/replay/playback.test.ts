import { describe, expect, it } from 'vitest';
import { Playback, type FrameScheduler } from '../../../src/shared/replay';

/** Frames driven by hand: `step(ms)` advances the clock and runs the pending callback. */
class ManualFrames implements FrameScheduler {
  now = 1000;
  private pending = new Map<number, (now: number) => void>();
  private next = 1;
  request(cb: (now: number) => void): number {
    this.pending.set(this.next, cb);
    return this.next++;
  }
  cancel(handle: number): void {
    this.pending.delete(handle);
  }
  get waiting(): number {
    return this.pending.size;
  }
  step(ms: number): void {
    this.now += ms;
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const cb of due) cb(this.now);
  }
}

describe('Playback', () => {
  it.each([1, 4, 16] as const)('advances trace time at %i×', (speed) => {
    const frames = new ManualFrames();
    const p = new Playback({ start: 0, end: 1_000_000, frames, speed });
    const ticks: number[] = [];
    p.onTick((t) => ticks.push(t));
    p.play();
    frames.step(16); // first frame only sets the reference
    for (let i = 0; i < 10; i++) frames.step(100);
    expect(p.t).toBe(1000 * speed);
    expect(ticks.length).toBe(10);
    expect(p.playing).toBe(true);
  });

  it('pauses, seeks (clamped), changes speed, and stops at the end', () => {
    const frames = new ManualFrames();
    const p = new Playback({ start: 100, end: 2100, frames });
    p.seek(-50);
    expect(p.t).toBe(100);
    p.play();
    frames.step(10);
    frames.step(500);
    expect(p.t).toBe(600);
    p.pause();
    expect(frames.waiting).toBe(0);
    frames.step(500);
    expect(p.t).toBe(600);
    p.setSpeed(4);
    p.setSpeed(3); // ignored
    expect(p.speed).toBe(4);
    p.play();
    frames.step(10);
    frames.step(1000);
    expect(p.t).toBe(2100);
    expect(p.playing).toBe(false);
    p.play(); // at the end: starts over
    expect(p.t).toBe(100);
    p.seek(Number.NaN);
    expect(p.t).toBe(100);
    p.dispose();
    expect(frames.waiting).toBe(0);
  });
});
