/**
 * A fast path in front of zod for reading big traces. {@link compileInPlaceCheck} turns a zod
 * schema into a plain predicate that answers one question: would zod accept this value and give
 * back an equal value? When it says yes, the reader keeps the object `JSON.parse` made instead
 * of letting zod copy it (a 1,000,000-record trace spent ~0.57 s and a million copies there).
 * When it says no — invalid input, or anything the predicate does not model (defaults, stripped
 * keys, refinements) — the reader asks zod itself, which gives the error or the copy. So the
 * predicate only has to be right when it answers yes, and it is compiled from the very schemas
 * zod uses: there is no second description of the format to keep in step.
 */
import type { z } from 'zod';

/** True only when zod would accept `value` and return an equal value. */
export type InPlaceCheck = (value: unknown) => boolean;

/** The parts of a zod 4 schema definition this compiler reads. */
interface Def {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  values?: unknown[];
  entries?: Record<string, unknown>;
  discriminator?: string;
  options?: Schema[];
}
interface CheckDef {
  check: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
}
interface Schema {
  _zod: { def: Def };
}

const never: InPlaceCheck = () => false;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** zod drops an own `__proto__` key that `JSON.parse` creates; such objects go to zod. */
const hasProtoKey = (v: object): boolean => Object.hasOwn(v, '__proto__');

function numberCheck(def: Def): InPlaceCheck {
  const tests: Array<(n: number) => boolean> = [];
  for (const c of def.checks ?? []) {
    const check = c._zod.def;
    if (check.check === 'number_format' && check.format === 'safeint') tests.push(Number.isSafeInteger);
    else if (check.check === 'greater_than' && typeof check.value === 'number') {
      const bound = check.value;
      tests.push(check.inclusive ? (n) => n >= bound : (n) => n > bound);
    } else if (check.check === 'less_than' && typeof check.value === 'number') {
      const bound = check.value;
      tests.push(check.inclusive ? (n) => n <= bound : (n) => n < bound);
    } else return never;
  }
  return (v) => typeof v === 'number' && Number.isFinite(v) && tests.every((t) => t(v));
}

function objectCheck(def: Def): InPlaceCheck {
  const catchall = def.catchall?._zod.def.type;
  // A loose object keeps unknown keys as they are; a plain one strips them, which changes the
  // value, so one with extra keys goes to zod. Other catchalls are not modelled.
  if (catchall !== undefined && catchall !== 'unknown') return never;
  const loose = catchall === 'unknown';
  const fields = Object.entries(def.shape ?? {}).map(([key, schema]) => {
    const inner = schema._zod.def;
    const optional = inner.type === 'optional';
    return { key, optional, check: compile(optional ? inner.innerType! : schema) };
  });
  const known = new Set(fields.map((f) => f.key));
  return (v) => {
    if (!isPlainObject(v) || hasProtoKey(v)) return false;
    for (const f of fields) {
      const value = v[f.key];
      if (value === undefined) {
        if (!f.optional || f.key in v) return false;
      } else if (!f.check(value)) return false;
    }
    if (!loose) for (const key in v) if (!known.has(key)) return false;
    return true;
  };
}

function recordCheck(def: Def): InPlaceCheck {
  const key = def.keyType?._zod.def;
  if (key?.type !== 'string' || key.checks?.length || def.valueType?._zod.def.type !== 'unknown')
    return never;
  return (v) => isPlainObject(v) && !hasProtoKey(v);
}

function unionCheck(def: Def): InPlaceCheck {
  const by = new Map<unknown, InPlaceCheck>();
  const key = def.discriminator;
  if (key === undefined) return never;
  for (const option of def.options ?? []) {
    const tag = option._zod.def.shape?.[key]?._zod.def;
    if (tag?.type !== 'literal' || tag.values?.length !== 1) return never;
    by.set(tag.values[0], compile(option));
  }
  return (v) => isPlainObject(v) && (by.get(v[key]) ?? never)(v);
}

/** Compiles one schema node; anything not modelled compiles to "ask zod". */
function compile(schema: Schema): InPlaceCheck {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return def.checks?.length ? never : (v) => typeof v === 'string';
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'number':
      return numberCheck(def);
    case 'unknown':
    case 'any':
      return () => true;
    case 'literal': {
      const values = def.values ?? [];
      return (v) => values.includes(v);
    }
    case 'enum': {
      const values = new Set(Object.values(def.entries ?? {}));
      return (v) => values.has(v);
    }
    case 'nullable': {
      const inner = compile(def.innerType!);
      return (v) => v === null || inner(v);
    }
    case 'default': {
      // An absent value gets the default (a change): only a present one is checked here.
      const inner = compile(def.innerType!);
      return (v) => v !== undefined && inner(v);
    }
    case 'object':
      return objectCheck(def);
    case 'record':
      return recordCheck(def);
    case 'union':
      return unionCheck(def);
    default:
      return never;
  }
}

/** See the file comment. */
export function compileInPlaceCheck(schema: z.ZodType): InPlaceCheck {
  return compile(schema as unknown as Schema);
}
