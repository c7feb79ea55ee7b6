/**
 * The one source of fault ids (`f1`, `f2`, …). The lab's fault bookkeeping and each fault
 * injector keep their own sequence, so ids are unique within their owner.
 */

/** Hands out `f1`, `f2`, … in order; one instance per owner. */
export class FaultIds {
  private last = 0;

  /** The next id of this sequence. */
  next(): string {
    this.last += 1;
    return `f${this.last}`;
  }
}
