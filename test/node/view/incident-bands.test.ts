/** Diagnosed incidents as chart bands: one box per incident, open ones to the trace end, capped. */
import { describe, expect, it } from 'vitest';
import { CHART_THEMES, incidentBands, MAX_INCIDENT_BANDS } from '../../../src/shared/view/charts/annotations';

describe('incidentBands', () => {
  const theme = CHART_THEMES.dark;

  it('one labelled box per incident behind the data; an open one reaches the end; the active one is outlined', () => {
    const bands = incidentBands(
      [
        { id: 'i1', kind: 'interruption', startT: 1000, endT: 4000 },
        { id: 'i2', kind: 'loss-burst', startT: 6000, endT: null },
      ],
      9000,
      theme,
      'i2',
    );
    expect(Object.keys(bands)).toEqual(['incident-i1', 'incident-i2']);
    expect(bands['incident-i1']).toMatchObject({ kind: 'band', xMin: 1000, xMax: 4000, strokeWidth: 0 });
    expect(bands['incident-i2']).toMatchObject({ xMin: 6000, xMax: 9000, strokeWidth: 2 });
    expect(bands['incident-i1']!.label).toMatchObject({ text: 'i1 interruption', at: 'bottom' });
  });

  it(`draws at most ${MAX_INCIDENT_BANDS}`, () => {
    const many = Array.from({ length: MAX_INCIDENT_BANDS + 50 }, (_, k) => ({
      id: `i${k + 1}`,
      kind: 'rtt-spike',
      startT: k * 10,
      endT: k * 10 + 5,
    }));
    expect(Object.keys(incidentBands(many, 10_000, theme))).toHaveLength(MAX_INCIDENT_BANDS);
  });
});
