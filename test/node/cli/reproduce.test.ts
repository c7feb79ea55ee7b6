/**
 * `faultline reproduce` and `faultline compare`: the scenario file a recorded run gives, a real
 * lab run of it (`--run`, wrtc clients at time scale 0.2) whose trace matches the original's
 * interruption when compared, and the errors for missing output and unreadable input.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli';
import { labRunPath } from '../../helpers/lab-runs';
import { parseScenario } from '../../../src/shared/scenario/validate';

const FIXTURE = labRunPath('short-drop');
const OTHER = labRunPath('high-latency');

describe('faultline reproduce', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-reproduce-'));

  it('writes a valid scenario with the diagnosed fault and says what it left out', async () => {
    const path = join(dir, 'scenario.json');
    const { code, out } = await cli(['reproduce', FIXTURE, '--out', path]);
    expect(code).toBe(0);
    expect(out).toMatch(/i1: fault blackhole on uid 1 at 8\.\d s for 6\.\d s/);
    expect(out).toMatch(/i2: not reproduced — it is how a client recovers/);
    const scenario = parseScenario(JSON.parse(readFileSync(path, 'utf8')), path);
    expect(scenario.steps.filter((s) => s.do === 'fault')).toHaveLength(1);
    expect(scenario.config.heartbeatIntervalMs).toBe(2000); // the recorded run's own rules
  });

  it('--run plays it in the lab and the comparison matches the interruption', async () => {
    const scenario = join(dir, 'run.json');
    const trace = join(dir, 'run.ndjson');
    const { code, out, err } = await cli([
      'reproduce',
      FIXTURE,
      '--out',
      scenario,
      '--run',
      '--out',
      trace,
      '--time-scale',
      '0.2',
      '--quiet',
    ]);
    expect(err).not.toMatch(/error:/);
    expect(code).toBe(0);
    expect(existsSync(trace)).toBe(true);
    expect(out).toMatch(/Similarity: \d+ of \d+ incidents reproduced/);
    expect(out).toMatch(/i1 interruption \(uid 1, path-blackholed\): i\d+, start [+−]\d+ ms/);
    // Compare reads the kept trace the same way.
    const again = await cli(['compare', FIXTURE, trace, '--json']);
    expect(again.code).toBe(0);
    const c = JSON.parse(again.out);
    const first = c.matches.find((m: { original: { id: string } }) => m.original.id === 'i1');
    expect(first.reproduced).toMatchObject({ kind: 'interruption', subject: 1 });
    expect(c.states.find((s: { subject: number }) => s.subject === 1).reproduction).toContain('RECONNECTING');
  }, 120_000);

  it('compare names what a different run did not show', async () => {
    const { code, out } = await cli(['compare', FIXTURE, OTHER]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Similarity: 0 of \d+ incidents reproduced/);
    expect(out).toMatch(/i1 interruption \(uid 1, path-blackholed\): not shown by the reproduction/);
    expect(out).toMatch(/original: {5}CONNECTING → CONNECTED → RECONNECTING/);
  });

  it('refuses to run without a place for the scenario, and exits 2 on unreadable input', async () => {
    const none = await cli(['reproduce', FIXTURE]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--out scenario\.json/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello":');
    const broken = await cli(['reproduce', bad, '--out', join(dir, 'x.json')]);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/cannot open/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
    const cmp = await cli(['compare', FIXTURE, bad]);
    expect(cmp.code).toBe(2);
  });
});
