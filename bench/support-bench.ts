/**
 * Support figures: exporting a big trace as a bundle (redaction on and off), opening that bundle
 * again, next to the floor — just gunzipping the bundle's trace member and JSON.parse-ing its
 * lines — and exporting a trace longer than the recorder's ring, streamed from its rotated
 * journal. Each operation runs in a child process of its own (`support-child.ts`) that reports
 * its kernel peak RSS, so synchronous compression cannot hide the peak. Time, peak RSS, bundle
 * size and compression. Run alone: `node --import tsx bench/support-bench.ts [N]`.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChildFigure } from './support-child';
import { fmt, printTable } from './stats';
import { addSummaryRow, ms } from './summary';

/** One measured operation. */
export interface SupportFigure extends ChildFigure {
  op: string;
}

/** All figures of one run. */
export interface SupportFigures {
  records: number;
  plainBytes: number;
  figures: SupportFigure[];
  /** import ÷ floor, by redaction setting of the bundle opened. */
  ratios: Array<{ op: string; ratio: number }>;
}

const MiB = 1024 * 1024;
const child = fileURLToPath(new URL('./support-child.ts', import.meta.url));

/** Runs one operation in a child process (node --import tsx) and returns what it reports. */
function inChild(op: string, n: number, path: string): Promise<ChildFigure> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', child, op, String(n), path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`support-child ${op} exited with ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildFigure);
      } catch (e) {
        reject(new Error(`support-child ${op} reported no figure: ${(e as Error).message} ${err.trim()}`));
      }
    });
  });
}

/** Measures export, import, the gunzip + JSON.parse floor and the journal export for `n` records. */
export async function measureSupport(n: number): Promise<SupportFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-support-'));
  try {
    const figures: SupportFigure[] = [];
    const ratios: SupportFigures['ratios'] = [];
    let plainBytes = 0;
    const gzipFloor = await inChild('gzip-floor', n, join(dir, 'unused'));
    figures.push({ op: 'floor: gzip -6 of the NDJSON (export)', ...gzipFloor });
    for (const redact of [true, false]) {
      const label = redact ? 'redacted' : 'not redacted';
      const path = join(dir, `bundle-${redact ? 'r' : 'p'}.zip`);
      const exp = await inChild(redact ? 'export-redacted' : 'export-plain', n, path);
      plainBytes = exp.plainBytes;
      figures.push({ op: `export (${label})`, ...exp });
      ratios.push({ op: `export ÷ gzip floor (${label})`, ratio: exp.ms / gzipFloor.ms });
      const imp = await inChild('import', n, path);
      figures.push({ op: `import (${label})`, ...imp });
      const floor = await inChild('floor', n, path);
      figures.push({ op: `floor: gunzip + JSON.parse (${label})`, ...floor });
      ratios.push({ op: `import ÷ floor (${label})`, ratio: imp.ms / floor.ms });
    }
    const journalDir = join(dir, 'journal');
    await mkdir(journalDir);
    const long = await inChild('journal-export', n, journalDir);
    figures.push({ op: 'export from the journal (ring ¼, ndjson.gz; t re-stamped)', ...long });
    return { records: n, plainBytes, figures, ratios };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function print(result: SupportFigures): void {
  printTable(
    `Support bundle: ${result.records.toLocaleString('en')} records (plain ndjson ${fmt(result.plainBytes / MiB, 1)} MiB)`,
    [
      'operation',
      'ms',
      'records/s',
      'peak RSS MiB',
      'sampled MiB',
      'RSS before',
      'heap +MiB',
      'output MiB',
      'compression',
    ],
    result.figures.map((f) => [
      f.op,
      fmt(f.ms, 0),
      fmt(result.records / (f.ms / 1000), 0),
      fmt(f.maxRssMiB, 0),
      fmt(f.sampledRssMiB, 0),
      fmt(f.startRssMiB, 0),
      fmt(f.heapGrowthMiB, 0),
      f.bytes === null ? '' : fmt(f.bytes / MiB, 2),
      f.bytes === null ? '' : `${fmt(result.plainBytes / f.bytes, 1)}×`,
    ]),
  );
  for (const r of result.ratios) console.log(`  ${r.op}: ${fmt(r.ratio, 2)}×`);
  console.log(
    "  (each operation in its own process: peak RSS is the kernel's maxRSS of that process, input included;" +
      ' "sampled" is a 10 ms sampler, blind to synchronous stretches)',
  );
}

/** Adds the import and export rows (redacted bundle, the app's default) to the run's summary. */
function summarize(result: SupportFigures): void {
  const by = (op: string): SupportFigure => result.figures.find((f) => f.op === op)!;
  const rawMiB = result.plainBytes / MiB;
  const n = result.records.toLocaleString('en');
  const rows: Array<[string, SupportFigure, SupportFigure, number]> = [
    [
      `import ${n} records (bundle, redacted)`,
      by('import (redacted)'),
      by('floor: gunzip + JSON.parse (redacted)'),
      1.3,
    ],
    [
      `export a ${n}-record bundle (redacted)`,
      by('export (redacted)'),
      by('floor: gzip -6 of the NDJSON (export)'),
      1.5,
    ],
  ];
  for (const [figure, now, floor, goal] of rows) {
    const ratio = now.ms / floor.ms;
    const rssRatio = now.maxRssMiB / rawMiB;
    addSummaryRow({
      figure,
      now: `${ms(now.ms)}, peak RSS ${fmt(now.maxRssMiB, 0)} MiB (${fmt(rssRatio, 2)}× raw)`,
      floor: `${ms(floor.ms)} (${floor.op.replace('floor: ', '')}); raw ${fmt(rawMiB, 0)} MiB`,
      ratio,
      goal: `≤ ${goal}× floor; peak RSS ≤ 2× raw`,
      met: ratio <= goal && rssRatio <= 2,
    });
  }
}

/** Prints the support figures; `quick` uses 100 000 records instead of 1 000 000. */
export async function benchSupport({ quick = false }: { quick?: boolean } = {}): Promise<void> {
  const result = await measureSupport(quick ? 100_000 : 1_000_000);
  print(result);
  summarize(result);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  print(await measureSupport(Number(process.argv[2] ?? 1_000_000)));
}
