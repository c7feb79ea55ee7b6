/**
 * One direction of one network path: for each packet (UDP) or chunk (TCP) it decides drop,
 * hold, or deliver after a delay. Several rules may be active at once (each fault adds one by
 * id); they compose as a link would: blackhole → loss → bottleneck (token bucket) → delay.
 *
 * Two modes:
 * - `datagram` (UDP): blackhole drops, loss drops, the bottleneck queue tail-drops beyond
 *   `maxQueueMs` of backlog, and jitter may REORDER packets (as on a real network).
 * - `stream` (TCP bytes): nothing is ever dropped or reordered. Blackhole holds chunks (and the
 *   proxy's FIN/RST markers) until it clears; delays are made monotonic so order is kept.
 */
import { DelayLine } from './delay-line';
import type { Random } from '../../shared/random';

/**
 * One impairment rule, the per-direction part of a fault. Latency delays each item by
 * `ms ± jitterMs` (uniform, never below 0); loss uses independent drops, or a Gilbert–Elliott
 * chain when `meanLength` is set; bandwidth is in kilobits per second.
 */
export type ImpairmentRule =
  | { kind: 'blackhole' }
  | { kind: 'latency'; ms: number; jitterMs: number }
  | { kind: 'loss'; pct: number; meanLength?: number }
  | { kind: 'bandwidth'; kbps: number };

/** How an {@link Impairment} treats its traffic; see the module comment. */
export type ImpairmentMode = 'datagram' | 'stream';

/** What happened to one pushed item. */
export type PushOutcome = 'delivered' | 'queued' | 'held' | 'dropped';

/** Running totals of one direction. */
export interface ImpairmentCounters {
  /** Items (datagrams or chunks) that entered. */
  packets: number;
  bytes: number;
  delivered: number;
  deliveredBytes: number;
  dropped: number;
  droppedBytes: number;
  /** Items currently held by a blackhole (stream mode). */
  held: number;
  /** Bytes waiting (held + delayed). */
  backlogBytes: number;
}

/** Options of an {@link Impairment}. */
export interface ImpairmentOptions<T> {
  mode: ImpairmentMode;
  /** Called for each item that gets through, in delivery order. */
  deliver: (item: T) => void;
  /** Seeded PRNG for loss and jitter (required so runs are reproducible). */
  random: Random;
  /** Datagram mode: tail-drop when the bottleneck backlog would exceed this (default 200 ms). */
  maxQueueMs?: number;
  /** Stream mode: bytes a blackhole may hold before `onHoldOverflow` (default 1 MiB). */
  holdCapBytes?: number;
  /** Stream mode: the hold cap was passed; the owner should tear the connection down. */
  onHoldOverflow?: () => void;
  /** Backlog at or below which drain listeners fire (default 16 KiB). */
  lowWaterBytes?: number;
  /** Monotonic clock in ms (tests may inject one). */
  now?: () => number;
}

/** Gilbert–Elliott state for one loss rule (independent drops when meanLength is absent). */
class LossModel {
  private bad = false;
  private readonly p: number;
  private readonly toBad: number;
  private readonly toGood: number;

  constructor(
    pct: number,
    private readonly meanLength: number | undefined,
    private readonly random: Random,
  ) {
    this.p = Math.min(1, Math.max(0, pct / 100));
    // Two-state chain, every packet in Bad lost: mean burst = 1/toGood, loss rate = toBad/(toBad+toGood).
    this.toGood = meanLength ? 1 / meanLength : 1;
    this.toBad = this.p >= 1 ? 1 : (this.p * this.toGood) / (1 - this.p);
  }

  drop(): boolean {
    if (this.p <= 0) return false;
    if (this.p >= 1) return true;
    if (this.meanLength === undefined) return this.random() < this.p;
    this.bad = this.bad ? this.random() >= this.toGood : this.random() < this.toBad;
    return this.bad;
  }
}

interface ActiveRule {
  rule: ImpairmentRule;
  loss?: LossModel;
}

/** The per-direction decision pipeline; see the module comment. Dispose stops its timer. */
export class Impairment<T> {
  private readonly rules = new Map<string, ActiveRule>();
  private readonly line: DelayLine<T>;
  private readonly held: Array<{ item: T; size: number }> = [];
  private heldBytes = 0;
  private busyUntil = 0;
  private lastDue = -Infinity;
  private readonly drainListeners = new Set<() => void>();
  private aboveLowWater = false;
  private disposed = false;
  private readonly c = { packets: 0, bytes: 0, delivered: 0, deliveredBytes: 0, dropped: 0, droppedBytes: 0 };
  private readonly now: () => number;

  constructor(private readonly opts: ImpairmentOptions<T>) {
    this.now = opts.now ?? (() => performance.now());
    this.line = new DelayLine<T>(
      (item, size) => this.emit(item, size),
      this.now,
      () => this.checkDrain(),
    );
  }

  /** Adds (or replaces) a rule under `id`. */
  add(id: string, rule: ImpairmentRule): void {
    if (this.disposed) return;
    const wasBlack = this.blackholed();
    this.rules.set(id, {
      rule,
      loss: rule.kind === 'loss' ? new LossModel(rule.pct, rule.meanLength, this.opts.random) : undefined,
    });
    if (!wasBlack && this.blackholed()) this.onBlackholeStart();
    if (wasBlack && !this.blackholed()) this.release();
  }

