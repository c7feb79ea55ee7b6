/**
 * Mixed engines on the seed timeline: one participant runs Chromium's own WebRTC stack (a
 * browser participant in headless Debian Chromium), the other libwebrtc in Node. The checker
 * treats them alike: `seed-ng` passes with UID 2 (the observer) as the browser, and with UID 1
 * (the publisher whose network drops, so the browser's connection is the one that reconnects).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../../../src/lab/browser/chromium-host';
import { findBuiltinScenario } from '../../../src/lab/scenario/library';
import { runJudgedScenario } from '../../helpers/scenario';
import { formatReport } from '../../../src/shared/check';
import { SAFE_TIME_SCALE, type Scenario, type StatsRecord } from '../../../src/shared';
import { packetsFromPeer } from '../../../src/shared/trace/received';

const haveChromium = existsSync(chromiumPath());
if (!haveChromium) console.warn(`browser participant tests skipped: no Chromium at ${chromiumPath()}`);

function withBrowser(uid: number): Scenario {
  const seed = findBuiltinScenario('seed-ng')!;
  return {
    ...seed,
    participants: seed.participants.map((p) => (p.uid === uid ? { ...p, engine: 'browser' as const } : p)),
  };
}

// The observer's media start does not race the fault; the publisher's does (SAFE_TIME_SCALE).
describe.skipIf(!haveChromium && !process.env['CI']).each([
  { uid: 2, scale: 0.1 },
  { uid: 1, scale: SAFE_TIME_SCALE.browser },
])('seed-ng with UID $uid in Chromium at time scale $scale', ({ uid, scale }) => {
  it('passes the check, and the browser reports its own states and stats', async () => {
    const scenario = withBrowser(uid);
    const result = await runJudgedScenario(scenario, { timeScale: scale });
    const text = formatReport(result.report, { vocabulary: 'current' });
    expect(result.errors, text).toEqual([]);
    expect(result.report.violations, text).toEqual([]);
    expect(
      result.report.expectations.map((e) => e.verdict),
      text,
    ).toEqual(scenario.expect.map(() => 'pass'));
    expect(result.report.ok, text).toBe(true);

    const stats = result.records.filter((r) => r.type === 'stats' && r.uid === uid);
    expect(stats.length).toBeGreaterThan(3);
    for (const s of stats)
      expect(s.raw).toMatchObject({ engine: 'browser', browser: expect.stringMatching(/^Chromium \d+/) });
    const other = uid === 1 ? 2 : 1;
    expect(result.records.find((r) => r.type === 'stats' && r.uid === other)?.raw).toMatchObject({
      engine: 'wrtc',
    });

    // Media flowed through Chromium: the browser either sent or received it.
    const figure = uid === 1 ? 'sendKbps' : 'recvKbps';
    const best = Math.max(...stats.map((s) => (s.type === 'stats' ? (s[figure] ?? 0) : 0)));
    expect(best, `${figure} of uid ${uid}`).toBeGreaterThan(50);
    // Whoever subscribes (UID 2, in either engine) attributes what it receives to UID 1.
    const observerStats = result.records.filter((r): r is StatsRecord => r.type === 'stats' && r.uid === 2);
    expect(packetsFromPeer(observerStats, 1, 'audio'), 'audio packets from uid 1').toBeGreaterThan(0);
    expect(packetsFromPeer(observerStats, 1, 'video'), 'video packets from uid 1').toBeGreaterThan(0);

    // Its own peer connection states went through connected (ICE in Chromium).
    const pcStates = result.records.filter(
      (r) => r.type === 'media' && r.uid === uid && r.event === 'pc-state' && r.value === 'connected',
    );
    expect(pcStates.length).toBeGreaterThan(0);
    if (uid === 1) {
      // The browser's own connection is the one that dropped and came back.
      const states = result.records
        .filter((r) => r.type === 'state' && r.uid === 1)
        .map((r) => (r.type === 'state' ? r.to : ''));
      expect(states).toEqual(expect.arrayContaining(['RECONNECTING', 'CONNECTED']));
      expect(states.lastIndexOf('CONNECTED')).toBeGreaterThan(states.indexOf('RECONNECTING'));
    }
  }, 120_000);
});
