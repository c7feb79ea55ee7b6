/**
 * A playback clock for replay: plays trace time from `start` to `end` at 1×, 4× or 16×, driven
 * by an injected requestAnimationFrame (so tests drive frames by hand).
 */

/** Speeds the replay offers. */
export const PLAYBACK_SPEEDS = [1, 4, 16] as const;
/** One of {@link PLAYBACK_SPEEDS}. */
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

/** A requestAnimationFrame-like scheduler: calls back with a timestamp in ms. */
export interface FrameScheduler {
  request(callback: (now: number) => void): number;
  cancel(handle: number): void;
}

/** The browser's requestAnimationFrame as a {@link FrameScheduler}. */
export function animationFrames(): FrameScheduler {
  const g = globalThis as unknown as {
    requestAnimationFrame(cb: (now: number) => void): number;
    cancelAnimationFrame(handle: number): void;
  };
  return { request: (cb) => g.requestAnimationFrame(cb), cancel: (h) => g.cancelAnimationFrame(h) };
}

/** Options of {@link Playback}. */
export interface PlaybackOptions {
  start: number;
  end: number;
  frames: FrameScheduler;
  speed?: PlaybackSpeed;
}

/** See the file comment. Stops (pauses) at `end`. */
export class Playback {
  private tNow: number;
  private speedNow: PlaybackSpeed;
  private handle: number | null = null;
  private lastFrame: number | null = null;
  private readonly listeners = new Set<(t: number) => void>();
  private readonly start: number;
  private readonly end: number;
  private readonly frames: FrameScheduler;

  constructor(opts: PlaybackOptions) {
    this.start = Math.min(opts.start, opts.end);
    this.end = Math.max(opts.start, opts.end);
    this.frames = opts.frames;
    this.tNow = this.start;
    this.speedNow = opts.speed ?? 1;
  }

  /** Current trace time. */
  get t(): number {
    return this.tNow;
  }

  /** Current speed. */
  get speed(): PlaybackSpeed {
    return this.speedNow;
  }

  /** Whether it is playing. */
  get playing(): boolean {
    return this.handle !== null;
  }

  /** Sets the speed (an unknown speed is ignored). */
  setSpeed(speed: number): void {
    if ((PLAYBACK_SPEEDS as readonly number[]).includes(speed)) this.speedNow = speed as PlaybackSpeed;
  }

  /** Starts playing (from the start again when at the end). */
  play(): void {
    if (this.handle !== null) return;
    if (this.tNow >= this.end) this.seek(this.start);
    this.lastFrame = null;
    this.handle = this.frames.request(this.frame);
  }

  /** Stops at the current time. */
  pause(): void {
    if (this.handle !== null) this.frames.cancel(this.handle);
    this.handle = null;
    this.lastFrame = null;
  }

  /** Jumps to t (clamped to the span); notifies listeners. */
  seek(t: number): void {
    const next = Number.isFinite(t) ? Math.min(this.end, Math.max(this.start, t)) : this.start;
    this.tNow = next;
    this.emit();
  }

  /** Calls `listener` with the time on every tick and seek; returns an unsubscribe function. */
  onTick(listener: (t: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pauses and drops listeners. */
  dispose(): void {
    this.pause();
    this.listeners.clear();
  }

  private readonly frame = (now: number): void => {
    this.handle = null;
    const moved = this.lastFrame !== null;
    if (this.lastFrame !== null) {
      const dt = Math.max(0, now - this.lastFrame);
      this.tNow = Math.min(this.end, this.tNow + dt * this.speedNow);
    }
    this.lastFrame = now;
    if (this.tNow >= this.end) this.lastFrame = null;
    else this.handle = this.frames.request(this.frame);
    if (moved) this.emit();
  };

  private emit(): void {
    for (const l of this.listeners) l(this.tNow);
  }
}
