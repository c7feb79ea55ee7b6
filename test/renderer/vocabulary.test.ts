import { describe, expect, it } from 'vitest';
import { peerLabel, stateLabel } from '../../src/shared/view/charts/labels';
import { describeRecord, filterRecords } from '../../src/renderer/src/trace/describe';
import { seedTrace } from './helpers';

describe('vocabulary', () => {
  it('states and peer events in current and legacy names', () => {
    expect(stateLabel('RECONNECTING', 'current')).toBe('RECONNECTING');
    expect(stateLabel('RECONNECTING', 'legacy')).toBe('CONNECTING (2)');
    expect(stateLabel('DISCONNECTED', 'legacy')).toBe('DISCONNECTED (1)');
    expect(peerLabel('user-left', 'current')).toBe('user-left');
    expect(peerLabel('user-left', 'legacy')).toBe('peer-leave');
    expect(peerLabel('user-published', 'legacy')).toBe('stream-added');
  });

  it('event log lines follow the vocabulary', () => {
    const { list } = seedTrace();
    const reconnecting = list.find((r) => r.type === 'state' && r.to === 'RECONNECTING')!;
    expect(describeRecord(reconnecting, 'current')).toBe(
      'CONNECTED → RECONNECTING — cause heartbeat timeout',
    );
    expect(describeRecord(reconnecting, 'legacy')).toBe('CONNECTED → CONNECTING — cause heartbeat timeout');
    const back = list.find((r) => r.type === 'state' && r.from === 'RECONNECTING')!;
    expect(describeRecord(back, 'legacy')).toBe('CONNECTING → CONNECTED (connected) — cause REJOIN_SUCCESS');
    const left = list.find((r) => r.type === 'peer' && r.event === 'user-left')!;
    expect(describeRecord(left, 'legacy')).toBe('peer-leave uid 1 — ServerTimeOut');
    const fault = list.find((r) => r.type === 'fault')!;
    expect(describeRecord(fault, 'current')).toBe('f1 blackhole start on uid 1 (all)');
  });

  it('filters by uid, type and text (text matches the shown vocabulary)', () => {
    const { list } = seedTrace();
    expect(filterRecords(list, { uid: 2, type: 'peer', text: '' }, 'current')).toHaveLength(6);
    expect(filterRecords(list, { uid: 'lab', type: 'all', text: '' }, 'current').map((r) => r.type)).toEqual([
      'fault',
      'fault',
    ]);
    expect(filterRecords(list, { uid: 'all', type: 'all', text: 'peer-leave' }, 'legacy')).toHaveLength(1);
    expect(filterRecords(list, { uid: 'all', type: 'all', text: 'peer-leave' }, 'current')).toHaveLength(0);
  });
});

describe('trace files in the page', () => {
  it('an export reads back the same, gzip or not', async () => {
    const { readTraceBytes, traceExport } = await import('../../src/renderer/src/trace/file');
    const { header } = await import('./helpers');
    const { list } = seedTrace();
    for (const gzip of [true, false]) {
      const out = traceExport(header(), list, gzip);
      expect(out.name.endsWith(gzip ? '.ndjson.gz' : '.ndjson')).toBe(true);
      const back = readTraceBytes(out.name, out.bytes);
      expect(back.records).toEqual(list);
      expect(back.truncated).toBe(false);
    }
    expect(() => readTraceBytes('x.txt', new TextEncoder().encode('hello\n'))).toThrow(
      /not a Faultline trace/,
    );
  });
});
