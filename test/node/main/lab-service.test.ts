/**
 * LabService on a REAL lab (channel server process, wrtc clients, fault injectors) at
 * timeScale 0.1, driven through the dispatcher exactly as both transports drive it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventContract, invokeContract, type EventChannel, type EventPayload } from '../../../src/shared/ipc';
import type { Scenario } from '../../../src/shared';
import { createDispatcher, createHandlers, type Dispatch } from '../../../src/app/ipc/handlers';
import { LabService } from '../../../src/app/services/lab-service';
import { decodeCompact } from '../../../src/shared/trace/compact';
import type { TraceRecord } from '../../../src/shared/trace/records';
import { waitFor } from '../../helpers/wait';

let service: LabService | undefined;
afterEach(async () => {
  await service?.dispose();
  service = undefined;
});

interface Seen {
  at: number;
  channel: EventChannel;
  payload: unknown;
}

function setup(): { dispatch: Dispatch; seen: Seen[]; svc: LabService } {
  const svc = new LabService({ mode: 'browser' });
  service = svc;
  const seen: Seen[] = [];
  svc.events.onAny((channel, payload) => {
    // Every event must match its schema in the contract.
    eventContract[channel].parse(payload);
    seen.push({ at: performance.now(), channel, payload });
  });
  return { dispatch: createDispatcher(createHandlers(svc)), seen, svc };
}

/** Invokes and returns the value, failing the test with the error envelope otherwise. */
async function call(dispatch: Dispatch, channel: keyof typeof invokeContract, payload: unknown = {}) {
  const envelope = await dispatch(channel, payload);
  if (!envelope.ok) throw new Error(`${channel} failed: ${envelope.error.code} ${envelope.error.message}`);
  invokeContract[channel].response.parse(envelope.value);
  return envelope.value as never;
}

const of = <C extends EventChannel>(seen: Seen[], channel: C) =>
  seen.filter((s) => s.channel === channel).map((s) => s.payload as EventPayload<C>);

