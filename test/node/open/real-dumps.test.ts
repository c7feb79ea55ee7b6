/**
 * The dumps Debian Chromium 156 wrote of a real two-PC call whose TURN server was stopped and
 * resumed (made by test/e2e/import-real-dumps.test.ts; see test/fixtures/imports/README.md), read
 * without a browser: the same facts the end-to-end test checks, so an importer change that breaks
 * real dumps fails here in milliseconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { diagnoseTrace, MATCH_TOLERANCE_MS } from '../../../src/shared/diagnose';
import { importRtcstats, importWebrtcInternals, type ImportResult } from '../../../src/shared/support/import';
import { buildSwimlanes } from '../../../src/shared/view/charts/swimlanes';
import { TraceIndex } from '../../../src/shared/view/trace-index';
import { receivedAround, stateOffsets, STATE_TOLERANCE_MS, type CallNotes } from '../../helpers/real-dumps';

const dir = join(__dirname, '..', '..', 'fixtures', 'imports');
const read = (name: string): string => gunzipSync(readFileSync(join(dir, name))).toString('utf8');
const notes = JSON.parse(readFileSync(join(dir, 'chromium156-call.json'), 'utf8')) as CallNotes;

describe.each([
  ['webrtc-internals', () => importWebrtcInternals(JSON.parse(read('webrtc-internals-chromium156.json.gz')))],
  ['rtcstats', () => importRtcstats(read('rtcstats-chromium156.txt.gz'))],
])('Chromium 156 %s dump (fixture)', (source, load) => {
  const r: ImportResult = load();

  it('reads without warnings: both PCs, the user agent or format, the getUserMedia call', () => {
    expect(r.warnings).toEqual([]);
    expect(r.header.env['source']).toBe(source);
    expect(Object.keys(r.header.env['peerConnections'] as object)).toEqual(['1', '2']);
    const gum = r.records.filter(
      (x) => x.type === 'log' && x.uid === null && x.event?.startsWith('getUserMedia'),
    );
    expect(gum.length).toBeGreaterThan(0);
  });

  it('places every state change the page saw within 50 ms of when it saw it', () => {
    const { offsets, missing } = stateOffsets(r, notes.seen);
    expect(missing).toEqual([]);
    expect(offsets.length).toBe(notes.seen.length);
    for (const o of offsets) expect(Math.abs(o)).toBeLessThanOrEqual(STATE_TOLERANCE_MS);
  });

  it('stats: packets before the cut, none received inside it, about a second apart', () => {
    const callee = receivedAround(r, 2, notes);
    expect(callee.before).toBeGreaterThan(100);
    expect(callee.samplesDuring).toBeGreaterThan(0);
    expect(callee.during).toBe(0);
    const intervals = r.records.flatMap((x) => (x.type === 'stats' && x.intervalMs ? [x.intervalMs] : []));
    expect(intervals.length).toBeGreaterThan(10);
  });

  it('charts one lane per PC with disconnected between connected, and diagnoses the cut', () => {
    const index = new TraceIndex();
    index.header = r.header;
    index.ingest(r.records);
    const lanes = buildSwimlanes(index, 'current');
    expect(lanes.segments.map((s) => s.kind)).toEqual(['pc', 'pc']);
    for (const lane of lanes.segments) {
      const states = lane.bars.map((b) => b.state);
      const down = states.indexOf('disconnected');
      expect(down, states.join(' → ')).toBeGreaterThan(0);
      expect(states.slice(down)).toContain('connected');
    }
    const d = diagnoseTrace(r);
    const cut = d.incidents.find((i) => i.subject === 2 && i.kind === 'interruption');
    expect(cut, d.incidents.map((i) => i.summary).join('\n')).toBeDefined();
    expect(Math.abs(Date.parse(r.header.startedAt) + cut!.start - notes.cutAt)).toBeLessThanOrEqual(
      MATCH_TOLERANCE_MS,
    );
  });
});
