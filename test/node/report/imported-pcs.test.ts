/**
 * The HTML report of a trace imported from a browser dump draws the connection-state lanes of its
 * peer connections as the dashboard does: one lane per PC, labelled with its id and page host,
 * its browser states as bars coloured by meaning, never "No connection states yet"; PC ids and
 * page addresses from the dump stay text.
 */
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/app/support/report/render';
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';
import { STATE_COLORS } from '../../../src/shared/view/charts/labels';

function imported(peerConnections: Record<string, unknown>): TraceHeader {
  return {
    format: 'faultline-trace',
    version: 1,
    startedAt: '2026-12-05T10:00:00.000Z',
    timeScale: 1,
    app: { name: 'faultline', version: 'test' },
    env: { source: 'webrtc-internals', peerConnections },
    config: {},
    scenario: null,
  };
}

/** Media records of the browser's states, numbered in order. */
function states(list: Array<[t: number, uid: number, event: string, value: string]>): TraceRecord[] {
  return list.map(
    ([t, uid, event, value], i) => ({ seq: i + 1, t, uid, type: 'media', event, value }) as TraceRecord,
  );
}

/** The report's connection-states section, from its heading to the next one. */
function connectionSection(html: string): string {
  const start = html.indexOf('<h2>Connection states</h2>');
  expect(start).toBeGreaterThan(-1);
  const end = html.indexOf('<h2>', start + 1);
  return html.slice(start, end === -1 ? undefined : end);
}

describe('report of an imported dump', () => {
  const header = imported({ '1': { id: '4242-1', url: 'https://call.example.test/room/7' } });
  const records = states([
    [100, 1, 'ice-state', 'checking'],
    [120, 1, 'pc-state', 'connecting'],
    [400, 1, 'pc-state', 'connected'],
    [5000, 1, 'pc-state', 'disconnected'],
    [8000, 1, 'pc-state', 'connected'],
    [9000, 1, 'signaling-state', 'stable'],
  ]);

  it('draws the PC lane with its states, in the palette of the lab states they mean', () => {
    const section = connectionSection(renderReport(header, records, { now: () => new Date(0) }));
    expect(section).toContain('>PC 4242-1 (call.example.test)</text>');
    const titles = [...section.matchAll(/<title>(PC \w+) from/g)].map((m) => m[1]);
    expect(titles).toEqual(['PC connecting', 'PC connected', 'PC disconnected', 'PC connected']);
    const fillOf = (state: string): string | undefined =>
      new RegExp(`fill="([^"]+)"><title>PC ${state} from`).exec(section)?.[1];
    expect(fillOf('connected')).toBe(STATE_COLORS.CONNECTED);
    expect(fillOf('disconnected')).toBe(STATE_COLORS.RECONNECTING);
    expect(section).toMatch(/PC 4242-1 \(call\.example\.test\): 4 state changes, now PC connected/);
    expect(section).not.toContain('No connection states yet');
  });

  it('keeps a hostile PC id and page address as text, and skips a PC whose dump has no states', () => {
    const hostile = imported({
      '1': { id: '<img src=x onerror=alert(1)>', url: 'javascript:alert(1)' },
      '2': { id: 'quiet', url: null },
    });
    const html = renderReport(hostile, states([[10, 1, 'pc-state', 'failed']]), {
      now: () => new Date(0),
    });
    const section = connectionSection(html);
    expect(section).not.toContain('<img');
    expect(section).toContain('>PC &lt;img src=x onerror=alert(1)&gt;</text>');
    expect(section).toContain('<title>PC failed from');
    expect(section).not.toContain('PC quiet');
  });
});
