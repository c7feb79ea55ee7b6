/**
 * Large chrome://webrtc-internals dumps for the import bench and the large-open test: the real
 * Chromium 156 fixture (its two PCs, its getUserMedia section and updateLog) with every stats
 * series stretched to many samples one second apart. Numbers keep their last value's growth,
 * nudged by a seeded generator so no two dumps of different seeds are alike; strings repeat. The
 * file is written series by series, so making it holds one series, never the dump.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { mulberry32 } from '../../src/shared/random';

const FIXTURE = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'imports',
  'webrtc-internals-chromium156.json.gz',
);

type Json = Record<string, unknown>;

interface Fixture {
  rest: Json;
  pcs: Array<[string, Json, Array<[string, Json, unknown[]]>]>;
}

function loadFixture(): Fixture {
  const dump = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as Json;
  const { PeerConnections, ...rest } = dump;
  const pcs = Object.entries(PeerConnections as Record<string, Json>).map(([key, pc]) => {
    const { stats, ...pcRest } = pc as { stats: Record<string, Json> } & Json;
    const series = Object.entries(stats).map(
      ([id, s]) => [id, s, JSON.parse(String(s['values'])) as unknown[]] as [string, Json, unknown[]],
    );
    return [key, pcRest, series] as [string, Json, Array<[string, Json, unknown[]]>];
  });
  return { rest, pcs };
}

/** One series stretched to `n` samples, as its dump member's text. */
function seriesText(id: string, series: Json, values: unknown[], n: number, rand: () => number): string {
  const start = Date.parse(String(series['startTime']));
  const last = values[values.length - 1];
  const step =
    typeof last === 'number' && values.length > 1 ? (last - Number(values[0])) / (values.length - 1) : 0;
  const long: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (i < values.length) long[i] = values[i];
    else if (typeof last !== 'number') long[i] = last;
    else {
      // Counters keep growing; a little seeded noise on each step.
      const grown = last + step * (i - values.length + 1) * (1 + (rand() - 0.5) * 0.01);
      long[i] = Math.round(grown * 1000) / 1000;
    }
  }
  const entry = {
    statsType: series['statsType'],
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + (n - 1) * 1000).toISOString(),
    values: JSON.stringify(long),
  };
  return `${JSON.stringify(id)}:${JSON.stringify(entry)}`;
}

/** Bytes of the stats of every PC at `n` samples per series. */
function statsBytes(fx: Fixture, n: number, seed: number): number {
  const rand = mulberry32(seed);
  let bytes = 0;
  for (const [, , series] of fx.pcs)
    for (const [id, s, values] of series) bytes += seriesText(id, s, values, n, rand).length + 1;
  return bytes;
}

/**
 * Writes a dump of about `targetBytes` (a little more) to `path`, the same bytes for the same
 * seed, and returns its size.
 */
export async function writeWebrtcInternalsDump(path: string, targetBytes: number, seed = 1): Promise<number> {
  const fx = loadFixture();
  // Size grows linearly with the samples: measure at a small count, then aim.
  const probe = 2000;
  const perSample = statsBytes(fx, probe, seed) / probe;
  const samples = Math.max(...fx.pcs.flatMap(([, , series]) => series.map(([, , v]) => v.length)));
  const n = Math.max(samples, Math.ceil((targetBytes / perSample) * 1.01));
  const rand = mulberry32(seed);
  const out = createWriteStream(path);
  const write = (text: string): Promise<void> =>
    new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', () => resolve())));
  await write(`${JSON.stringify(fx.rest).slice(0, -1)},"PeerConnections":{`);
  let firstPc = true;
  for (const [key, pcRest, series] of fx.pcs) {
    await write(
      `${firstPc ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(pcRest).slice(0, -1)},"stats":{`,
    );
    firstPc = false;
    let firstSeries = true;
    for (const [id, s, values] of series) {
      await write(`${firstSeries ? '' : ','}${seriesText(id, s, values, n, rand)}`);
      firstSeries = false;
    }
    await write('}}');
  }
  await write('}}');
  await new Promise<void>((resolve) => out.end(resolve));
  return (await stat(path)).size;
}
