import { describe, expect, it } from 'vitest';
import { FaultController } from '../../../src/lab/fault-controller';
import { resolveTiming, type RecordInput } from '../../../src/shared';

function setup(timeScale = 0.01) {
  const records: RecordInput[] = [];
  const undone: string[] = [];
  const controller = new FaultController((r) => records.push(r), resolveTiming({ timeScale }));
  return { records, undone, controller };
}

describe('FaultController', () => {
  it('records a start and an end with the same id, and undoes the fault on clear', async () => {
    const { records, undone, controller } = setup();
    const id = controller.started({
      kind: 'blackhole',
      target: { uid: 1, path: 'all' },
      params: {},
      undo: () => void undone.push('x'),
    });
    expect(controller.active().map((f) => f.id)).toEqual([id]);
    expect(await controller.clear(id)).toBe(true);
    expect(await controller.clear(id)).toBe(false);
    expect(undone).toEqual(['x']);
    expect(records.map((r) => r.type === 'fault' && [r.id, r.phase])).toEqual([
      [id, 'start'],
      [id, 'end'],
    ]);
  });

  it('clears itself after forMs × timeScale', async () => {
    const { records, controller } = setup(0.01);
    controller.started({
      kind: 'latency',
      target: { uid: 2 },
      params: { ms: 50 },
      forMs: 2000,
      undo: () => {},
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(records.filter((r) => r.type === 'fault' && r.phase === 'end')).toHaveLength(1);
    expect(controller.active()).toEqual([]);
  });

  it('ends instantaneous faults at once and refuses a duplicate id', async () => {
    const { records, controller } = setup();
    controller.started(
      { kind: 'ip-change', target: { uid: 1 }, params: {}, instantaneous: true, undo: () => {} },
      'a',
    );
    await Promise.resolve();
    expect(records.filter((r) => r.type === 'fault').length).toBe(2);
    controller.started({ kind: 'refuse', target: { uid: 1 }, params: {}, undo: () => {} }, 'b');
    expect(() =>
      controller.started({ kind: 'refuse', target: { uid: 1 }, params: {}, undo: () => {} }, 'b'),
    ).toThrow(/already active/);
  });

  it('records the end even when undo fails, and reports the failure', async () => {
    const errors: string[] = [];
    const records: RecordInput[] = [];
    const controller = new FaultController(
      (r) => records.push(r),
      resolveTiming(),
      (m) => errors.push(m),
    );
    const id = controller.started({
      kind: 'server-stop',
      target: { uid: null },
      params: {},
      undo: () => Promise.reject(new Error('port busy')),
    });
    await controller.dispose();
    expect(errors[0]).toMatch(new RegExp(`clearing fault ${id} \\(server-stop\\) failed: port busy`));
    expect(records.at(-1)).toMatchObject({ type: 'fault', phase: 'end', id });
  });

  it('reserves ids: a named one unless active, else the next f-id no active fault holds', () => {
    const { controller } = setup();
    const fault = { kind: 'refuse', target: { uid: 1 }, params: {}, undo: () => {} };
    expect(controller.reserve('mine')).toBe('mine');
    expect(controller.started(fault, 'f1')).toBe('f1');
    expect(() => controller.reserve('f1')).toThrow('a fault with id "f1" is already active');
    // The sequence skips f1 (taken by name) instead of colliding with it.
    expect(controller.reserve()).toBe('f2');
    expect(controller.started(fault)).toBe('f3');
  });
});
