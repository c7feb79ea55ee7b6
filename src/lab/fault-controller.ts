/**
 * Bookkeeping of faults in one lab: every fault gets an id, a `start` record when applied and
 * an `end` record when cleared (by a timer, by a person, or when the lab is disposed), so each
 * fault in a trace is a pair of `fault` records.
 */
import type { LabTiming, RecordSink } from '../shared';
import { scaled } from '../shared';
import { FaultIds } from './fault-ids';

/** What the controller needs to know to record and undo a fault. */
export interface FaultStart {
  kind: string;
  target: { uid: number | null; path?: string; direction?: string };
  params: Record<string, unknown>;
  /** Model (unscaled) duration after which the fault clears itself; omit for manual clear. */
  forMs?: number;
  /** Undoes the fault; may be async (e.g. restarting the server). */
  undo: () => void | Promise<void>;
  /** Instantaneous faults (reset, ip-change) end right after they start. */
  instantaneous?: boolean;
}

/** An active fault as shown to people. */
export interface ActiveFault {
  id: string;
  kind: string;
  target: FaultStart['target'];
  params: Record<string, unknown>;
  /** Monotonic ms when it started (performance.now()). */
  startedAt: number;
  /** Real ms when it clears itself, or null for a manual clear. */
  endsAt: number | null;
}

interface Entry extends ActiveFault {
  undo: FaultStart['undo'];
  timer: NodeJS.Timeout | null;
}

/** Records fault pairs and runs their timers. */
export class FaultController {
  private readonly entries = new Map<string, Entry>();
  private readonly ids = new FaultIds();

  constructor(
    private readonly sink: RecordSink,
    private readonly timing: LabTiming,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  /**
   * The id of a fault about to be applied, so the layers below can use the same one:
   * `requested` (a scenario step may name its fault) unless a fault with it is active, which
   * throws; else the next id of the sequence that no active fault holds.
   */
  reserve(requested?: string): string {
    if (requested !== undefined) {
      if (this.entries.has(requested)) throw new Error(`a fault with id "${requested}" is already active`);
      return requested;
    }
    let id = this.ids.next();
    while (this.entries.has(id)) id = this.ids.next();
    return id;
  }

  /** Records the start of a fault that the caller has just applied; returns its id. */
  started(fault: FaultStart, id?: string): string {
    id = this.reserve(id);
    this.sink({
      type: 'fault',
      uid: null,
      id,
      phase: 'start',
      kind: fault.kind,
      target: fault.target,
      params: fault.params,
    });
    const now = performance.now();
    const realFor = fault.forMs === undefined ? null : scaled(this.timing, fault.forMs);
    const entry: Entry = {
      id,
      kind: fault.kind,
      target: fault.target,
      params: fault.params,
      startedAt: now,
      endsAt: realFor === null ? null : now + realFor,
      undo: fault.undo,
      timer: null,
    };
    this.entries.set(id, entry);
    if (fault.instantaneous) {
      void this.clear(id);
    } else if (realFor !== null) {
      entry.timer = setTimeout(() => void this.clear(id), realFor);
    }
    return id;
  }

  /** Undoes and records the end of one fault; unknown ids are ignored (already cleared). */
  async clear(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    try {
      await entry.undo();
    } catch (error) {
      this.onError(`clearing fault ${id} (${entry.kind}) failed: ${(error as Error).message}`);
    }
    this.sink({
      type: 'fault',
      uid: null,
      id,
      phase: 'end',
      kind: entry.kind,
      target: entry.target,
      params: entry.params,
    });
    return true;
  }

  /** Clears every fault whose target is `uid` (or the server with null); returns the ids. */
  async clearTarget(uid: number | null): Promise<string[]> {
    const ids = [...this.entries.values()].filter((e) => e.target.uid === uid).map((e) => e.id);
    for (const id of ids) await this.clear(id);
    return ids;
  }

  /** Faults active now. */
  active(): ActiveFault[] {
    return [...this.entries.values()].map(({ id, kind, target, params, startedAt, endsAt }) => ({
      id,
      kind,
      target,
      params,
      startedAt,
      endsAt,
    }));
  }

  /** Clears every fault (recording each end). */
  async dispose(): Promise<void> {
    for (const id of [...this.entries.keys()]) await this.clear(id);
  }
}
