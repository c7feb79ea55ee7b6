/**
 * A time-ordered queue with a single timer: items come out at their due time, ties in the
 * order they went in. One timer per line (not one per packet) keeps thousands of delayed
 * datagrams cheap and lets `dispose()` stop everything at once.
 */

interface Entry<T> {
  due: number;
  seq: number;
  item: T;
  size: number;
}

/** Items that leave early by less than this are delivered now instead of re-arming a timer. */
const TOLERANCE_MS = 0.5;

/** A min-heap of items keyed by due time, firing `deliver` from one `setTimeout`. */
export class DelayLine<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;
  private bytes = 0;
  private disposed = false;

  /**
   * @param deliver called with each item when it is due (never after `dispose`)
   * @param now monotonic clock in ms (injectable for tests)
   * @param afterFlush called after each timer run, e.g. to report a drained backlog
   */
  constructor(
    private readonly deliver: (item: T, size: number) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly afterFlush: () => void = () => {},
  ) {}

  /** Number of items waiting. */
  get length(): number {
    return this.heap.length;
  }

  /** Sum of the sizes of the waiting items. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Queues an item for `due` (ms on the line's clock). */
  add(item: T, size: number, due: number): void {
    if (this.disposed) return;
    const entry = { due, seq: this.seq++, item, size };
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    this.bytes += size;
    this.arm();
  }

  /** Removes and returns every waiting item in due order (e.g. to hold or drop them). */
  takeAll(): Array<{ item: T; size: number }> {
    const out: Array<{ item: T; size: number }> = [];
    while (this.heap.length > 0) {
      const e = this.pop();
      out.push({ item: e.item, size: e.size });
    }
    this.disarm();
    return out;
  }

  /** Drops everything and stops the timer; the line accepts nothing afterwards. */
  dispose(): void {
    this.disposed = true;
    this.heap.length = 0;
    this.bytes = 0;
    this.disarm();
  }

  private flush = (): void => {
    this.timer = null;
    this.armedFor = Infinity;
    const now = this.now();
    while (!this.disposed && this.heap.length > 0 && this.heap[0]!.due <= now + TOLERANCE_MS) {
      const e = this.pop();
      this.deliver(e.item, e.size);
    }
    if (!this.disposed) {
      this.arm();
      this.afterFlush();
    }
  };

  private arm(): void {
    const head = this.heap[0];
    if (!head || this.disposed) return;
    if (this.timer && head.due >= this.armedFor) return;
    this.disarm();
    this.armedFor = head.due;
    this.timer = setTimeout(this.flush, Math.max(0, head.due - this.now()));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private pop(): Entry<T> {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    this.bytes -= top.size;
    return top;
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
