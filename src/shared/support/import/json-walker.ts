/**
 * Walks the tokens of a JSON text ({@link JsonTokenizer}) along the paths a reader cares about:
 * at the start of every value inside a container it descended into, a {@link JsonRouter} says
 * whether to descend into it too, take it whole (built as `JSON.parse` would build it and handed
 * over once complete) or skip it (nothing of it is kept). So a reader holds one piece at a time —
 * one stats series, one log entry — never the whole tree.
 */
import type { JsonTokenSink } from './json-tokenizer';

/** One step of a path: an object member's name or an array index. */
export type JsonPathKey = string | number;
/** What to do with a value. */
export type JsonRoute = 'descend' | 'take' | 'skip';
/** What a value starts as. */
export type JsonKind = 'object' | 'array' | 'primitive';
/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Decides, per value, what {@link JsonWalker} does with it. */
export interface JsonRouter {
  /**
   * A value of `kind` starts at `path` (the root is `[]`). `path` is reused: copy it to keep it.
   * `descend` on a primitive skips it.
   */
  route(path: readonly JsonPathKey[], kind: JsonKind): JsonRoute;
  /** A value routed `take`, complete. */
  take(path: readonly JsonPathKey[], value: JsonValue): void;
  /** A container routed `descend` has closed. */
  leave(path: readonly JsonPathKey[], kind: 'object' | 'array'): void;
}

interface Building {
  value: JsonValue[] | Record<string, JsonValue>;
  key: string;
}

/** Sets a member the way `JSON.parse` does (a `__proto__` member is an own property). */
function setMember(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** See the file comment: a {@link JsonTokenSink} that routes values to a {@link JsonRouter}. */
export class JsonWalker implements JsonTokenSink {
  /** Descended containers: whether each is an array (its last path key then counts up). */
  private readonly arrays: boolean[] = [];
  /** The path of the value to come: one key per descended container. */
  private readonly path: JsonPathKey[] = [];
  /** Values being built for a `take`, innermost last. */
  private readonly building: Building[] = [];
  private takePath: JsonPathKey[] = [];
  /** Depth inside a skipped container (0: not skipping). */
  private skipping = 0;

  constructor(private readonly router: JsonRouter) {}

  beginObject(): void {
    this.begin('object');
  }

  beginArray(): void {
    this.begin('array');
  }

  endObject(): void {
    this.end('object');
  }

  endArray(): void {
    this.end('array');
  }

  key(name: string): void {
    if (this.skipping > 0) return;
    const top = this.building[this.building.length - 1];
    if (top) top.key = name;
    else this.path[this.path.length - 1] = name;
  }

  value(v: string | number | boolean | null): void {
    if (this.skipping > 0) return;
    if (this.building.length > 0) return this.put(v);
    if (this.router.route(this.path, 'primitive') === 'take') this.router.take([...this.path], v);
    this.next();
  }

  private begin(kind: 'object' | 'array'): void {
    if (this.skipping > 0) {
      this.skipping++;
      return;
    }
    const fresh = kind === 'object' ? ({} as Record<string, JsonValue>) : [];
    if (this.building.length > 0) {
      this.put(fresh);
      this.building.push({ value: fresh, key: '' });
      return;
    }
    const route = this.router.route(this.path, kind);
    if (route === 'skip') this.skipping = 1;
    else if (route === 'take') {
      this.takePath = [...this.path];
      this.building.push({ value: fresh, key: '' });
    } else {
      this.arrays.push(kind === 'array');
      this.path.push(kind === 'array' ? 0 : '');
    }
  }

  private end(kind: 'object' | 'array'): void {
    if (this.skipping > 0) {
      if (--this.skipping === 0) this.next();
      return;
    }
    const done = this.building.pop();
    if (done) {
      if (this.building.length === 0) {
        this.router.take(this.takePath, done.value);
        this.next();
      }
      return;
    }
    this.arrays.pop();
    this.path.pop();
    this.router.leave(this.path, kind);
    this.next();
  }

  private put(v: JsonValue): void {
    const top = this.building[this.building.length - 1]!;
    if (Array.isArray(top.value)) top.value.push(v);
    else setMember(top.value, top.key, v);
  }

  /** A value at the current path ended: an array's index moves on. */
  private next(): void {
    const last = this.arrays.length - 1;
    if (last >= 0 && this.arrays[last]) (this.path[last] as number)++;
  }
}
