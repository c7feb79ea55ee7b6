/**
 * The diagnosis on recorded lab runs (test/fixtures/lab-runs, one per built-in scenario): read
 * blind, each injected fault is explained by an incident of its kind's cause class within 1.5 s,
 * the scenarios without network faults show what they did (token expiry, a same-UID login), and
 * no trace gets a bare PASS.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseTrace, formatDiagnosis, withoutInjectedFaults } from '../../../src/shared/diagnose';
import { expectFaultsDiagnosed } from '../../helpers/diagnosis';
import { labRunNames, loadLabRun } from '../../helpers/lab-runs';

const load = loadLabRun;
const names = labRunNames();

const WITH_FAULTS = names.filter((n) => !['token-expiry', 'same-uid-login'].includes(n));

describe('diagnosis of recorded lab runs', () => {
  it('has one fixture per built-in scenario', () => {
    expect(names.length).toBe(12);
  });

  it.each(WITH_FAULTS)('%s: every injected fault explained when read blind', (name) => {
    expectFaultsDiagnosed(load(name));
  });

  it('short-drop: the interruption starts at the last packet, is noticed later, and ends when media flows again', () => {
    const trace = load('short-drop');
    const d = diagnoseTrace(withoutInjectedFaults(trace));
    const i = d.incidents.find((x) => x.kind === 'interruption')!;
    const fault = trace.records.find((r) => r.type === 'fault' && r.phase === 'start')!;
    const state = trace.records.find((r) => r.type === 'state' && r.to === 'RECONNECTING')!;
    const faultModel = fault.t / trace.header.timeScale;
    expect(Math.abs(i.start - faultModel)).toBeLessThan(1000);
    expect(i.detectedAt).toBeCloseTo(state.t / trace.header.timeScale, 0);
    expect(i.detectedAt! - i.start).toBeGreaterThan(2000); // the heartbeat timeout took its time
    expect(i.subject).toBe(1);
    expect(i.subjectLabel).toBe('uid 1');
    expect(i.evidence).toContain(state.seq);
    expect(i.end).not.toBeNull();
    expect(i.summary).toMatch(/^uid 1 lost the connection/);
    expect(d.verdict.text).toBe(`no expectations; ${d.incidents.length} incidents`);
  });

  it('server-restart: one server incident, and every client interruption blamed on the server', () => {
    const d = diagnoseTrace(withoutInjectedFaults(load('server-restart')));
    const server = d.incidents.filter((i) => i.kind === 'server-restart');
    expect(server).toHaveLength(1);
    expect(server[0]!.subject).toBeNull();
    const interruptions = d.incidents.filter((i) => i.kind === 'interruption');
    expect(interruptions.map((i) => i.subject).sort()).toEqual([1, 2]);
    for (const i of interruptions) {
      expect(i.cause.class).toBe('server-side');
      expect(i.start).toBeGreaterThanOrEqual(server[0]!.start);
    }
  });

  it('turn-tcp-fallback: two stalls, each followed by the fallback it led to', () => {
    const d = diagnoseTrace(withoutInjectedFaults(load('turn-tcp-fallback')));
    const pairs = d.incidents.filter((i) => i.kind === 'candidate-pair-change');
    expect(pairs.map((p) => p.cause.class)).toEqual(['direct-udp-blocked', 'udp-blocked']);
    expect(pairs[0]!.summary).toMatch(/TURN relay \(relay\/udp\)/);
    const stalls = d.incidents.filter((i) => i.kind === 'media-stall');
    expect(stalls.map((s) => [s.direction, s.cause.class])).toEqual([
      ['up', 'direct-udp-blocked'],
      ['up', 'udp-blocked'],
    ]);
  });

  it('token-expiry and same-uid-login: the removal, with the reason the server gave', () => {
    const token = diagnoseTrace(withoutInjectedFaults(load('token-expiry')));
    expect(token.incidents.map((i) => [i.kind, i.cause.class, i.cause.params['reason']])).toEqual([
      ['token-expiry', 'credentials', 'TOKEN_EXPIRE'],
    ]);
    const kicked = diagnoseTrace(withoutInjectedFaults(load('same-uid-login')));
    expect(kicked.incidents.map((i) => [i.kind, i.cause.class, i.cause.params['reason']])).toEqual([
      ['kicked', 'server-side', 'SAME_UID_LOGIN'],
    ]);
  });

  it('prints every incident and the verdict last', () => {
    const text = formatDiagnosis(diagnoseTrace(load('network-switch')));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Incidents \(lab trace, times in model seconds \(time scale 0\.2\)\)/);
    expect(text).toMatch(/network-change/);
    expect(text).toMatch(/f1 ip-change on uid 1 at .* explained by i\d/);
    expect(lines[lines.length - 1]).toMatch(/^Diagnosis: 1 expectation|^Diagnosis: \d+ expectations;/);
  });
});
