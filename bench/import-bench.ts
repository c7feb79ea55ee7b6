/**
 * Import figures: a chrome://webrtc-internals dump of ≥ 200 MB, generated from the shape of the
 * real Chromium 156 fixture (its two PCs, every stats series repeated to many samples), opened
 * streamed in the calling thread (`openSupportFile`) and the way the app opens it
 * (`openSupportFileInWorker`, with the caller's event-loop delay meanwhile), against the floor
 * of `JSON.parse` of the same file. Each runs in a process of its own so its peak RSS (the kernel's maxRSS) is its own.
 * Run alone: `node --import tsx bench/import-bench.ts [MB]`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeWebrtcInternalsDump } from '../test/helpers/large-dump';
import { fmt, printTable } from './stats';

const MiB = 1024 * 1024;

/** One measured operation (from its own process). */
interface ImportFigure {
  ms: number;
  maxRssMiB: number;
  records: number | null;
  /** `worker`: the opening worker's sampled peak heap, MiB. */
  workerHeapMiB?: number;
  /** `worker`: the calling thread's event-loop delay while the worker opened the file, ms. */
  loopP99Ms?: number;
  loopMaxMs?: number;
  /** A refused open: its error code. */
  refused?: string;
}

type Op = 'import' | 'worker' | 'floor';

const self = fileURLToPath(import.meta.url);

function runChild(op: Op, path: string): Promise<ImportFigure> {
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
  let figure: Omit<ImportFigure, 'ms' | 'maxRssMiB'> = { records: null };
  if (op === 'floor') JSON.parse(readFileSync(path, 'utf8'));
  else if (op === 'import') {
    const { openSupportFile } = await import('../src/app/support/open');
    figure = { records: (await openSupportFile(path)).records.length };
  } else {
    const { openSupportFileInWorker, SupportOpenError } = await import('../src/app/support/open');
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    try {
      const opened = await openSupportFileInWorker(path);
      figure = { records: opened.records.length, workerHeapMiB: opened.memory.peakHeapBytes / MiB };
    } catch (e) {
      if (!(e instanceof SupportOpenError)) throw e;
      figure = { records: null, refused: e.code };
    }
    loop.disable();
    figure = { ...figure, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 };
  }
  const ms = performance.now() - t0;
  const out: ImportFigure = { ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, ...figure };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Prints the import figures for a dump of about `mb` MB (default 200; `quick`: 20). */
export async function benchImport({
  quick = false,
  mb,
}: { quick?: boolean; mb?: number } = {}): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-import-'));
  try {
    const path = join(dir, 'webrtc_internals_dump.json');
    const bytes = await writeWebrtcInternalsDump(path, (mb ?? (quick ? 20 : 200)) * 1e6);
    const floor = await runChild('floor', path);
    const row = async (label: string, op: Op): Promise<Array<string | number>> => {
      let f: ImportFigure;
      try {
        f = await runChild(op, path);
      } catch (e) {
        return [label, 'failed', '', '', '', '', (e as Error).message.slice(0, 160)];
      }
      const loop = f.loopP99Ms === undefined ? '' : `${fmt(f.loopP99Ms, 1)} / ${fmt(f.loopMaxMs!, 1)}`;
      return [
        label,
        fmt(f.ms, 0),
        fmt(f.maxRssMiB, 0),
        f.workerHeapMiB === undefined ? '' : fmt(f.workerHeapMiB, 0),
        f.refused ?? f.records ?? '',
        loop,
        fmt(f.ms / floor.ms, 2),
      ];
    };
    printTable(
      `Import: a ${fmt(bytes / MiB, 0)} MiB webrtc-internals dump (the Chromium 156 fixture's series stretched)`,
      [
        'operation',
        'ms',
        'peak RSS MiB',
        'worker heap MiB',
        'records',
        'caller loop p99 / max ms',
        'ratio to JSON.parse',
      ],
      [
        ['JSON.parse (the floor)', fmt(floor.ms, 0), fmt(floor.maxRssMiB, 0), '', '', '', '1.00'],
        await row('open, streamed in the thread', 'import'),
        await row('open in the worker (as the app does)', 'worker'),
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
