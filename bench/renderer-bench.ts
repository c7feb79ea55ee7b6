/**
 * Renderer figures, measured in real Chromium (Debian /usr/bin/chromium, headless) on the built
 * dashboard (out/renderer) served by the real browser-mode server over canned answers:
 * - live ingest: main-thread long tasks, frame intervals and records shown while 2,000 records
 *   a second arrive in ~100 ms batches, against the same page idle just before;
 * - first chart: from navigation (and from the snapshot's arrival) until the connection-state
 *   chart shows a 200,000-record trace, against a plain JSON.parse of the same frame in the
 *   same page; the JS heap after load.
 * `benchRenderer()` prints them. Run alone: `node --import tsx bench/renderer-bench.ts [--quick]`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../test/e2e/helpers/chromium';
import { ensureRendererBuilt, RENDERER_OUT } from './renderer/build';
import { generateTrace, RecordGenerator } from './renderer/records';
import { startBenchServer } from './renderer/server';
import { fmt, percentile, printTable } from './stats';

const PROBES = join(import.meta.dirname, 'renderer', 'page-probes.js');
const MiB = 1024 * 1024;

/** Main-thread figures of one window of page time. */
export interface PageWindow {
  ms: number;
  /** Share of the window the renderer's main thread spent in tasks (CDP TaskDuration). */
  busyPct: number;
  longTasks: number;
  longTaskTotalMs: number;
  longTaskMaxMs: number;
  frames: number;
  frameP50Ms: number;
  frameP95Ms: number;
  frameMaxMs: number;
}

/** Figures of the live-ingest run. */
export interface IngestFigures {
  recordsPerSec: number;
  seconds: number;
  sent: number;
  batches: number;
  /** Records the page showed (event log count) when the last batch left. */
  shownAtEnd: number;
  /** Records shown once the page caught up (or after 5 s). */
  shownAfter: number;
  /** The page, idle, just before the stream. */
  idle: PageWindow;
  /** The page while the stream ran. */
  streaming: PageWindow;
  heapMiB: number;
}

/** Figures of one first-chart run. */
export interface FirstChartFigures {
  records: number;
  /** Size of the snapshot's wire frame. */
  frameMiB: number;
  navToSnapshotMs: number;
  snapshotToChartMs: number;
  navToChartMs: number;
  /** JSON.parse of the same frame text in the same page, once it was idle. */
  parseMs: number;
  /** Records the event log counts. */
  shown: number;
  heapMiB: number;
}

/** What the page probes (renderer/page-probes.js) collected so far. */
export interface ProbeDump {
  now: number;
  longTasks: Array<{ start: number; duration: number }>;
  frames: Array<[number, number]>;
  messages: Array<[number, number]>;
  firstChartAt: number | null;
}

const DUMP = `(() => {
  const p = window.__faultlineBench;
  return { now: performance.now(), longTasks: p.longTasks, frames: p.frames, messages: p.messages, firstChartAt: p.firstChartAt };
})()`;

/** What the probes collected so far, with the page's `performance.now()`. */
export async function readProbes(page: Page): Promise<ProbeDump> {
  return (await page.evaluate(DUMP)) as ProbeDump;
}

/** A page with the probes installed, at `url`. */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript({ path: PROBES });
  await page.goto(url, { waitUntil: 'commit' });
  return page;
}

/** The trace store's record count, as the event log prints it ("N of M records"). */
async function shownCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('log-count').textContent()) ?? '';
  const match = /of (\d+) records/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** The page's JS heap after a full collection (CDP, the page's own isolate). */
async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / MiB;
}

/** Seconds the page's main thread has spent in tasks so far (needs `Performance.enable`). */
async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN;
}

