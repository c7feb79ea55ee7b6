/**
 * Import figures: a chrome://webrtc-internals dump of ≥ 200 MB, generated from the shape of the
 * real Chromium 156 fixture (its two PCs, every stats series repeated to many samples), opened
 * the way the app opens it (`openSupportFile`) against the floor of `JSON.parse` of the same
 * file. Each runs in a process of its own so its peak RSS (the kernel's maxRSS) is its own.
 * Run alone: `node --import tsx bench/import-bench.ts [MB]`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { fmt, printTable } from './stats';

const FIXTURE = join(
  import.meta.dirname,
  '..',
  'test',
  'fixtures',
  'imports',
  'webrtc-internals-chromium156.json.gz',
);
const MiB = 1024 * 1024;

/** One measured operation (from its own process). */
interface ImportFigure {
  ms: number;
  maxRssMiB: number;
  records: number | null;
}

type Json = Record<string, unknown>;

/**
 * Writes a dump of about `targetBytes`: the fixture with each stats series stretched to `n`
 * samples one second apart (numbers keep their last value's growth, strings repeat).
 */
async function writeDump(path: string, targetBytes: number): Promise<number> {
  // Escaping inside the JSON-encoded `values` makes the size hard to foretell: one corrected retry.
  const first = await writeDumpOnce(path, targetBytes, 1);
  return first >= targetBytes ? first : writeDumpOnce(path, targetBytes, (targetBytes / first) * 1.02);
}

async function writeDumpOnce(path: string, targetBytes: number, correction: number): Promise<number> {
  const fixture = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as Json;
  const pcs = fixture['PeerConnections'] as Record<string, Json>;
  // Bytes per sample are what the stats series hold; the rest of the dump does not grow.
  const fixtureBytes = Object.values(pcs).reduce((sum, pc) => sum + JSON.stringify(pc['stats']).length, 0);
  const samples = Object.values(pcs).reduce(
    (most, pc) =>
      Math.max(
        most,
        ...Object.values(pc['stats'] as Record<string, Json>).map(
          (s) => JSON.parse(String(s['values'])).length,
        ),
      ),
    1,
  );
  const n = Math.max(samples, Math.ceil((targetBytes / fixtureBytes) * samples * correction));
  const out = createWriteStream(path);
  const write = (text: string): Promise<void> =>
    new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', () => resolve())));
  const { PeerConnections: _pcs, ...rest } = fixture;
  await write(`${JSON.stringify(rest).slice(0, -1)},"PeerConnections":{`);
  let firstPc = true;
  for (const [key, pc] of Object.entries(pcs)) {
    const { stats, ...pcRest } = pc as { stats: Record<string, Json> } & Json;
    await write(
      `${firstPc ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(pcRest).slice(0, -1)},"stats":{`,
    );
    firstPc = false;
    let firstSeries = true;
    for (const [id, series] of Object.entries(stats)) {
      const values = JSON.parse(String(series['values'])) as unknown[];
      const start = Date.parse(String(series['startTime']));
      const last = values[values.length - 1];
      const step =
        typeof last === 'number' && values.length > 1 ? (last - Number(values[0])) / (values.length - 1) : 0;
      const long: unknown[] = new Array(n);
      for (let i = 0; i < n; i++)
        long[i] =
          i < values.length
            ? values[i]
            : typeof last === 'number'
              ? Math.round((last + step * (i - values.length + 1)) * 1000) / 1000
              : last;
      const entry = {
        statsType: series['statsType'],
        startTime: new Date(start).toISOString(),
        endTime: new Date(start + (n - 1) * 1000).toISOString(),
        values: JSON.stringify(long),
      };
      await write(`${firstSeries ? '' : ','}${JSON.stringify(id)}:${JSON.stringify(entry)}`);
      firstSeries = false;
    }
    await write('}}');
  }
  await write('}}');
  await new Promise<void>((resolve) => out.end(resolve));
  return (await stat(path)).size;
}

const self = fileURLToPath(import.meta.url);

function runChild(op: 'import' | 'floor', path: string): Promise<ImportFigure> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--max-old-space-size=16384', '--import', 'tsx', self, '--child', op, path],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`import-bench ${op} exited with ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as ImportFigure);
      } catch (e) {
        reject(new Error(`import-bench ${op} reported no figure: ${(e as Error).message}`));
      }
    });
  });
}

async function child(op: string, path: string): Promise<void> {
  const t0 = performance.now();
  let records: number | null = null;
  if (op === 'floor') JSON.parse(readFileSync(path, 'utf8'));
  else {
    const { openSupportFile } = await import('../src/app/support/open');
    records = (await openSupportFile(path)).records.length;
  }
  const ms = performance.now() - t0;
  const figure: ImportFigure = { ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, records };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/** Prints the import figures for a dump of about `mb` MB (default 200; `quick`: 20). */
export async function benchImport({
  quick = false,
  mb,
}: { quick?: boolean; mb?: number } = {}): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-import-'));
  try {
    const path = join(dir, 'webrtc_internals_dump.json');
    const bytes = await writeDump(path, (mb ?? (quick ? 20 : 200)) * 1e6);
    const floor = await runChild('floor', path);
    let imported: ImportFigure | null = null;
    let failure = '';
    try {
      imported = await runChild('import', path);
    } catch (e) {
      failure = (e as Error).message.slice(0, 200);
    }
    printTable(
      `Import: a ${fmt(bytes / MiB, 0)} MiB webrtc-internals dump (the Chromium 156 fixture's series stretched)`,
      ['operation', 'ms', 'peak RSS MiB', 'records', 'ratio to JSON.parse'],
      [
        ['JSON.parse (the floor)', fmt(floor.ms, 0), fmt(floor.maxRssMiB, 0), '', '1.00'],
        imported
          ? [
              'open (import)',
              fmt(imported.ms, 0),
              fmt(imported.maxRssMiB, 0),
              imported.records ?? '',
              fmt(imported.ms / floor.ms, 2),
            ]
          : ['open (import)', 'failed', '', '', failure],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
  else await benchImport({ mb: Number(process.argv[2] ?? 200) });
}