describe('LabService with a real lab', () => {
  it('starts, joins, publishes, applies and clears a fault, and feeds records and status', async () => {
    const { dispatch, seen, svc } = setup();
    const started = await call(dispatch, 'lab:start', {
      server: { kind: 'embedded' },
      timing: { timeScale: 0.1 },
      participants: [{ uid: 1 }, { uid: 2 }],
    });
    expect(started).toMatchObject({
      running: true,
      server: { kind: 'embedded', up: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+/) },
      timeScale: 0.1,
      participants: [
        { uid: 1, state: 'DISCONNECTED' },
        { uid: 2, state: 'DISCONNECTED' },
      ],
    });
    // The first batch of the new trace carries its header.
    const first = of(seen, 'trace:records')[0];
    expect(first?.header).toMatchObject({ format: 'faultline-trace', timeScale: 0.1 });

    await call(dispatch, 'client:join', { uid: 1 });
    await call(dispatch, 'client:join', { uid: 2 });
    await call(dispatch, 'client:publish', { uid: 1, kinds: ['audio', 'video'] });
    await waitFor(
      () => of(seen, 'lab:status').some((s) => s.participants.every((p) => p.state === 'CONNECTED')),
      'a lab:status with both CONNECTED',
    );

    const applied = (await call(dispatch, 'fault:apply', {
      uid: 1,
      fault: { kind: 'blackhole', path: 'all' },
      forMs: 30_000,
    })) as {
      id: string;
      status: { faults: Array<{ id: string; startedAtT: number; endsAtT: number | null }> };
    };
    const fault = applied.status.faults.find((f) => f.id === applied.id);
    expect(fault).toBeDefined();
    // 30 000 model ms at timeScale 0.1 → 3 000 trace ms.
    expect(fault!.endsAtT! - fault!.startedAtT).toBeCloseTo(3000, 0);
    expect(fault!.startedAtT).toBeLessThanOrEqual(svc.snapshot().records.at(-1)!.t + 1);
    await waitFor(
      () => svc.status().participants.find((p) => p.uid === 1)?.state === 'RECONNECTING',
      'UID 1 RECONNECTING',
    );
    const cleared = (await call(dispatch, 'fault:clear', { id: applied.id })) as { faults: unknown[] };
    expect(cleared.faults).toEqual([]);
    await waitFor(
      () =>
        of(seen, 'lab:status').some((s) => s.participants.find((p) => p.uid === 1)?.state === 'RECONNECTING'),
      'a lab:status with UID 1 RECONNECTING',
    );
    await waitFor(() => svc.status().participants[0]?.state === 'CONNECTED', 'UID 1 back to CONNECTED');

    const mark = (await call(dispatch, 'trace:add-mark', { label: 'looked here' })) as { seq: number };
    await waitFor(
      () =>
        of(seen, 'trace:records').some((b) => b.records.some((r) => r.seq === mark.seq && r.type === 'mark')),
      'the mark in a trace:records batch',
    );

    // Records arrive in batches, in seq order, without gaps, and never faster than 20 a second.
    const batches = seen.filter((s) => s.channel === 'trace:records');
    const seqs = batches.flatMap((b) =>
      (b.payload as EventPayload<'trace:records'>).records.map((r) => r.seq),
    );
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const kinds = new Set(
      batches.flatMap((b) => (b.payload as EventPayload<'trace:records'>).records.map((r) => r.type)),
    );
    expect([...kinds]).toEqual(expect.arrayContaining(['state', 'fault', 'peer', 'mark']));
    const span = (batches.at(-1)!.at - batches[0]!.at) / 1000;
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(span * 20) + 2);
    expect(batches.filter((b) => (b.payload as { header?: unknown }).header)).toHaveLength(1);

    const stopped = (await call(dispatch, 'lab:stop')) as { running: boolean };
    expect(stopped.running).toBe(false);
    // The trace stays for a look after the lab stopped.
    const snap = (await call(dispatch, 'trace:get-snapshot')) as { header: unknown; records: unknown[] };
    expect(snap.header).not.toBeNull();
    expect(snap.records.length).toBe(svc.snapshot().records.length);
    // The dashboard's compact form carries the same records, and passes the contract's schema.
    const compact = (await call(dispatch, 'trace:get-snapshot', { form: 'compact' })) as { compact: unknown };
    expect(invokeContract['trace:get-snapshot'].response.safeParse(compact).success).toBe(true);
    expect(decodeCompact(compact.compact)).toEqual(snap.records);
    // Only the types asked for, in seq order, in either form.
    const types = ['state', 'log'] as const;
    const some = (await call(dispatch, 'trace:get-snapshot', { types })) as { records: TraceRecord[] };
    const expected = (snap.records as TraceRecord[]).filter((r) => r.type === 'state' || r.type === 'log');
    expect(expected.some((r) => r.type === 'state') && expected.some((r) => r.type === 'log')).toBe(true);
    expect(expected.length).toBeLessThan(snap.records.length);
    expect(some.records).toEqual(expected);
    const someCompact = (await call(dispatch, 'trace:get-snapshot', { form: 'compact', types })) as {
      compact: unknown;
    };
    expect(decodeCompact(someCompact.compact)).toEqual(expected);
    // Unknown, repeated or no types are refused, not answered with everything.
    for (const bad of [['nope'], ['state', 'state'], []]) {
      const envelope = await dispatch('trace:get-snapshot', { types: bad });
      expect(envelope.ok ? 'OK' : envelope.error.code, JSON.stringify(bad)).toBe('BAD_REQUEST');
    }
    expect(of(seen, 'lab:status').at(-1)?.running).toBe(false);
  });

  it('answers lab errors with specific codes', async () => {
    const { dispatch } = setup();
    const code = async (channel: string, payload: unknown = {}) => {
      const envelope = await dispatch(channel, payload);
      return envelope.ok ? 'OK' : envelope.error.code;
    };
    expect(await code('client:join', { uid: 1 })).toBe('NO_LAB');
    expect(await code('trace:add-mark', { label: 'x' })).toBe('NO_LAB');
    await call(dispatch, 'lab:start', {
      server: { kind: 'embedded' },
      timing: { timeScale: 0.1 },
      participants: [{ uid: 1 }],
    });
    expect(await code('lab:start', { server: { kind: 'embedded' } })).toBe('LAB_BUSY');
    expect(await code('client:join', { uid: 9 })).toBe('UNKNOWN_UID');
    expect(await code('participant:add', { uid: 1 })).toBe('DUPLICATE_UID');
    expect(await code('fault:clear', { id: 'f99' })).toBe('UNKNOWN_FAULT');
    expect(await code('client:publish', { uid: 1, kinds: ['audio'] })).toBe('INVALID_STATE');
    expect(await code('scenario:run', { scenario: { name: 'no-such' } })).toBe('UNKNOWN_SCENARIO');
    expect(await code('server:run-action', { action: 'expire-token', uid: 7 })).toBe('UNKNOWN_UID');
    expect(await code('participant:add', { uid: 3 })).toBe('OK');
    expect(await code('lab:stop')).toBe('OK');
    expect(await code('participant:add', { uid: 4 })).toBe('NO_LAB');
  });
});

