/**
 * Reproducing a trace from its diagnosis alone: each recorded lab run (test/fixtures/lab-runs),
 * read with its faults and scenario removed, gives back a valid scenario whose fault steps are the
 * injected ones — same kind (or the server step), same participant, at the same moment — and an
 * imported dump gives a scenario with one participant per PC and notes on what it could not inject.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseTrace, MATCH_TOLERANCE_MS, withoutInjectedFaults } from '../../../src/shared/diagnose';
import { LEAD_MS, reproduceTrace } from '../../../src/shared/reproduce';
import { parseScenario } from '../../../src/shared/scenario/validate';
import { importWebrtcInternals } from '../../../src/shared/support/import';
import type { TraceRecord } from '../../../src/shared/trace/records';
import { labRunNames, loadLabRun } from '../../helpers/lab-runs';

const load = loadLabRun;
const names = labRunNames();

function reproduceBlind(name: string) {
  const trace = load(name);
  const blind = withoutInjectedFaults(trace);
  const diagnosis = diagnoseTrace(blind);
  return { trace, diagnosis, reproduction: reproduceTrace({ ...blind, diagnosis }) };
}

/** The injected fault starts (model ms), as `kind@uid`, without server starts (the end of a stop). */
function injected(records: readonly TraceRecord[], timeScale: number) {
  return records.flatMap((r) =>
    r.type === 'fault' && r.phase === 'start' && r.kind !== 'server-start'
      ? [{ what: `${r.kind}@${r.target.uid ?? 'server'}`, at: r.t / timeScale }]
      : [],
  );
}

describe('reproduce: a lab run read blind gives back its faults', () => {
  it.each(names)('%s', (name) => {
    const { trace, reproduction } = reproduceBlind(name);
    const scenario = parseScenario(reproduction.scenario, name);
    const played = scenario.steps.flatMap((s) =>
      s.do === 'fault'
        ? [{ what: `${s.fault.kind}@${s.uid}`, at: s.at - reproduction.shiftMs }]
        : s.do === 'server-stop'
          ? [{ what: 'server-stop@server', at: s.at - reproduction.shiftMs }]
          : s.do === 'server-expire-token' || s.do === 'duplicate-login'
            ? [{ what: `${s.do}@${s.uid}`, at: s.at - reproduction.shiftMs }]
            : [],
    );
    const faults = injected(trace.records, trace.header.timeScale);
    const stepsOf: Record<string, string> = {
      'token-expiry': 'server-expire-token@1',
      'same-uid-login': 'duplicate-login@1',
    };
    if (stepsOf[name]) {
      expect(played.map((p) => p.what)).toEqual([stepsOf[name]]);
      return;
    }
    expect(played.map((p) => p.what)).toEqual(faults.map((f) => f.what));
    played.forEach((p, i) => expect(Math.abs(p.at - faults[i]!.at)).toBeLessThanOrEqual(MATCH_TOLERANCE_MS));
    // Participants publish what they sent: the publisher's kinds come back from the stats.
    expect(scenario.participants.find((p) => p.uid === 1)?.publish.length).toBeGreaterThan(0);
  });

  it('sizes faults as measured and holds them as long as the incident lasted', () => {
    const loss = reproduceBlind('lossy-uplink').reproduction.scenario.steps.find((s) => s.do === 'fault')!;
    expect(loss).toMatchObject({ fault: { kind: 'loss', direction: 'up' } });
    const pct = loss.do === 'fault' && loss.fault.kind === 'loss' ? loss.fault.pct : 0;
    expect(pct).toBeGreaterThan(10); // the scenario injects 20 %
    expect(pct).toBeLessThan(30);
    const latency = reproduceBlind('high-latency').reproduction.scenario.steps.find((s) => s.do === 'fault')!;
    const ms = latency.do === 'fault' && latency.fault.kind === 'latency' ? latency.fault.ms : 0;
    expect(ms).toBeGreaterThan(0);
    const drop = reproduceBlind('short-drop').reproduction;
    const hold = drop.scenario.steps.find((s) => s.do === 'fault')!;
    expect(hold).toMatchObject({ fault: { kind: 'blackhole', direction: 'both' } });
    const forMs = 'forMs' in hold ? hold.forMs! : 0;
    expect(Math.abs(forMs - 6000)).toBeLessThan(MATCH_TOLERANCE_MS); // the scenario's 6 s drop
    expect(drop.incidents.find((i) => i.step === null)?.skipped).toMatch(/recovers/);
  });
});

describe('reproduce: an imported dump', () => {
  const dump = JSON.parse(
    readFileSync(join(__dirname, '..', 'open', 'fixtures', 'webrtc-internals.json'), 'utf8'),
  );
  const imported = importWebrtcInternals(dump);
  const diagnosis = diagnoseTrace(imported);
  const r = reproduceTrace({ ...imported, diagnosis });

  it('one participant per PC plus an observer, faults shifted after the lead-in, every incident accounted for', () => {
    const scenario = parseScenario(r.scenario, 'reproduction');
    expect(scenario.participants.map((p) => p.uid)).toEqual([1, 2]);
    expect(r.participants).toEqual([{ subject: 1, uid: 1, label: expect.stringContaining('4242-1') }]);
    expect(r.incidents.map((i) => i.incidentId)).toEqual(diagnosis.incidents.map((i) => i.id));
    for (const i of r.incidents) expect((i.step === null) !== (i.skipped === null)).toBe(true);
    const faults = scenario.steps.filter((s) => s.do === 'fault');
    expect(faults[0]!.at).toBe(LEAD_MS);
    expect(faults.map((s) => (s.do === 'fault' ? s.fault.kind : ''))).toEqual(['loss', 'block-direct-udp']);
    expect(scenario.turn).toBe(true);
    expect(r.notes.join(' ')).toMatch(/browser engine/);
    expect(scenario.steps[scenario.steps.length - 1]!.do).toBe('end');
  });

  it('a trace without incidents gives a calm scenario with no faults', () => {
    const calm = { ...imported, records: imported.records.filter((x) => x.type === 'log') };
    const d = diagnoseTrace(calm);
    const scenario = parseScenario(reproduceTrace({ ...calm, diagnosis: d }).scenario, 'calm');
    expect(scenario.steps.some((s) => s.do === 'fault')).toBe(false);
  });
});
