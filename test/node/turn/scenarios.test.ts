/**
 * The relayed-path scenarios through a real coturn: direct UDP blocked → relay/udp, then
 * TURN/UDP blocked too → relay/tcp, both passing the check, with the transitions in the trace.
 * Time scale 0.5: ICE's own timers (consent checks, failover) do not scale.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/shared';
import { formatReport } from '../../../src/shared/check';
import { runJudgedScenario } from '../../helpers/scenario';
import { expectFaultsDiagnosed } from '../../helpers/diagnosis';
import { existsSync } from 'node:fs';
import { chromiumPath } from '../../../src/lab/browser/chromium-host';
import { findBuiltinScenario } from '../../../src/lab/scenario/library';
import { turnAvailable } from './availability';

/** The selected-pair labels of a uid's publisher PC, in order, without repeats. */
function pairs(records: TraceRecord[], uid: number): string[] {
  const out: string[] = [];
  for (const r of records) {
    if (r.type !== 'media' || r.event !== 'candidate-pair' || r.uid !== uid || r.pc !== 'pub') continue;
    if (out[out.length - 1] !== r.value) out.push(String(r.value));
  }
  return out;
}

const haveChromium = existsSync(chromiumPath());

describe.runIf(turnAvailable)('TURN fallback scenarios (coturn on loopback)', () => {
  // The browser participant (Chromium's ICE agent) makes the same moves as libwebrtc in Node.
  it.each(
    (
      [
        ['turn-udp-fallback', 'wrtc', ['host/udp', 'relay/udp']],
        ['turn-tcp-fallback', 'wrtc', ['host/udp', 'relay/udp', 'relay/tcp']],
        ['turn-tcp-fallback', 'browser', ['host/udp', 'relay/udp', 'relay/tcp']],
      ] as const
    ).filter(([, engine]) => engine !== 'browser' || haveChromium || process.env.CI),
  )(
    '%s on %s passes its check and the trace shows the pair transitions',
    async (name, engine, expected) => {
      const result = await runJudgedScenario(findBuiltinScenario(name)!, { timeScale: 0.5, engine });
      const text = formatReport(result.report);
      expect(result.errors, text).toEqual([]);
      expect(result.report.ok, text).toBe(true);
      expect(pairs(result.records, 1), text).toEqual(expected);
      const samples = result.records.filter((r) => r.type === 'stats' && r.uid === 1);
      const labels = new Set(samples.map((r) => (r.type === 'stats' ? r.raw?.['candidatePair'] : null)));
      for (const label of expected) expect(labels).toContain(label);
      if (engine === 'browser') {
        expect(samples[0]?.type === 'stats' && samples[0].raw).toMatchObject({ engine: 'browser' });
      }
      // Each gathering round is summed up; the relay candidate shows in one of them (the first
      // offer's, or on loopback usually the ICE restart's: see docs/DEVELOPMENT.md).
      const rounds = result.records.flatMap((r) =>
        r.type === 'log' && r.uid === 1 && r.msg.startsWith('pub PC gathered candidates:') ? [r.msg] : [],
      );
      expect(rounds.length, text).toBeGreaterThanOrEqual(1);
      expect(
        rounds.some((m) => /\brelay udp ×\d+/.test(m)),
        rounds.join('\n'),
      ).toBe(true);
      const text2 = JSON.stringify(result.records);
      expect(text2).not.toMatch(/credential|"password"/);
      // Read blind, each blocked path is diagnosed as the relay fallback it caused.
      expectFaultsDiagnosed(result);
    },
    180_000, // up to three runs of ~40 s when the lab proves the machine interfered
  );
});
