/**
 * Property test of redaction (issue 11 #5): every class of leak the outside review found is
 * planted, 40 times each, at seeded random places of a real lab trace (field values, object keys,
 * free text, nested `raw` stats, log messages, the scenario, app log lines). None of them may
 * survive in any decompressed member of a redacted bundle, while an unredacted bundle of the same
 * trace still holds every one (so the plants really reach the members).
 */
import { describe, expect, it } from 'vitest';
import { BUNDLE_FILES, buildBundle } from '../../../src/app/support/bundle';
import { renderReport } from '../../../src/app/support/report/render';
import { mulberry32 } from '../../../src/shared/random';
import { loadLabRun } from '../../helpers/lab-runs';
import { unzipText } from './helpers';
import { makePlants, plantTrace, PLANT_CLASSES, POSITIONS, type Plant } from './plants';

const PER_CLASS = 40;
const SEED = 20_260_511;

/** Each plant with a needle left in some member, as "class at position: needle in member". */
function survivors(plants: readonly Plant[], files: Record<string, string>): string[] {
  const out: string[] = [];
  for (const plant of plants) {
    const found = Object.entries(files).flatMap(([name, text]) =>
      plant.needles.filter((needle) => text.includes(needle)).map((needle) => `"${needle}" in ${name}`),
    );
    if (found.length > 0) out.push(`${plant.cls} at ${plant.position}: ${found.join(', ')}`);
  }
  return out;
}

describe('redaction of planted identifiers in a real lab trace', () => {
  it(`lets none of ${Object.keys(PLANT_CLASSES).length} classes × ${PER_CLASS} plants survive in any member`, async () => {
    const rng = mulberry32(SEED);
    const source = loadLabRun('turn-udp-fallback');
    const plants = makePlants(rng, PER_CLASS);
    expect(new Set(plants.map((p) => p.position))).toEqual(new Set(POSITIONS));
    const planted = plantTrace(rng, source, plants);
    const input = { ...planted, renderReport, environment: { bench: false } };

    const plain = unzipText((await buildBundle({ ...input, options: { redact: false } })).zip);
    const original = JSON.stringify(source);
    for (const plant of plants)
      for (const needle of plant.needles) {
        expect(original, 'a needle occurs in the trace before planting').not.toContain(needle);
        const where = plant.position === 'app-log' ? plain[BUNDLE_FILES.appLog]! : plain[BUNDLE_FILES.trace]!;
        expect(where, `${plant.cls} at ${plant.position} reached the unredacted bundle`).toContain(needle);
      }

    const built = await buildBundle(input);
    const files = unzipText(built.zip);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(Object.values(BUNDLE_FILES)));
    expect(built.manifest.warnings).toEqual([]);
    const left = survivors(plants, files);
    const byClass = Object.fromEntries(
      Object.keys(PLANT_CLASSES).map((cls) => [cls, left.filter((l) => l.startsWith(`${cls} at`)).length]),
    );
    expect({ planted: plants.length, survived: left.length, byClass, examples: left.slice(0, 12) }).toEqual({
      planted: plants.length,
      survived: 0,
      byClass: Object.fromEntries(Object.keys(PLANT_CLASSES).map((cls) => [cls, 0])),
      examples: [],
    });
  }, 60_000);
});
