/**
 * A fixed-capacity ring buffer: the recorder keeps the newest records in memory for late
 * subscribers (a renderer that attaches mid-session) without growing without bound.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  /** @param capacity how many items are kept; the oldest are dropped beyond it (≥ 1). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  /** How many items are held. */
  get size(): number {
    return this.count;
  }

  /** Adds an item, dropping the oldest when full. */
  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The item at `index` (0 = oldest), or undefined. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.start + index) % this.capacity];
  }

  /** Items from `fromIndex` (0 = oldest) to the newest, as a new array. */
  slice(fromIndex = 0): T[] {
    const from = Number.isFinite(fromIndex) ? Math.max(0, Math.min(this.count, Math.floor(fromIndex))) : 0;
    const out = new Array<T>(this.count - from);
    for (let i = from; i < this.count; i++) out[i - from] = this.items[(this.start + i) % this.capacity] as T;
    return out;
  }

  /** All items, oldest first. */
  toArray(): T[] {
    return this.slice(0);
  }

  /** Drops every item. */
  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}
