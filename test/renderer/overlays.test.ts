/**
 * The chart overlays as drawn: bands shaded under the data and clipped to the plot area, lines
 * over it, labels at the band start (kept in view when the band starts left of it) and left out
 * where they would cover the previous one, nothing drawn for what lies outside the view.
 */
import { describe, expect, it } from 'vitest';
import {
  drawBands,
  drawLines,
  overlaysOn,
  setOverlays,
  type OverlayContext,
  type OverlayFrame,
} from '../../src/renderer/src/charts/overlays';
import type { BandOverlay, LineOverlay } from '../../src/shared/view/charts/annotations';

type Call = [string, ...unknown[]];

/** A 2D context that records the calls and style settings the overlays make. */
function recorder(): { ctx: OverlayContext; calls: Call[] } {
  const calls: Call[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]): void => {
      calls.push([name, ...args]);
    };
  const ctx = {
    save: record('save'),
    restore: record('restore'),
    beginPath: record('beginPath'),
    rect: record('rect'),
    clip: record('clip'),
    moveTo: record('moveTo'),
    lineTo: record('lineTo'),
    stroke: record('stroke'),
    fillRect: record('fillRect'),
    strokeRect: record('strokeRect'),
    fillText: record('fillText'),
    setLineDash: record('setLineDash'),
    // 5 px per character, like a narrow font.
    measureText: (text: string) => ({ width: text.length * 5 }) as TextMetrics,
  } as Record<string, unknown>;
  for (const key of ['fillStyle', 'strokeStyle', 'lineWidth', 'font', 'textBaseline'])
    Object.defineProperty(ctx, key, { set: (v: unknown) => calls.push([`${key}=`, v]) });
  return { ctx: ctx as unknown as OverlayContext, calls };
}

// Plot area 100..500 px wide, 20..220 px high; 1 px per 10 ms, t = 0 at x = 100.
const frame: OverlayFrame = {
  area: { left: 100, right: 500, top: 20, bottom: 220 },
  toPixel: (t) => 100 + t / 10,
  fontFamily: 'test-font',
};

function band(xMin: number, xMax: number, extra: Partial<BandOverlay> = {}): BandOverlay {
  return { kind: 'band', xMin, xMax, fill: 'red', stroke: 'darkred', strokeWidth: 1, ...extra };
}

const named = (calls: Call[], name: string): Call[] => calls.filter((c) => c[0] === name);

describe('bands', () => {
  it('shade their span across the plot height, clipped to the plot area, outlined when asked', () => {
    const { ctx, calls } = recorder();
    drawBands(ctx, frame, [band(1000, 2000), band(-500, 300, { strokeWidth: 0 }), band(5000, 6000)]);
    expect(named(calls, 'rect')).toEqual([['rect', 100, 20, 400, 200]]);
    expect(named(calls, 'clip')).toHaveLength(1);
    // The one that starts left of the view is cut at its left edge; the one right of it is skipped.
    expect(named(calls, 'fillRect')).toEqual([
      ['fillRect', 100, 20, 30, 200],
      ['fillRect', 200, 20, 100, 200],
    ]);
    expect(named(calls, 'strokeRect')).toEqual([['strokeRect', 200, 20, 100, 200]]);
    expect(calls.at(-1)).toEqual(['restore']);
  });

  it('label at their start (kept in view), on their own row, skipping labels that would overlap', () => {
    const { ctx, calls } = recorder();
    const label = (text: string, at: 'top' | 'bottom') => ({ text, color: 'white', size: 10, at });
    drawBands(ctx, frame, [
      band(-500, 300, { label: label('cut', 'top') }),
      // 'cut' ends at 103 + 15 + 6 px: a label starting at 113 px would cover it.
      band(100, 900, { label: label('hidden', 'top') }),
      band(2000, 2500, { label: label('far', 'top') }),
      band(120, 900, { label: label('low', 'bottom') }),
    ]);
    expect(named(calls, 'fillText')).toEqual([
      ['fillText', 'cut', 103, 23],
      ['fillText', 'low', 115, 217],
      ['fillText', 'far', 303, 23],
    ]);
    expect(named(calls, 'font=')[0]).toEqual(['font=', '10px test-font']);
  });

  it('draw nothing, and touch nothing, when none reaches into the view', () => {
    const { ctx, calls } = recorder();
    drawBands(ctx, frame, [band(-3000, -2000), band(4100, 5000), band(2000, 1000)]);
    expect(calls).toEqual([]);
  });
});

describe('lines', () => {
  const line = (x: number, extra: Partial<LineOverlay> = {}): LineOverlay => ({
    kind: 'line',
    x,
    stroke: 'orange',
    width: 1,
    ...extra,
  });

  it('run from top to bottom at their moment, dashed when asked, labelled right of the line on the second row', () => {
    const { ctx, calls } = recorder();
    drawLines(ctx, frame, [
      line(2000, { dash: [6, 4], label: { text: 'due', color: 'white', size: 10, at: 'bottom' } }),
      line(-10),
      line(1000, { width: 2 }),
    ]);
    expect(named(calls, 'moveTo')).toEqual([
      ['moveTo', 200, 20],
      ['moveTo', 300, 20],
    ]);
    expect(named(calls, 'lineTo')).toEqual([
      ['lineTo', 200, 220],
      ['lineTo', 300, 220],
    ]);
    expect(named(calls, 'setLineDash')).toEqual([
      ['setLineDash', []],
      ['setLineDash', [6, 4]],
      ['setLineDash', []],
    ]);
    // One row (10 px text and 3 px gaps) above the band labels at the bottom.
    expect(named(calls, 'fillText')).toEqual([['fillText', 'due', 303, 204]]);
    expect(named(calls, 'textBaseline=')).toEqual([['textBaseline=', 'bottom']]);
  });
});

describe('the overlays kept per canvas', () => {
  it('are read back by id, and replaced as a whole', () => {
    const canvas = document.createElement('canvas');
    expect(overlaysOn(canvas)).toEqual({});
    setOverlays(canvas, { 'fault-f1': band(0, 10), selected: line0() });
    expect(Object.keys(overlaysOn(canvas))).toEqual(['fault-f1', 'selected']);
    setOverlays(canvas, {});
    expect(overlaysOn(canvas)).toEqual({});
  });
});

function line0(): LineOverlay {
  return { kind: 'line', x: 0, stroke: 'white', width: 2 };
}