/** Two clients, a 2 s blackhole on UID 1, done by 5 s (0.5 s at timeScale 0.1). */
const quick = {
  name: 'quick-drop',
  description: 'a short test run',
  participants: [{ uid: 1, publish: ['audio'] }, { uid: 2 }],
  steps: [
    { at: 0, do: 'join', uid: 1 },
    { at: 100, do: 'join', uid: 2 },
    { at: 1000, do: 'publish', uid: 1 },
    { at: 2000, do: 'fault', uid: 1, fault: { kind: 'blackhole', path: 'all' }, forMs: 2000 },
    { at: 2500, do: 'mark', label: 'mid-fault' },
    { at: 7000, do: 'end' },
  ],
} as unknown as Scenario;

describe('scenario runs through the service', () => {
  it('replaces the lab, reports progress and done, and feeds the run trace live', async () => {
    const { dispatch, seen, svc } = setup();
    await call(dispatch, 'lab:start', { server: { kind: 'embedded' }, timing: { timeScale: 0.1 } });
    const { runId } = (await call(dispatch, 'scenario:run', {
      scenario: { inline: quick },
      timeScale: 0.1,
    })) as { runId: string };
    expect(svc.status().run).toMatchObject({ runId, scenario: 'quick-drop', steps: 6 });
    // While a run owns the lab, manual actions are refused.
    const busy = await dispatch('client:join', { uid: 1 });
    expect(busy.ok ? 'OK' : busy.error.code).toBe('LAB_BUSY');
    await waitFor(() => of(seen, 'scenario:done').length > 0, 'scenario:done', 30_000);

    const progress = of(seen, 'scenario:progress').filter((p) => p.runId === runId);
    expect(progress.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(progress[3]?.label).toBe('fault uid 1');
    expect(of(seen, 'scenario:done')[0]).toMatchObject({ runId, aborted: false, errors: [] });

    // Two traces: the manual lab's, then the run's (with the scenario in its header).
    const headers = of(seen, 'trace:records').flatMap((b) => (b.header ? [b.header] : []));
    expect(headers).toHaveLength(2);
    expect(headers[1]?.scenario).toMatchObject({ name: 'quick-drop' });
    const runRecords = of(seen, 'trace:records')
      .slice(of(seen, 'trace:records').findIndex((b) => b.header === headers[1]))
      .flatMap((b) => b.records);
    expect(runRecords.some((r) => r.type === 'mark' && r.label === 'mid-fault')).toBe(true);
    expect(
      runRecords.filter((r) => r.type === 'fault').map((r) => (r.type === 'fault' ? r.phase : '')),
    ).toEqual(['start', 'end']);
    expect(of(seen, 'lab:status').some((s) => s.run?.runId === runId && s.running)).toBe(true);
    expect(svc.status()).toMatchObject({ running: false, run: null });
    expect(svc.snapshot().header?.scenario).toMatchObject({ name: 'quick-drop' });
  });

  it('cancels a run: done says aborted, the lab is gone', async () => {
    const { dispatch, seen, svc } = setup();
    const long = { ...quick, name: 'long', steps: [...quick.steps.slice(0, 2), { at: 600_000, do: 'end' }] };
    await call(dispatch, 'scenario:run', { scenario: { inline: long }, timeScale: 0.1 });
    await waitFor(() => of(seen, 'scenario:progress').length >= 2, 'two steps');
    const status = (await call(dispatch, 'scenario:cancel')) as { running: boolean; run: unknown };
    expect(status).toMatchObject({ running: false, run: null });
    expect(of(seen, 'scenario:done')).toEqual([expect.objectContaining({ aborted: true, ok: false })]);
    expect(svc.status().running).toBe(false);
  });
});
