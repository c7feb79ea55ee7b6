/** A token bucket: the per-socket frame rate limit of the channel server. */
import { monotonicMs } from './watchdogs';

/**
 * Holds up to `burst` tokens and gains `ratePerSecond` of them per second; each frame takes
 * one. It starts full, so a client's first burst (join, candidates, subscriptions) passes.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  /**
   * @param ratePerSecond average frames per second allowed
   * @param burst most frames allowed at once
   * @param now monotonic ms (tests pass their own clock)
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now = monotonicMs(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Takes one token; false when the bucket is empty (the frame is over the limit). */
  take(now = monotonicMs()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.ratePerSecond) / 1000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
