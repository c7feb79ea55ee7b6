/** A drift-free periodic generator for synthetic media. */

/** Longest catch-up after a stalled event loop, in frames: bounded bursts, never a flood. */
export const MAX_BURST = 5;

/**
 * A periodic generator driven by elapsed time (setInterval drifts under load): each tick emits
 * the frames that are due, at most {@link MAX_BURST}.
 */
export class FrameClock {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private emitted = 0;

  constructor(
    private readonly periodMs: number,
    private readonly emit: () => void,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = performance.now();
    this.emitted = 0;
    this.timer = setInterval(() => this.tick(), Math.max(5, this.periodMs));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const due = Math.floor((performance.now() - this.startedAt) / this.periodMs) + 1;
    let burst = Math.min(MAX_BURST, due - this.emitted);
    if (due - this.emitted > MAX_BURST) this.emitted = due - MAX_BURST; // drop what is too late
    while (burst-- > 0) {
      this.emitted += 1;
      this.emit();
    }
  }
}