  /** Removes the rule `id` (no-op if absent); clearing the last blackhole releases held items. */
  remove(id: string): void {
    if (this.disposed || !this.rules.delete(id)) return;
    if (this.held.length > 0 && !this.blackholed()) this.release();
    if (!this.hasKind('bandwidth')) this.busyUntil = 0;
  }

  /** Whether a blackhole rule is active. */
  blackholed(): boolean {
    return this.hasKind('blackhole');
  }

  /** Rules currently active, by id. */
  activeRules(): Array<[string, ImpairmentRule]> {
    return [...this.rules].map(([id, r]) => [id, r.rule]);
  }

  /**
   * Largest chunk a stream owner should push at once: under a rate limit, about 20 ms of the
   * rate (≥ 512 B), so a 64 KiB read does not leave the bottleneck in one lump.
   */
  preferredChunkBytes(): number {
    const kbps = this.rateKbps();
    return kbps === null ? Infinity : Math.max(512, Math.floor((kbps * 20) / 8));
  }

  /** Passes one item of `size` bytes through the pipeline. */
  push(item: T, size: number): PushOutcome {
    if (this.disposed) return 'dropped';
    this.c.packets += 1;
    this.c.bytes += size;
    if (this.blackholed()) {
      if (this.opts.mode === 'datagram') return this.drop(size);
      this.held.push({ item, size });
      this.heldBytes += size;
      this.aboveLowWater = true;
      if (this.heldBytes > (this.opts.holdCapBytes ?? 1 << 20)) this.opts.onHoldOverflow?.();
      return 'held';
    }
    return this.forward(item, size);
  }

  /** Listener for the backlog falling to the low-water mark (stream backpressure). */
  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /** Bytes waiting (held by a blackhole or delayed). */
  backlogBytes(): number {
    return this.heldBytes + this.line.queuedBytes;
  }

  /** Running totals. */
  counters(): ImpairmentCounters {
    return { ...this.c, held: this.held.length, backlogBytes: this.backlogBytes() };
  }

  /** Drops everything waiting and stops the timer; later pushes are ignored. */
  dispose(): void {
    this.disposed = true;
    this.line.dispose();
    this.held.length = 0;
    this.heldBytes = 0;
    this.rules.clear();
    this.drainListeners.clear();
  }

  private forward(item: T, size: number): PushOutcome {
    const datagram = this.opts.mode === 'datagram';
    if (datagram) {
      for (const r of this.rules.values()) if (r.loss?.drop()) return this.drop(size);
    }
    const now = this.now();
    let due = now;
    const kbps = this.rateKbps();
    if (kbps !== null) {
      const start = Math.max(now, this.busyUntil);
      if (datagram && start - now > (this.opts.maxQueueMs ?? 200)) return this.drop(size);
      // kbps = bits per ms.
      this.busyUntil = start + (size * 8) / kbps;
      due = this.busyUntil;
    }
    due += this.delayMs();
    if (!datagram) {
      due = Math.max(due, this.lastDue);
      this.lastDue = due;
    }
    if (due <= now && (datagram || this.line.length === 0)) {
      this.emit(item, size);
      return 'delivered';
    }
    this.line.add(item, size, due);
    if (this.backlogBytes() > (this.opts.lowWaterBytes ?? 16 * 1024)) this.aboveLowWater = true;
    return 'queued';
  }

  private delayMs(): number {
    let d = 0;
    for (const { rule } of this.rules.values()) {
      if (rule.kind !== 'latency') continue;
      const j = rule.jitterMs > 0 ? (this.opts.random() * 2 - 1) * rule.jitterMs : 0;
      d += Math.max(0, rule.ms + j);
    }
    return d;
  }

  private rateKbps(): number | null {
    let k: number | null = null;
    for (const { rule } of this.rules.values()) {
      if (rule.kind === 'bandwidth') k = k === null ? rule.kbps : Math.min(k, rule.kbps);
    }
    return k;
  }

  private hasKind(kind: ImpairmentRule['kind']): boolean {
    for (const { rule } of this.rules.values()) if (rule.kind === kind) return true;
    return false;
  }

  private emit(item: T, size: number): void {
    this.c.delivered += 1;
    this.c.deliveredBytes += size;
    this.opts.deliver(item);
  }

  private drop(size: number): PushOutcome {
    this.c.dropped += 1;
    this.c.droppedBytes += size;
    return 'dropped';
  }

  /** From now on nothing is delivered: stream items in flight are held, datagrams dropped. */
  private onBlackholeStart(): void {
    const inFlight = this.line.takeAll();
    if (this.opts.mode === 'datagram') {
      for (const e of inFlight) this.drop(e.size);
    } else {
      this.held.unshift(...inFlight);
      for (const e of inFlight) this.heldBytes += e.size;
    }
    this.busyUntil = 0;
    this.lastDue = -Infinity;
  }

  private release(): void {
    const items = this.held.splice(0);
    this.heldBytes = 0;
    for (const { item, size } of items) {
      if (this.disposed) return;
      this.forward(item, size);
    }
    this.checkDrain();
  }

  private checkDrain(): void {
    if (!this.aboveLowWater || this.backlogBytes() > (this.opts.lowWaterBytes ?? 16 * 1024)) return;
    this.aboveLowWater = false;
    for (const l of [...this.drainListeners]) l();
  }
}
