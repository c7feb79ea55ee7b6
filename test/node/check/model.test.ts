/** Model verification: a clean seed trace passes; every kind of violation is caught. */
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../../src/shared/check';
import type { ViolationCode } from '../../../src/shared/check';
import { seedTrace, TraceBuilder } from './builder';

function codes(b: TraceBuilder, profile?: 'ng' | 'legacy'): ViolationCode[] {
  return checkTrace(b.build(), { profile }).violations.map((v) => v.code);
}

describe('model verification', () => {
  it('the seed timeline has no violations', () => {
    const report = checkTrace(seedTrace().build());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('every allowed transition of the table, with its reasons, passes', () => {
    const b = new TraceBuilder()
      .state(0, 1, 'DISCONNECTED', 'CONNECTING')
      .state(1, 1, 'CONNECTING', 'DISCONNECTED', 'INVALID_TOKEN')
      .join(2, 1)
      .state(40, 1, 'CONNECTED', 'RECONNECTING')
      .state(50, 1, 'RECONNECTING', 'DISCONNECTED', 'TOKEN_EXPIRE')
      .join(60, 1)
      .state(100, 1, 'CONNECTED', 'DISCONNECTED', 'SAME_UID_LOGIN')
      .state(110, 1, 'DISCONNECTED', 'CONNECTING')
      .state(111, 1, 'CONNECTING', 'DISCONNECTING')
      .state(112, 1, 'DISCONNECTING', 'DISCONNECTED', 'LEAVE')
      .join(120, 1)
      .state(160, 1, 'CONNECTED', 'RECONNECTING')
      .state(170, 1, 'RECONNECTING', 'DISCONNECTING')
      .state(171, 1, 'DISCONNECTING', 'DISCONNECTED', 'LEAVE');
    expect(codes(b)).toEqual([]);
  });

  it.each<[string, (b: TraceBuilder) => TraceBuilder, ViolationCode, number]>([
    ['state without uid', (b) => b.state(0, null, 'DISCONNECTED', 'CONNECTING'), 'state-no-uid', 1],
    ['first state not from DISCONNECTED', (b) => b.state(0, 1, 'CONNECTING', 'CONNECTED'), 'state-first', 1],
    ['broken chain', (b) => b.join(0, 1).state(50, 1, 'RECONNECTING', 'CONNECTED'), 'state-chain', 3],
    [
      'transition not in the table',
      (b) => b.join(0, 1).state(50, 1, 'CONNECTED', 'CONNECTING'),
      'state-transition',
      3,
    ],
    [
      'missing reason on → DISCONNECTED',
      (b) =>
        b.join(0, 1).state(50, 1, 'CONNECTED', 'DISCONNECTING').state(60, 1, 'DISCONNECTING', 'DISCONNECTED'),
      'state-reason',
      4,
    ],
    [
      'reason where none belongs',
      (b) => b.state(0, 1, 'DISCONNECTED', 'CONNECTING', 'LEAVE'),
      'state-reason',
      1,
    ],
    [
      'a kick with a network reason',
      (b) => b.join(0, 1).state(50, 1, 'CONNECTED', 'DISCONNECTED', 'NETWORK_ERROR'),
      'state-reason',
      3,
    ],
    ['peer event without observer', (b) => b.peer(0, null, 'user-joined', 1), 'peer-no-observer', 1],
    ['peer event about itself', (b) => b.join(0, 1).peer(40, 1, 'user-joined', 1), 'peer-self', 3],
    [
      'published before joined',
      (b) => b.join(0, 2).peer(40, 2, 'user-published', 1, 'video'),
      'peer-not-joined',
      3,
    ],
    [
      'unpublished before joined',
      (b) => b.join(0, 2).peer(40, 2, 'user-unpublished', 1, 'audio'),
      'peer-not-joined',
      3,
    ],
    ['left without joined', (b) => b.join(0, 2).peer(40, 2, 'user-left', 1), 'peer-not-joined', 3],
    [
      'joined twice',
      (b) => b.join(0, 2).peer(40, 2, 'user-joined', 1).peer(50, 2, 'user-joined', 1),
      'peer-joined-twice',
      4,
    ],
    [
      'left twice',
      (b) =>
        b.join(0, 2).peer(40, 2, 'user-joined', 1).peer(50, 2, 'user-left', 1).peer(60, 2, 'user-left', 1),
      'peer-left-twice',
      5,
    ],
    [
      'published twice',
      (b) =>
        b
          .join(0, 2)
          .peer(40, 2, 'user-joined', 1)
          .peer(50, 2, 'user-published', 1, 'video')
          .peer(60, 2, 'user-published', 1, 'video'),
      'peer-published-twice',
      5,
    ],
    [
      'unpublished but never published',
      (b) => b.join(0, 2).peer(40, 2, 'user-joined', 1).peer(50, 2, 'user-unpublished', 1, 'audio'),
      'peer-unpublished-not-published',
      4,
    ],
    [
      'peer event while DISCONNECTED',
      (b) => b.join(0, 2).leave(40, 2).peer(60, 2, 'user-joined', 1),
      'peer-while-disconnected',
      5,
    ],
    ['fault end without start', (b) => b.fault(0, 'x', 'end'), 'fault-end-without-start', 1],
    ['fault started twice', (b) => b.fault(0, 'x', 'start').fault(5, 'x', 'start'), 'fault-started-twice', 2],
    [
      'fault ended twice',
      (b) => b.fault(0, 'x', 'start').fault(5, 'x', 'end').fault(6, 'x', 'end'),
      'fault-ended-twice',
      3,
    ],
    ['t going backwards', (b) => b.mark(10, 'a').mark(5, 'b'), 'time-backwards', 2],
  ])('%s', (_name, build, code, seq) => {
    const report = checkTrace(build(new TraceBuilder()).build());
    expect(report.violations.map((v) => v.code)).toEqual([code]);
    expect(report.violations[0]).toMatchObject({ seq, message: expect.any(String) });
    expect(report.ok).toBe(false);
  });

  it('after its own rejoin an observer may re-learn members (user-joined again is fine)', () => {
    const b = new TraceBuilder()
      .join(0, 2)
      .peer(40, 2, 'user-joined', 1)
      .peer(41, 2, 'user-published', 1, 'video')
      .state(100, 2, 'CONNECTED', 'RECONNECTING')
      .state(200, 2, 'RECONNECTING', 'CONNECTED')
      .peer(201, 2, 'user-joined', 1)
      .peer(202, 2, 'user-published', 1, 'video');
    expect(codes(b)).toEqual([]);
  });

  it('a trace that starts mid-session (first seq > 1) is not held to the start rules', () => {
    const b = new TraceBuilder().state(0, 1, 'CONNECTED', 'RECONNECTING').peer(5, 2, 'user-left', 1);
    const { header, records } = b.build();
    const shifted = records.map((r) => ({ ...r, seq: r.seq + 100 }));
    expect(checkTrace({ header, records: shifted }).violations).toEqual([]);
  });

  it('legacy profile: same verdicts, legacy names in messages', () => {
    const b = new TraceBuilder()
      .join(0, 1)
      .state(50, 1, 'RECONNECTING', 'CONNECTED')
      .join(55, 2)
      .peer(90, 2, 'user-left', 1);
    const ng = checkTrace(b.build(), { profile: 'ng' });
    const legacy = checkTrace(b.build(), { profile: 'legacy' });
    expect(legacy.violations.map((v) => v.code)).toEqual(ng.violations.map((v) => v.code));
    expect(ng.violations.map((v) => v.message).join('\n')).toMatch(/RECONNECTING → CONNECTED.*\n.*user-left/);
    const text = legacy.violations.map((v) => v.message).join('\n');
    expect(text).toMatch(/CONNECTING → CONNECTED/);
    expect(text).toMatch(/peer-leave/);
    expect(text).not.toMatch(/RECONNECTING|user-left/);
  });
});