function pageWindow(dump: ProbeDump, from: number, to: number, busySeconds: number): PageWindow {
  const tasks = dump.longTasks.filter((t) => t.start >= from && t.start < to);
  const deltas = dump.frames.filter(([at]) => at >= from && at < to).map(([, d]) => d);
  return {
    ms: to - from,
    busyPct: (100 * busySeconds * 1000) / (to - from),
    longTasks: tasks.length,
    longTaskTotalMs: tasks.reduce((sum, t) => sum + t.duration, 0),
    longTaskMaxMs: tasks.reduce((max, t) => Math.max(max, t.duration), 0),
    frames: deltas.length,
    frameP50Ms: percentile(deltas, 50),
    frameP95Ms: percentile(deltas, 95),
    frameMaxMs: deltas.length ? Math.max(...deltas) : Number.NaN,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Streams `recordsPerSec` for `seconds` into a dashboard that starts from an empty trace. */
export async function measureIngest(
  context: BrowserContext,
  {
    recordsPerSec,
    seconds,
    idleSeconds = 3,
  }: { recordsPerSec: number; seconds: number; idleSeconds?: number },
): Promise<IngestFigures> {
  const generator = new RecordGenerator({ recordsPerSec, uids: 3, seed: 7 });
  const server = await startBenchServer({
    root: RENDERER_OUT,
    snapshot: { header: generator.header, records: [] },
  });
  const page = await openPage(context, server.url);
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    await page.locator('[data-testid="connection-status"][data-state="open"]').waitFor({ timeout: 30_000 });
    for (const deadline = performance.now() + 30_000; server.snapshotCalls() === 0; await sleep(50))
      if (performance.now() > deadline) throw new Error('the page never asked for the trace snapshot');
    await sleep(500);
    const idleFrom = await readProbes(page);
    const idleBusy = await taskSeconds(cdp);
    await sleep(idleSeconds * 1000);
    const from = (await readProbes(page)).now;
    const busy = await taskSeconds(cdp);
    const sent = await server.stream({
      generator,
      durationMs: seconds * 1000,
      maxRecords: recordsPerSec * seconds,
    });
    const shownAtEnd = await shownCount(page);
    const end = await readProbes(page);
    const endBusy = await taskSeconds(cdp);
    const waitUntil = performance.now() + 5000;
    let shownAfter = shownAtEnd;
    while (shownAfter < sent.records && performance.now() < waitUntil) {
      await sleep(100);
      shownAfter = await shownCount(page);
    }
    return {
      recordsPerSec,
      seconds,
      sent: sent.records,
      batches: sent.batches,
      shownAtEnd,
      shownAfter,
      idle: pageWindow(end, idleFrom.now, from, busy - idleBusy),
      streaming: pageWindow(end, from, end.now, endBusy - busy),
      heapMiB: await heapAfterGc(cdp),
    };
  } finally {
    await cdp.detach();
    await page.close();
    await server.dispose();
  }
}

/** Loads a `records`-record trace as the snapshot, `runs` times, each in a fresh page. */
export async function measureFirstChart(
  context: BrowserContext,
  { records, runs }: { records: number; runs: number },
): Promise<FirstChartFigures[]> {
  const snapshot = generateTrace(records, { recordsPerSec: 500, uids: 3, seed: 11 });
  const server = await startBenchServer({ root: RENDERER_OUT, snapshot });
  const out: FirstChartFigures[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const page = await openPage(context, server.url);
      try {
        // Polled with evaluate (CDP): waitForFunction evaluates a string in the page, which its
        // CSP (no 'unsafe-eval') refuses.
        const deadline = performance.now() + 180_000;
        while ((await page.evaluate('window.__faultlineBench.firstChartAt')) === null) {
          if (performance.now() > deadline) throw new Error('no chart within 180 s');
          await sleep(100);
        }
        const dump = await readProbes(page);
        const [deliveredAt, chars] = dump.messages.reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0]);
        await sleep(1000);
        const parse = (await page.evaluate(`(() => {
          const p = window.__faultlineBench;
          const t0 = performance.now();
          const frame = JSON.parse(p.largest);
          const ms = performance.now() - t0;
          p.largest = null;
          return { ms, records: frame.value.records.length };
        })()`)) as { ms: number; records: number };
        if (parse.records !== records) throw new Error(`the largest frame held ${parse.records} records`);
        out.push({
          records,
          frameMiB: chars / MiB,
          navToSnapshotMs: deliveredAt,
          snapshotToChartMs: dump.firstChartAt! - deliveredAt,
          navToChartMs: dump.firstChartAt!,
          parseMs: parse.ms,
          shown: await shownCount(page),
          heapMiB: await heapAfterGc(await context.newCDPSession(page)),
        });
      } finally {
        await page.close();
      }
    }
  } finally {
    await server.dispose();
  }
  return out;
}

