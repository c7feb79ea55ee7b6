/**
 * Renderer figures, measured in real Chromium (Debian /usr/bin/chromium, headless) on the built
 * dashboard (out/renderer) served by the real browser-mode server over canned answers:
 * - live ingest: main-thread long tasks, frame intervals and records shown while 2,000 records
 *   a second arrive in ~100 ms batches, against the same page idle just before;
 * - first chart: from navigation (and from the snapshot's arrival) until the connection-state
 *   chart shows a 200,000-record trace (sent in the compact form the dashboard asks for), against
 *   a plain JSON.parse of the same records as JSON objects in the same page; the JS heap after
 *   load.
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
import { addSummaryRow, ms } from './summary';

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
  /** Size of the snapshot's wire frame (compact form). */
  frameMiB: number;
  /** Size of the same records as plain JSON (the floor's frame). */
  plainMiB: number;
  /** Navigation → the whole snapshot's frame received (the chart records come before it). */
  navToSnapshotMs: number;
  /** Navigation → the charts show data (drawn from the chart records, fetched first). */
  navToChartMs: number;
  /** Navigation → every record indexed and the event log on screen. */
  navToAllMs: number;
  /** The whole snapshot's frame received → every record indexed and the event log on screen. */
  snapshotToAllMs: number;
  /** JSON.parse of the same records as plain JSON in the same page, once it was idle. */
  parseMs: number;
  /** Records the event log counts. */
  shown: number;
  heapMiB: number;
  /** Zooming a chart with the wheel and scrolling the event log, once the chart showed. */
  interaction: PageWindow | null;
}

/** What the page probes (renderer/page-probes.js) collected so far. */
export interface ProbeDump {
  now: number;
  longTasks: Array<{ start: number; duration: number }>;
  frames: Array<[number, number]>;
  messages: Array<[number, number]>;
  firstChartAt: number | null;
  /** The event log's count line each time it changed: [at, text]. */
  logCounts: Array<[number, string | null]>;
}

