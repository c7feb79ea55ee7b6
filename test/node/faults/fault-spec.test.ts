/**
 * The one parser of a client fault spec, and the one id source the lab's fault bookkeeping and
 * each injector count with.
 */
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../src/shared/errors';
import { InvalidFaultError, parseClientFault } from '../../../src/shared/model/faults';
import { FaultIds } from '../../../src/lab/fault-ids';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseClientFault', () => {
  it('returns the fault with its defaults filled', () => {
    expect(parseClientFault({ kind: 'latency', ms: 20 })).toEqual({
      kind: 'latency',
      ms: 20,
      jitterMs: 0,
      path: 'all',
      direction: 'both',
    });
    expect(parseClientFault({ kind: 'loss', pct: 5 })).toEqual({
      kind: 'loss',
      pct: 5,
      path: 'media',
      direction: 'both',
    });
  });

  it('throws a coded InvalidFaultError that names each bad field', () => {
    const error = thrown(() => parseClientFault({ kind: 'latency', ms: -5, jitterMs: 'x' }));
    expect(error).toBeInstanceOf(InvalidFaultError);
    expect(error).toBeInstanceOf(CodedError);
    const e = error as InvalidFaultError;
    expect(e.code).toBe('INVALID_FAULT');
    expect(e.name).toBe('InvalidFaultError');
    expect(e.issues).toHaveLength(2);
    expect(e.issues[0]).toMatch(/^ms: /);
    expect(e.issues[1]).toMatch(/^jitterMs: /);
    expect(e.message).toBe(`invalid fault: ${e.issues.join('; ')}`);
  });

  it('says "fault" when the spec is not a fault at all, and never crashes on odd input', () => {
    for (const input of [undefined, null, 42, 'latency', [], { kind: 'nope' }]) {
      const error = thrown(() => parseClientFault(input));
      expect(error).toBeInstanceOf(InvalidFaultError);
      expect((error as Error).message).toMatch(/^invalid fault: (fault|kind): /);
    }
  });
});

describe('FaultIds', () => {
  it('counts f1, f2, … and each instance has its own sequence', () => {
    const a = new FaultIds();
    const b = new FaultIds();
    expect([a.next(), a.next(), a.next()]).toEqual(['f1', 'f2', 'f3']);
    expect(b.next()).toBe('f1');
  });
});