function windowRow(name: string, w: PageWindow, shown: string, idle?: PageWindow): Array<string | number> {
  return [
    name,
    fmt(w.ms / 1000, 1),
    shown,
    fmt(w.busyPct, 1),
    w.longTasks,
    fmt(w.longTaskTotalMs, 0),
    fmt(w.longTaskMaxMs, 0),
    fmt(w.frameP50Ms, 1),
    fmt(w.frameP95Ms, 1),
    fmt(w.frameMaxMs, 0),
    idle ? `${fmt(w.frameP95Ms / idle.frameP95Ms, 2)}×` : '',
  ];
}

function streamingRow(f: IngestFigures): Array<string | number> {
  return windowRow(
    `${f.recordsPerSec.toLocaleString('en')}/s`,
    f.streaming,
    `${f.shownAtEnd} at end, ${f.shownAfter} after / ${f.sent} sent`,
    f.idle,
  );
}

/**
 * Prints the renderer figures. `quick` streams 2,000 records/s for 10 s (not 30) and loads the
 * big trace once (not 3 times); the full run also streams 10,000 records/s for 10 s (headroom).
 */
export async function benchRenderer({ quick = false }: { quick?: boolean } = {}): Promise<void> {
  ensureRendererBuilt();
  const browser = await launchChromium();
  try {
    const version = browser.context.browser()?.version() ?? 'unknown version';
    const ingest = await measureIngest(browser.context, { recordsPerSec: 2000, seconds: quick ? 10 : 30 });
    const headroom = quick
      ? null
      : await measureIngest(browser.context, { recordsPerSec: 10_000, seconds: 10, idleSeconds: 1 });
    printTable(
      `Renderer in Chromium (${version}): live ingest in ~100 ms batches (${ingest.batches} batches at 2,000/s)`,
      [
        'page',
        's',
        'records shown',
        'busy %',
        'long tasks',
        'total ms',
        'max ms',
        'frame p50',
        'frame p95',
        'frame max',
        'p95 vs idle',
      ],
      [
        windowRow('idle', ingest.idle, '0'),
        streamingRow(ingest),
        ...(headroom ? [streamingRow(headroom)] : []),
      ],
    );
    console.log(
      `  heap after the stream (after GC): ${fmt(ingest.heapMiB, 1)} MiB at 2,000/s` +
        (headroom ? `, ${fmt(headroom.heapMiB, 1)} MiB at 10,000/s` : ''),
    );

    const runs = await measureFirstChart(browser.context, { records: 200_000, runs: quick ? 1 : 3 });
    const first = runs[0]!;
    printTable(
      `Renderer in Chromium: time to first chart, ${first.records.toLocaleString('en')}-record trace (${fmt(first.frameMiB, 1)} MiB snapshot frame)`,
      [
        'run',
        'nav→snapshot ms',
        'snapshot→chart ms',
        'nav→chart ms',
        'JSON.parse ms',
        'chart vs parse',
        'shown',
        'heap MiB',
      ],
      runs.map((r, i) => [
        i + 1,
        fmt(r.navToSnapshotMs, 0),
        fmt(r.snapshotToChartMs, 0),
        fmt(r.navToChartMs, 0),
        fmt(r.parseMs, 0),
        `${fmt(r.snapshotToChartMs / r.parseMs, 1)}×`,
        r.shown,
        fmt(r.heapMiB, 1),
      ]),
    );
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchRenderer({ quick: process.argv.includes('--quick') });
}
