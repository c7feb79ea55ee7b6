/**
 * Cancellable waits and timeouts owned by one client, so that leave/dispose really stops
 * every pending timer (docs/DEVELOPMENT.md "Conventions": nothing keeps running after dispose).
 */

/** A set of timers that can all be cancelled at once. */
export class TimerGroup {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();

  /** Resolves after `ms`, or early (with false) when {@link cancelAll} runs. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.sleepers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          this.sleepers.delete(wake);
          resolve(true);
        },
        Math.max(0, ms),
      );
      this.timers.add(timer);
      this.sleepers.add(wake);
    });
  }

  /** Calls `fn` after `ms` unless cancelled; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Clears every timer and wakes every sleeper. */
  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const wake of [...this.sleepers]) wake();
  }

  /** Number of pending timers (for tests of dispose). */
  get size(): number {
    return this.timers.size;
  }
}
