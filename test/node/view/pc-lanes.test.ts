/**
 * Imported peer connections on the connection-state chart and in the report: one lane per PC with
 * the browser's states (PC state where the dump has it, else ICE), labelled with the PC's id and
 * page, next to the lab's lanes; a lab trace's lanes are unchanged; a dump with states never says
 * "No connection states yet".
 */
import { describe, expect, it } from 'vitest';
import { swimlanesSvg } from '../../../src/app/support/report/svg';
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';
import { STATE_COLORS } from '../../../src/shared/view/charts/labels';
import { buildPcLanes } from '../../../src/shared/view/charts/pc-lanes';
import { OUTCOME_COLORS } from '../../../src/shared/view/charts/reconnects';
import { buildSwimlanes, swimlaneTooltip } from '../../../src/shared/view/charts/swimlanes';
import { TraceIndex } from '../../../src/shared/view/trace-index';

function header(env: Record<string, unknown>): TraceHeader {
  return {
    format: 'faultline-trace',
    version: 1,
    startedAt: '2026-12-05T10:00:00.000Z',
    timeScale: 1,
    app: { name: 'faultline', version: 'test' },
    env,
    config: {},
    scenario: null,
  };
}

function indexOf(h: TraceHeader, records: Array<Record<string, unknown>>): TraceIndex {
  const index = new TraceIndex();
  index.header = h;
  index.ingest(records.map((r, i) => ({ seq: i + 1, ...r }) as TraceRecord));
  return index;
}

const media = (t: number, uid: number, event: string, value: string) => ({
  t,
  uid,
  type: 'media',
  event,
  value,
});
const IMPORTED = header({
  source: 'webrtc-internals',
  peerConnections: {
    '1': { id: '77-1', url: 'https://meet.example.test/room' },
    '2': { id: '77-2', url: null },
  },
});

describe('PC lanes of an imported dump', () => {
  const index = indexOf(IMPORTED, [
    media(100, 1, 'ice-state', 'checking'),
    media(150, 1, 'pc-state', 'connecting'),
    media(300, 1, 'pc-state', 'connected'),
    media(320, 2, 'ice-state', 'checking'),
    media(400, 2, 'ice-state', 'connected'),
    media(4000, 1, 'ice-state', 'disconnected'),
    media(4100, 1, 'pc-state', 'disconnected'),
    media(4100, 1, 'pc-state', 'disconnected'), // repeated: no new segment
    media(9000, 1, 'pc-state', 'failed'),
    media(9500, 2, 'ice-state', 'closed'),
    { t: 9600, uid: null, type: 'log', level: 'info', msg: 'end' },
  ]);

  it('one lane per PC: its PC states where it has them, else its ICE states', () => {
    const lanes = buildPcLanes(index);
    expect(lanes.map((l) => l.label)).toEqual(['PC 77-1 (meet.example.test)', 'PC 77-2']);
    expect(lanes[0]!.segments.map((s) => `${s.state}@${s.startT}-${s.endT ?? 'open'}`)).toEqual([
      'connecting@150-300',
      'connected@300-4100',
      'disconnected@4100-9000',
      'failed@9000-open',
    ]);
    expect(lanes[1]!.segments.map((s) => `${s.source}:${s.state}`)).toEqual([
      'ice-state:checking',
      'ice-state:connected',
      'ice-state:closed',
    ]);
  });

  it('the chart data carries the PC lanes, coloured by meaning, with a summary', () => {
    const data = buildSwimlanes(index, 'current');
    expect(data.lanes).toEqual(['PC 77-1 (meet.example.test)', 'PC 77-2']);
    expect(data.segments.map((s) => `${s.kind}:${s.uid}`)).toEqual(['pc:1', 'pc:2']);
    const colour = (state: string) => data.datasets.find((d) => d.state === state)?.color;
    expect(colour('connected')).toBe(STATE_COLORS.CONNECTED);
    expect(colour('checking')).toBe(STATE_COLORS.CONNECTING);
    expect(colour('disconnected')).toBe(STATE_COLORS.RECONNECTING);
    expect(colour('closed')).toBe(STATE_COLORS.DISCONNECTED);
    expect(colour('failed')).toBe(OUTCOME_COLORS.failure);
    expect(data.datasets.map((d) => d.label)).toContain('PC failed');
    const failed = data.segments[0]!.bars.at(-1)!;
    expect(failed).toMatchObject({
      state: 'failed',
      open: true,
      x: [9000, 9600],
      y: 'PC 77-1 (meet.example.test)',
    });
    expect(swimlaneTooltip(failed, 'current')[0]).toBe(
      'PC 77-1 (meet.example.test) PC failed for 600 ms (still)',
    );
    expect(data.summary).toMatch(
      /^PC 77-1 \(meet\.example\.test\): 4 state changes, now PC failed, 1 interruption/,
    );
    expect(data.summary).not.toMatch(/No connection states/);
  });

  it('the report draws the PC lanes with their states', () => {
    const svg = swimlanesSvg(index, 'current');
    expect(svg).toContain('>PC 77-1 (meet.example.test)</text>');
    expect(svg).toContain('>PC 77-2</text>');
    expect(svg).toContain('<title>PC failed from');
    expect(svg).toContain('<title>PC disconnected from');
    expect(svg).not.toContain('No connection states yet');
  });

  it('a lab trace keeps its lanes: its own ICE and PC records make no PC lanes', () => {
    const lab = indexOf(header({}), [
      { t: 0, uid: 1, type: 'state', from: 'DISCONNECTED', to: 'CONNECTING' },
      { t: 10, uid: 1, type: 'state', from: 'CONNECTING', to: 'CONNECTED' },
      { ...media(20, 1, 'ice-state', 'connected'), pc: 'pub' },
      { ...media(30, 1, 'pc-state', 'connected'), pc: 'pub' },
    ]);
    expect(buildPcLanes(lab)).toEqual([]);
    const data = buildSwimlanes(lab, 'current');
    expect(data.lanes).toEqual(['uid 1']);
    expect(data.datasets.every((d) => d.kind === 'model')).toBe(true);
  });
});
