/**
 * The impairment rules active on one path (signaling proxy or media relay), by fault id and
 * direction, kept in one place so that every {@link Impairment} of that path — including ones
 * created later, such as a new TCP connection's — carries the same rules.
 */
import type { FaultDirection } from '../../shared/model/faults';
import type { Impairment, ImpairmentRule } from './impairment';

/** One direction of traffic: `up` = client → server, `down` = server → client. */
export type Dir = 'up' | 'down';

/** Expands a fault direction into the directions it touches. */
export function directionsOf(direction: FaultDirection): Dir[] {
  return direction === 'both' ? ['up', 'down'] : [direction];
}

interface Entry {
  dirs: Dir[];
  rule: ImpairmentRule;
}

/** Rules by id and direction, pushed to every attached impairment; see the module comment. */
export class RuleBook {
  private readonly entries = new Map<string, Entry>();
  // Impairment<T> is invariant in T; the book only calls add/remove, which do not touch T.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly attached: Record<Dir, Set<Impairment<any>>> = { up: new Set(), down: new Set() };
  private readonly changeListeners = new Set<() => void>();

  /** Adds a rule under `id` for the given direction(s); replaces an earlier one with that id. */
  add(id: string, direction: FaultDirection, rule: ImpairmentRule): void {
    this.remove(id);
    const dirs = directionsOf(direction);
    this.entries.set(id, { dirs, rule });
    for (const d of dirs) for (const imp of this.attached[d]) imp.add(id, rule);
    this.changed();
  }

  /** Removes the rule `id` from every impairment; false if there was none. */
  remove(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    this.entries.delete(id);
    for (const d of e.dirs) for (const imp of this.attached[d]) imp.remove(id);
    this.changed();
    return true;
  }

  /** Whether a rule of `kind` is active (in `dir`, or in any direction). */
  has(kind: ImpairmentRule['kind'], dir?: Dir): boolean {
    for (const e of this.entries.values()) {
      if (e.rule.kind === kind && (dir === undefined || e.dirs.includes(dir))) return true;
    }
    return false;
  }

  /** Number of active rules. */
  get size(): number {
    return this.entries.size;
  }

  /** Gives `imp` every current rule of `dir` and keeps it in sync; returns a detach function. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  attach(dir: Dir, imp: Impairment<any>): () => void {
    for (const [id, e] of this.entries) if (e.dirs.includes(dir)) imp.add(id, e.rule);
    this.attached[dir].add(imp);
    return () => this.attached[dir].delete(imp);
  }

  /** Listener called after every add or remove. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    for (const l of [...this.changeListeners]) l();
  }
}
