/**
 * Fault windows of a trace: `fault` records paired by `id`, numbered by start time (client and
 * server faults alike), which is how scenarios name them (`afterFault: N`).
 */
import type { FaultRecord, TraceRecord } from '../trace/records';
import type { Delay, Violation } from './types';

/** One fault as a window in trace time. */
export interface FaultWindow {
  index: number;
  id: string;
  kind: string;
  target: FaultRecord['target'];
  params: Record<string, unknown>;
  start: FaultRecord;
  end: FaultRecord | null;
  startT: number;
  endT: number | null;
  /** True for faults on the server (target uid null): they affect every client. */
  server: boolean;
}

/** A delay in scenario and real ms, rounded to 0.1 ms. */
export function toDelay(realMs: number, timeScale: number): Delay {
  return { ms: Math.round((realMs / timeScale) * 10) / 10, realMs: Math.round(realMs * 10) / 10 };
}

/** Pairs fault records by id and numbers them by start time; notes pairing problems. */
export function collectFaults(records: readonly TraceRecord[]): {
  faults: FaultWindow[];
  violations: Violation[];
} {
  const byId = new Map<string, FaultWindow>();
  const violations: Violation[] = [];
  for (const r of records) {
    if (r.type !== 'fault') continue;
    const known = byId.get(r.id);
    if (r.phase === 'start') {
      if (known) {
        violations.push({
          code: 'fault-started-twice',
          seq: r.seq,
          t: r.t,
          uid: r.uid,
          message: `fault ${r.id} starts again (it started at seq ${known.start.seq}); fault ids must be unique`,
          facts: { faultId: r.id },
        });
        continue;
      }
      byId.set(r.id, {
        index: -1,
        id: r.id,
        kind: r.kind,
        target: r.target,
        params: r.params ?? {},
        start: r,
        end: null,
        startT: r.t,
        endT: null,
        server: r.target?.uid === null || r.target?.uid === undefined,
      });
    } else if (!known) {
      violations.push({
        code: 'fault-end-without-start',
        seq: r.seq,
        t: r.t,
        uid: r.uid,
        message: `fault ${r.id} ends but never started`,
        facts: { faultId: r.id },
      });
    } else if (known.end) {
      violations.push({
        code: 'fault-ended-twice',
        seq: r.seq,
        t: r.t,
        uid: r.uid,
        message: `fault ${r.id} ends a second time (it ended at seq ${known.end.seq})`,
        facts: { faultId: r.id },
      });
    } else {
      known.end = r;
      known.endT = r.t;
    }
  }
  const faults = [...byId.values()].sort((a, b) => a.startT - b.startT || a.start.seq - b.start.seq);
  faults.forEach((f, i) => (f.index = i));
  return { faults, violations };
}

/** True when a fault touches `uid` (its own client fault, or any server fault). */
export function affects(fault: FaultWindow, uid: number): boolean {
  return fault.server || fault.target.uid === uid;
}

/** Start of the next fault after `fault` that touches `uid`, or +Infinity. */
export function horizonOf(faults: readonly FaultWindow[], fault: FaultWindow, uid: number): number {
  for (let i = fault.index + 1; i < faults.length; i++) {
    const next = faults[i]!;
    if (affects(next, uid) && next.startT > fault.startT) return next.startT;
  }
  return Number.POSITIVE_INFINITY;
}
