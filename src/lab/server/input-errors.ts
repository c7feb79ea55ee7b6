/**
 * Sampling of the channel server's input-error events, so that a flood of bad frames cannot
 * flood the log and the lab's trace with one line per frame. Per one-second window, each
 * socket (or, before the upgrade, each address) gets at most one event of its own, and the
 * server at most `ChannelLimits.errorEventsPerSecond` of them; everything else, and every frame
 * dropped unread, is counted and reported at the window's end as one `input-summary` event per
 * source ("N bad frames from session S in the last second"), or one for all when many sources
 * misbehaved at once.
 */
import type { ServerEvent, ServerEventHub } from './events';

/** Who sent bad input: `key` tells sources apart, `label` names it in messages. */
export interface InputSource {
  key: string;
  label: string;
}

/** Why a frame was dropped without being read. */
export type DropReason = 'rate' | 'closing';

interface Tally {
  label: string;
  frames: number;
  codes: Map<string, number>;
}

/** Length of one sampling window. */
export const INPUT_WINDOW_MS = 1000;
/** Sources summarized one by one per window; above this, one summary covers them all. */
const MAX_SUMMARIES = 10;

/** Emits input-error events sampled per source and window; see the module comment. */
export class InputErrorSampler {
  private readonly tallies = new Map<string, Tally>();
  private readonly reported = new Set<string>();
  private budget: number;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param events where the events go
   * @param perWindow individual events allowed per window, server-wide
   */
  constructor(
    private readonly events: ServerEventHub,
    private readonly perWindow: number,
  ) {
    this.budget = perWindow;
  }

  /** Number of sources counted in the current window (0 when idle). */
  get pending(): number {
    return this.tallies.size;
  }

  /** Reports one bad frame, refused join or refused handshake of `source` (`code` for the summary). */
  report(source: InputSource, code: string, event: ServerEvent): void {
    this.arm();
    if (!this.reported.has(source.key) && this.budget > 0) {
      this.reported.add(source.key);
      this.budget--;
      this.events.emit(event);
      return;
    }
    this.count(source, code);
  }

  /** Counts a frame dropped unread (over the rate limit, or after its socket began closing). */
  dropped(source: InputSource, reason: DropReason): void {
    this.arm();
    this.count(source, `dropped-${reason}`);
  }

  /** Ends the window now: emits its summaries and resets the budget. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const tallies = [...this.tallies.values()];
    this.tallies.clear();
    this.reported.clear();
    this.budget = this.perWindow;
    if (tallies.length === 0) return;
    if (tallies.length <= MAX_SUMMARIES) {
      for (const tally of tallies) this.summarize([tally], tally.label);
    } else {
      this.summarize(tallies);
    }
  }

  /** Emits what is pending and stops the window timer. */
  dispose(): void {
    this.flush();
  }

  private count(source: InputSource, code: string): void {
    let tally = this.tallies.get(source.key);
    if (!tally) {
      tally = { label: source.label, frames: 0, codes: new Map() };
      this.tallies.set(source.key, tally);
    }
    tally.frames++;
    tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
  }

  private summarize(tallies: Tally[], source?: string): void {
    const codes: Record<string, number> = {};
    let frames = 0;
    for (const tally of tallies) {
      frames += tally.frames;
      for (const [code, n] of tally.codes) codes[code] = (codes[code] ?? 0) + n;
    }
    const from = source ?? `${tallies.length} sockets or addresses`;
    const byCode = Object.entries(codes)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ');
    this.events.emit({
      type: 'input-summary',
      level: 'warn',
      frames,
      sockets: tallies.length,
      windowMs: INPUT_WINDOW_MS,
      codes,
      ...(source ? { source } : {}),
      message: `${frames} bad frames from ${from} in the last second, not logged one by one: ${byCode}`,
    });
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), INPUT_WINDOW_MS);
    this.timer.unref();
  }
}
