/**
 * The dashboard fetches a lab trace's chart records ({@link LAB_CHART_RECORD_TYPES}) first and
 * draws its charts from them: every chart built from an index of only those types (with the whole
 * trace's end) must equal the chart built from the whole trace. A chart that starts reading
 * another record type fails here until the type is added to the list.
 */
import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../../bench/renderer/records';
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';
import { buildAnnotations, CHART_THEMES } from '../../../src/shared/view/charts/annotations';
import { buildLinkStats } from '../../../src/shared/view/charts/link-stats';
import { buildPcLanes } from '../../../src/shared/view/charts/pc-lanes';
import { buildPeerEvents, buildThresholds } from '../../../src/shared/view/charts/peer-events';
import { buildReconnects } from '../../../src/shared/view/charts/reconnects';
import { CHART_RECORD_TYPES, LAB_CHART_RECORD_TYPES } from '../../../src/shared/view/charts/record-types';
import { buildSwimlanes } from '../../../src/shared/view/charts/swimlanes';
import { TraceIndex } from '../../../src/shared/view/trace-index';

/** Every chart's data from one index. */
function charts(index: TraceIndex): unknown {
  return {
    swimlanes: buildSwimlanes(index, 'current'),
    pcLanes: buildPcLanes(index),
    peerEvents: buildPeerEvents(index, 'current'),
    thresholds: buildThresholds(index),
    reconnects: buildReconnects(index),
    rtt: buildLinkStats(index, 'rttMs'),
    loss: buildLinkStats(index, 'lossPct'),
    annotations: buildAnnotations({
      faults: index.faults,
      endT: index.lastT,
      selectedT: null,
      thresholds: buildThresholds(index),
      theme: CHART_THEMES.dark,
    }),
  };
}

function indexOf(records: readonly TraceRecord[], lastT?: number): TraceIndex {
  const index = new TraceIndex();
  index.ingest(records);
  if (lastT !== undefined && lastT > index.lastT) index.lastT = lastT;
  return index;
}

/** A browser dump's trace in miniature: PC and ICE states of two PCs (the PC lanes), logs. */
function importedTrace(): { header: TraceHeader; records: TraceRecord[] } {
  const { header } = generateTrace(1, { recordsPerSec: 200, uids: 1 });
  const media = (t: number, uid: number, event: string, value: string): Record<string, unknown> => ({
    t,
    uid,
    type: 'media',
    event,
    value,
  });
  const raw: Array<Record<string, unknown>> = [
    media(100, 1, 'ice-state', 'checking'),
    media(150, 1, 'pc-state', 'connecting'),
    media(300, 1, 'pc-state', 'connected'),
    media(320, 2, 'ice-state', 'checking'),
    media(400, 2, 'ice-state', 'connected'),
    media(9000, 1, 'pc-state', 'failed'),
  ];
  for (let t = 0; t < 10_000; t += 250)
    raw.push({ t, uid: null, type: 'log', level: 'info', msg: `at ${t}` });
  raw.sort((a, b) => (a.t as number) - (b.t as number));
  return {
    header: {
      ...header,
      env: {
        source: 'webrtc-internals',
        peerConnections: {
          '1': { id: '7-1', url: 'https://meet.example.test/' },
          '2': { id: '7-2', url: null },
        },
      },
    },
    records: raw.map((r, i) => ({ seq: i + 1, ...r }) as TraceRecord),
  };
}

const labTrace = (): { header: TraceHeader; records: TraceRecord[] } =>
  generateTrace(20_000, { recordsPerSec: 200, uids: 3, seed: 5 });

describe('CHART_RECORD_TYPES and LAB_CHART_RECORD_TYPES', () => {
  it.each([
    ['CHART_RECORD_TYPES', 'a lab trace', CHART_RECORD_TYPES, labTrace],
    ['CHART_RECORD_TYPES', 'an imported browser dump', CHART_RECORD_TYPES, importedTrace],
    ['LAB_CHART_RECORD_TYPES', 'a lab trace', LAB_CHART_RECORD_TYPES, labTrace],
  ] as const)(
    '%s are all the charts read in %s: charts from those records alone equal charts from the whole trace',
    (_, __, types, make) => {
      const { header, records } = make();
      const whole = indexOf(records);
      whole.header = header;
      const wanted = new Set<string>(types);
      const some = indexOf(
        records.filter((r) => wanted.has(r.type)),
        whole.lastT,
      );
      some.header = header;
      // The trace has records of other types, and the charts have something to show.
      expect(records.length - some.records.length).toBeGreaterThan(records.length / 4);
      const built = charts(whole) as { swimlanes: { datasets: unknown[] }; pcLanes: unknown[] };
      expect(built.swimlanes.datasets.length + built.pcLanes.length).toBeGreaterThan(0);
      expect(charts(some)).toEqual(charts(whole));
    },
  );

  it('LAB_CHART_RECORD_TYPES leave out what only an imported dump charts: its PC lanes differ', () => {
    const { header, records } = importedTrace();
    const wanted = new Set<string>(LAB_CHART_RECORD_TYPES);
    const some = indexOf(records.filter((r) => wanted.has(r.type)));
    some.header = header;
    const whole = indexOf(records);
    whole.header = header;
    expect(buildPcLanes(whole).length).toBeGreaterThan(0);
    expect(buildPcLanes(some)).toEqual([]);
  });
});
