import { describe, expect, it } from 'vitest';
import type { RecordInput } from '../../../src/shared';
import { ConnectionStateMachine, IllegalTransitionError } from '../../../src/lab/clients/state-machine';

describe('ConnectionStateMachine', () => {
  it('records every allowed transition as one state record and tells listeners', () => {
    const records: RecordInput[] = [];
    const sm = new ConnectionStateMachine(7, (r) => records.push(r));
    const seen: string[] = [];
    const off = sm.onChange((from, to, d) => seen.push(`${from}>${to}:${d.reason ?? ''}:${d.cause ?? ''}`));
    sm.transition('CONNECTING');
    sm.transition('CONNECTED');
    sm.transition('RECONNECTING', { cause: 'heartbeat-timeout' });
    sm.transition('CONNECTED', { cause: 'REJOIN_SUCCESS' });
    off();
    sm.transition('DISCONNECTED', { reason: 'UID_BANNED' });
    expect(sm.state).toBe('DISCONNECTED');
    expect(records).toEqual([
      { type: 'state', uid: 7, from: 'DISCONNECTED', to: 'CONNECTING' },
      { type: 'state', uid: 7, from: 'CONNECTING', to: 'CONNECTED' },
      { type: 'state', uid: 7, from: 'CONNECTED', to: 'RECONNECTING', cause: 'heartbeat-timeout' },
      { type: 'state', uid: 7, from: 'RECONNECTING', to: 'CONNECTED', cause: 'REJOIN_SUCCESS' },
      { type: 'state', uid: 7, from: 'CONNECTED', to: 'DISCONNECTED', reason: 'UID_BANNED' },
    ]);
    expect(seen).toHaveLength(4);
  });

  it('throws on transitions the model forbids and records nothing', () => {
    const records: RecordInput[] = [];
    const sm = new ConnectionStateMachine(1, (r) => records.push(r));
    expect(() => sm.transition('CONNECTED')).toThrow(IllegalTransitionError);
    sm.transition('CONNECTING');
    // A reason is required on → DISCONNECTED, and LEAVE is not a join refusal.
    expect(() => sm.transition('DISCONNECTED')).toThrow(/CONNECTING → DISCONNECTED/);
    expect(() => sm.transition('DISCONNECTED', { reason: 'LEAVE' })).toThrow(IllegalTransitionError);
    expect(sm.can('DISCONNECTED', 'NETWORK_ERROR')).toBe(true);
    expect(records).toHaveLength(1);
    expect(sm.state).toBe('CONNECTING');
  });

  it('keeps going when a listener throws, and logs it', () => {
    const records: RecordInput[] = [];
    const sm = new ConnectionStateMachine(1, (r) => records.push(r));
    sm.onChange(() => {
      throw new Error('boom');
    });
    sm.transition('CONNECTING');
    expect(sm.state).toBe('CONNECTING');
    expect(records.map((r) => r.type)).toEqual(['state', 'log']);
  });
});
