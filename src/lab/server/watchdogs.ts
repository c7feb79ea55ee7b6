/**
 * Timers behind the server's rules: "silent for N ms → act". A {@link DeadlineTimer} reads the
 * time of the last activity when it fires instead of being re-armed on every message, so
 * recording activity (every ping, every RTP packet) costs one assignment.
 */
import { performance } from 'node:perf_hooks';

/** Monotonic milliseconds; all watchdogs use this clock. */
export function monotonicMs(): number {
  return performance.now();
}

/**
 * Fires `onExpire` once when `lastActivity()` is older than `timeoutMs`. Activity is recorded
 * by the owner (e.g. `member.lastSeen = monotonicMs()`); the timer re-arms itself for the
 * remaining time when it wakes early. `stop()` really clears the timer.
 */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param timeoutMs silence allowed, in real (already scaled) milliseconds
   * @param lastActivity monotonic time of the last activity
   * @param onExpire called once per expiry; start() again to watch again
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly lastActivity: () => number,
    private readonly onExpire: () => void,
  ) {}

  /** True while the timer is armed. */
  get running(): boolean {
    return this.timer !== null;
  }

  /** Arms the timer (no-op when already armed). */
  start(): void {
    if (this.timer) return;
    this.arm(Math.max(0, this.timeoutMs - (monotonicMs() - this.lastActivity())));
  }

  /** Disarms the timer. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(delayMs: number): void {
    // +1 ms: setTimeout rounds, and waking a hair early costs another wake-up.
    this.timer = setTimeout(() => this.check(), delayMs + 1);
  }

  private check(): void {
    this.timer = null;
    const idle = monotonicMs() - this.lastActivity();
    if (idle >= this.timeoutMs) {
      this.onExpire();
    } else {
      this.arm(this.timeoutMs - idle);
    }
  }
}

/** Longest delay `setTimeout` honours; longer ones fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Calls `fn` at wall-clock time `atMs`, even when that is further away than `setTimeout`
 * allows (a token that lives for a month). Returns the function that cancels it.
 */
function callAt(atMs: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    const left = atMs - Date.now();
    timer = setTimeout(
      () => {
        timer = null;
        if (atMs - Date.now() > 0 && left > MAX_TIMEOUT_MS) arm();
        else fn();
      },
      Math.min(Math.max(0, left), MAX_TIMEOUT_MS),
    );
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}

/**
 * The two timers of a token: `token-will-expire` at `exp − warningMs` (at once when already
 * inside that window), the kick at `exp`. `set()` replaces both (used by `renew-token`);
 * `stop()` clears both.
 */
export class TokenTimers {
  private cancelWarn: (() => void) | null = null;
  private cancelExpire: (() => void) | null = null;

  /**
   * @param warningMs how long before expiry to warn (real, already scaled)
   * @param onWarn called with the real milliseconds left
   * @param onExpire called at expiry
   */
  constructor(
    private readonly warningMs: number,
    private readonly onWarn: (inMs: number) => void,
    private readonly onExpire: () => void,
  ) {}

  /** Arms both timers for a token expiring at `expMs` (wall-clock epoch ms). */
  set(expMs: number): void {
    this.stop();
    if (expMs > Date.now()) {
      this.cancelWarn = callAt(expMs - this.warningMs, () => {
        this.cancelWarn = null;
        this.onWarn(Math.max(0, expMs - Date.now()));
      });
    }
    this.cancelExpire = callAt(expMs, () => {
      this.cancelExpire = null;
      this.onExpire();
    });
  }

  /** Clears both timers. */
  stop(): void {
    this.cancelWarn?.();
    this.cancelExpire?.();
    this.cancelWarn = this.cancelExpire = null;
  }
}