const DUMP = `(() => {
  const p = window.__faultlineBench;
  return { now: performance.now(), longTasks: p.longTasks, frames: p.frames, messages: p.messages, firstChartAt: p.firstChartAt, logCounts: p.logCounts };
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

/** When the event log first counted all `records` (the probes' count lines), if it did yet. */
function shownAllAt(dump: ProbeDump, records: number): number | undefined {
  return dump.logCounts.find(([, text]) => Number(/of (\d+) records/.exec(text ?? '')?.[1]) === records)?.[0];
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

/**
 * Zooms the first chart in and out with the wheel, then scrolls the event log, 40 steps of
 * 100 ms in all, and returns the page's frames and long tasks over that time.
 */
async function measureInteraction(page: Page): Promise<PageWindow> {
  const from = (await readProbes(page)).now;
  const chart = await page.locator('canvas').first().boundingBox();
  if (!chart) throw new Error('no chart canvas to zoom');
  await page.mouse.move(chart.x + chart.width / 2, chart.y + chart.height / 2);
  for (const dy of [...Array<number>(10).fill(-240), ...Array<number>(10).fill(240)]) {
    await page.mouse.wheel(0, dy);
    await sleep(100);
  }
  const log = await page.getByTestId('event-log').locator('.log-scroll').boundingBox();
  if (!log) throw new Error('no event log to scroll');
  await page.mouse.move(log.x + log.width / 2, log.y + log.height / 2);
  for (let i = 0; i < 20; i++) {
    await page.mouse.wheel(0, i < 10 ? 4000 : -4000);
    await sleep(100);
  }
  const end = await readProbes(page);
  return pageWindow(end, from, end.now, Number.NaN);
}

/** Chars of one piece of text handed to the page (each CDP message stays small). */
const PIECE_CHARS = 8 * MiB;

/** Hands `text` to the page in pieces, then times a JSON.parse of it there. */
async function timePlainParse(page: Page, text: string): Promise<{ ms: number; records: number }> {
  await page.evaluate('window.__faultlineFloor = []');
  for (let at = 0; at < text.length; at += PIECE_CHARS)
    await page.evaluate(`window.__faultlineFloor.push(${JSON.stringify(text.slice(at, at + PIECE_CHARS))})`);
  return (await page.evaluate(`(() => {
    const text = window.__faultlineFloor.join('');
    window.__faultlineFloor = null;
    const t0 = performance.now();
    const frame = JSON.parse(text);
    return { ms: performance.now() - t0, records: frame.value.records.length };
  })()`)) as { ms: number; records: number };
}

/**
 * Loads a `records`-record trace as the snapshot, `runs` times, each in a fresh page; with
 * `interact`, zooms and scrolls each page once its chart shows ({@link measureInteraction}).
 */
export async function measureFirstChart(
  context: BrowserContext,
  { records, runs, interact = false }: { records: number; runs: number; interact?: boolean },
): Promise<FirstChartFigures[]> {
  const snapshot = generateTrace(records, { recordsPerSec: 500, uids: 3, seed: 11 });
  const plainFrame = JSON.stringify({ kind: 'response', id: 'floor', ok: true, value: snapshot });
  const server = await startBenchServer({ root: RENDERER_OUT, snapshot });
  const out: FirstChartFigures[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const page = await openPage(context, server.url);
      try {
        // Polled with evaluate (CDP): waitForFunction evaluates a string in the page, which its
        // CSP (no 'unsafe-eval') refuses.
        const deadline = performance.now() + 180_000;
        let dump = await readProbes(page);
        let allShownAt: number | undefined;
        while (dump.firstChartAt === null || (allShownAt = shownAllAt(dump, records)) === undefined) {
          if (performance.now() > deadline) throw new Error('the trace was not shown within 180 s');
          await sleep(100);
          dump = await readProbes(page);
        }
        const [deliveredAt, chars] = dump.messages.reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0]);
        await sleep(1000);
        const interaction = interact ? await measureInteraction(page) : null;
        // The largest frame is the snapshot in its compact form; the floor is a plain JSON.parse
        // of the same records as JSON objects, timed in the same page once it is idle.
        const count = (await page.evaluate(`(() => {
          const p = window.__faultlineBench;
          const frame = JSON.parse(p.largest);
          p.largest = null;
          return frame.value.compact ? frame.value.compact.count : frame.value.records.length;
        })()`)) as number;
        if (count !== records) throw new Error(`the largest frame held ${count} records`);
        const parse = await timePlainParse(page, plainFrame);
        if (parse.records !== records) throw new Error(`the plain frame held ${parse.records} records`);
        out.push({
          records,
          frameMiB: chars / MiB,
          plainMiB: plainFrame.length / MiB,
          navToSnapshotMs: deliveredAt,
          navToChartMs: dump.firstChartAt!,
          navToAllMs: allShownAt,
          snapshotToAllMs: allShownAt - deliveredAt,
          parseMs: parse.ms,
          shown: await shownCount(page),
          heapMiB: await heapAfterGc(await context.newCDPSession(page)),
          interaction,
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
      `Renderer in Chromium: time to first chart, ${first.records.toLocaleString('en')}-record trace (${fmt(first.frameMiB, 1)} MiB compact snapshot frame, ${fmt(first.plainMiB, 1)} MiB as plain JSON)`,
      [
        'run',
        'nav→chart ms',
        'nav→snapshot ms',
        'snapshot→all ms',
        'nav→all ms',
        'JSON.parse ms',
        'all vs parse',
        'shown',
        'heap MiB',
      ],
      runs.map((r, i) => [
        i + 1,
        fmt(r.navToChartMs, 0),
        fmt(r.navToSnapshotMs, 0),
        fmt(r.snapshotToAllMs, 0),
        fmt(r.navToAllMs, 0),
        fmt(r.parseMs, 0),
        `${fmt(r.snapshotToAllMs / r.parseMs, 1)}×`,
        r.shown,
        fmt(r.heapMiB, 1),
      ]),
    );
    const [big] = await measureFirstChart(browser.context, { records: 1_000_000, runs: 1, interact: true });
    const zoom = big!.interaction!;
    printTable(
      `Renderer in Chromium: the 1,000,000-record dashboard (${fmt(big!.frameMiB, 1)} MiB compact snapshot frame, ${fmt(big!.plainMiB, 1)} MiB as plain JSON)`,
      [
        'nav→chart ms',
        'snapshot→all ms',
        'nav→all ms',
        'JSON.parse ms',
        'shown',
        'heap MiB',
        'zoom+scroll s',
        'frames',
        'frame p95',
        'frame max',
        'long tasks',
        'max ms',
      ],
      [
        [
          fmt(big!.navToChartMs, 0),
          fmt(big!.snapshotToAllMs, 0),
          fmt(big!.navToAllMs, 0),
          fmt(big!.parseMs, 0),
          big!.shown,
          fmt(big!.heapMiB, 1),
          fmt(zoom.ms / 1000, 1),
          zoom.frames,
          fmt(zoom.frameP95Ms, 1),
          fmt(zoom.frameMaxMs, 0),
          zoom.longTasks,
          fmt(zoom.longTaskMaxMs, 0),
        ],
      ],
    );
    summarize({ ingest, headroom, runs, big: big! });
  } finally {
    await browser.close();
  }
}

/** Adds the renderer's rows to the run's big-trace summary. */
function summarize({
  ingest,
  headroom,
  runs,
  big,
}: {
  ingest: IngestFigures;
  headroom: IngestFigures | null;
  runs: FirstChartFigures[];
  big: FirstChartFigures;
}): void {
  const median = (pick: (r: FirstChartFigures) => number): number => percentile(runs.map(pick), 50);
  const n = runs[0]!.records.toLocaleString('en');
  const parse = median((r) => r.parseMs);
  const navToChart = median((r) => r.navToChartMs);
  const snapshotToAll = median((r) => r.snapshotToAllMs);
  const navToAll = median((r) => r.navToAllMs);
  addSummaryRow({
    figure: `${n}-record trace: navigation → first chart`,
    now: `${ms(navToChart)} (every record shown at ${ms(navToAll)})`,
    floor: `JSON.parse of the records as JSON ${ms(parse)}`,
    ratio: navToChart / parse,
    goal: '≤ 500 ms',
    met: navToChart <= 500,
  });
  addSummaryRow({
    figure: `${n}-record trace: whole snapshot → every record shown`,
    now: ms(snapshotToAll),
    floor: `JSON.parse of the records as JSON ${ms(parse)}`,
    ratio: snapshotToAll / parse,
    goal: '≤ 2× the parse',
    met: snapshotToAll <= 2 * parse,
  });
  const zoom = big.interaction!;
  const shownAll = big.shown === big.records;
  addSummaryRow({
    figure: '1,000,000-record dashboard: first chart',
    now: `${ms(big.navToChartMs)} (every record shown at ${ms(big.navToAllMs)})${shownAll ? '' : `, ${big.shown} shown`}`,
    floor: `JSON.parse of the records as JSON ${ms(big.parseMs)}`,
    ratio: big.navToChartMs / big.parseMs,
    goal: '≤ 1,500 ms',
    met: big.navToChartMs <= 1500 && shownAll,
  });
  addSummaryRow({
    figure: '1,000,000-record dashboard: zoom and scroll',
    now: `frame p95 ${fmt(zoom.frameP95Ms, 1)} ms, ${zoom.longTasks} long tasks (max ${fmt(zoom.longTaskMaxMs, 0)} ms)`,
    floor: `idle page frame p95 ${fmt(ingest.idle.frameP95Ms, 1)} ms`,
    ratio: zoom.frameP95Ms / ingest.idle.frameP95Ms,
    goal: 'frame p95 ≤ 20 ms',
    met: zoom.frameP95Ms <= 20,
  });
  addSummaryRow({
    figure: '1,000,000-record dashboard: heap',
    now: `${fmt(big.heapMiB, 0)} MiB`,
    floor: `records as JSON text ${fmt(big.plainMiB, 0)} MiB`,
    ratio: big.heapMiB / big.plainMiB,
    goal: '≤ 150 MiB',
    met: big.heapMiB <= 150,
  });
  for (const f of [headroom, ingest]) {
    if (!f) continue;
    const p95Goal = f === headroom ? 1.1 : Infinity;
    const ratio = f.streaming.frameP95Ms / f.idle.frameP95Ms;
    const shown = f.shownAfter === f.sent ? '' : `, ${f.shownAfter} of ${f.sent} shown`;
    addSummaryRow({
      figure: `live ingest at ${f.recordsPerSec.toLocaleString('en')} records/s (${f.seconds} s)`,
      now: `${f.streaming.longTasks} long tasks, max ${fmt(f.streaming.longTaskMaxMs, 0)} ms, frame p95 ${fmt(f.streaming.frameP95Ms, 1)} ms${shown}`,
      floor: `idle page frame p95 ${fmt(f.idle.frameP95Ms, 1)} ms`,
      ratio,
      goal: `0 long tasks > 50 ms${p95Goal < Infinity ? `, p95 ≤ ${p95Goal}× idle` : ''}`,
      met: f.streaming.longTasks === 0 && ratio <= p95Goal && f.shownAfter === f.sent,
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchRenderer({ quick: process.argv.includes('--quick') });
}
