/**
 * `faultline diagnose` and `faultline check --json` on a recorded lab run and on bad input:
 * the text lists the incidents and ends with the verdict, the JSON is one object of the shape
 * the README documents, and a file that cannot be read exits 2 with the reason.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli';
import { labRunPath } from '../../helpers/lab-runs';

const FIXTURE = labRunPath('short-drop');

describe('faultline diagnose', () => {
  it('prints the incidents, the faults they explain and the verdict last', async () => {
    const { code, out } = await cli(['diagnose', FIXTURE, '--evidence']);
    expect(code).toBe(0);
    expect(out).toMatch(/interruption\s+path-blackholed/);
    expect(out).toMatch(/evidence: seq \d+/);
    expect(out).toMatch(/f1 blackhole on uid 1 at 9\.1 s: explained by i1/);
    expect(out.split('\n').pop()).toMatch(
      /^Diagnosis: 4 expectations; \d+ incidents; 1\/1 injected fault explained$/,
    );
  });

  it('--json is one object: source, incidents, faults, verdict', async () => {
    const { code, out } = await cli(['diagnose', FIXTURE, '--json']);
    expect(code).toBe(0);
    const d = JSON.parse(out);
    expect(Object.keys(d)).toEqual(['source', 'incidents', 'faults', 'verdict']);
    expect(d.source).toMatchObject({ kind: 'lab', timeScale: 0.2, scenario: 'short-drop' });
    expect(new Date(d.source.startedAt).toISOString()).toBe(d.source.startedAt);
    const [first] = d.incidents;
    for (const key of [
      'id',
      'kind',
      'start',
      'end',
      'detectedAt',
      'subject',
      'direction',
      'cause',
      'summary',
      'evidence',
    ]) {
      expect(first).toHaveProperty(key);
    }
    expect(first.cause).toMatchObject({ class: 'path-blackholed' });
    expect(first.cause.confidence).toBeGreaterThan(0);
  });

  it('exits 2 and says why on a file that is not a trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-diagnose-'));
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"not":"a trace"}\n');
    const { code, err } = await cli(['diagnose', bad]);
    expect(code).toBe(2);
    expect(err).toMatch(/cannot open .*bad\.ndjson/);
  });
});

describe('faultline check --json', () => {
  it('adds the check to the diagnosis object, and a trace without expectations is not a PASS', async () => {
    const { out } = await cli(['check', FIXTURE, '--json']);
    const d = JSON.parse(out);
    expect(d.check).toMatchObject({ result: 'PASS', ok: true });
    expect(d.check.expectations).toHaveLength(4);
    expect(d.verdict.text).toMatch(/^4 expectations; /);
  });

  it('prints "Result: no expectations; …" for a trace without a scenario', async () => {
    const { parseTraceText } = await import('../../../src/shared/trace/parse');
    const { gunzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const trace = parseTraceText(gunzipSync(readFileSync(FIXTURE)).toString('utf8'));
    const dir = mkdtempSync(join(tmpdir(), 'faultline-check-'));
    const path = join(dir, 'bare.ndjson');
    const header = { ...trace.header, scenario: null };
    writeFileSync(path, [header, ...trace.records].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const { code, out } = await cli(['check', path]);
    expect(code).toBe(0);
    expect(out).not.toMatch(/Result: PASS/);
    expect(out.split('\n').pop()).toMatch(
      /^Result: no expectations; \d+ incidents; 1\/1 injected fault explained \(0 violations\)$/,
    );
  });
});
