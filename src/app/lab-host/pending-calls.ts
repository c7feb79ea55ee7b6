/**
 * Calls waiting for their answer across a process boundary, by id: each side of the lab-host
 * channel keeps one. A call settles once, with its answer, with a timeout, or when the other
 * side goes away (every call still waiting rejects with the reason).
 */

/** The calls one side has sent and not yet had answered. */
export class PendingCalls<T = unknown> {
  private nextId = 1;
  private closedReason: string | null = null;
  private readonly waiting = new Map<
    number,
    { resolve: (value: T) => void; reject: (error: Error) => void; timer: NodeJS.Timeout | null }
  >();

  /**
   * Registers a call: `send` gets its id and sends it; resolves with the answer. `timeoutMs`
   * null waits as long as the other side lives (an open of a large file, a scenario run).
   */
  call(what: string, timeoutMs: number | null, send: (id: number) => void): Promise<T> {
    if (this.closedReason) return Promise.reject(new Error(`${what}: ${this.closedReason}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer =
        timeoutMs === null
          ? null
          : setTimeout(() => {
              this.waiting.delete(id);
              reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
            }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      send(id);
    });
  }

  /** Settles call `id` with its answer (an unknown or settled id is ignored). */
  resolve(id: number, value: T): void {
    this.take(id)?.resolve(value);
  }

  /** Settles call `id` with an error. */
  reject(id: number, error: Error): void {
    this.take(id)?.reject(error);
  }

  /** The other side is gone: every waiting call and every later one rejects with `reason`. */
  close(reason: string): void {
    this.closedReason ??= reason;
    for (const id of [...this.waiting.keys()]) this.reject(id, new Error(reason));
  }

  /** How many calls wait. */
  get size(): number {
    return this.waiting.size;
  }

  private take(id: number) {
    const entry = this.waiting.get(id);
    if (!entry) return undefined;
    this.waiting.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    return entry;
  }
}
