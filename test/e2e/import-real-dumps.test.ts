/**
 * Real browser dumps, made in this run: Debian Chromium holds a two-PC call relayed through a
 * coturn the test starts on loopback; the test stops coturn (SIGSTOP) until the page sees ICE go
 * `disconnected`, resumes it (SIGCONT) until both PCs are connected again, then downloads
 * chrome://webrtc-internals's two dumps ("webrtc-internals dump" and Chromium's own "rtcstats
 * dump") and imports both. Each state change the page saw must be in each import at the page's
 * time within 50 ms; stats must show packets before the cut and none received inside it; the
 * diagnosis must find the interruption where the test made it.
 *
 * Why the cut holds: Chromium marks a connected pair `disconnected` when its consent checks go
 * unanswered for about 5 s; the test does not time the cut, it waits for the page to see it
 * (bounded), so a slow machine only makes the cut longer.
 *
 * `FAULTLINE_SAVE_DUMP_FIXTURES=1` writes the scrubbed dumps and the page's notes to
 * test/fixtures/imports/ (the unit test test/node/open/real-dumps.test.ts reads them).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseTrace, MATCH_TOLERANCE_MS } from '../../src/shared/diagnose';
import { importRtcstats, importWebrtcInternals, type ImportResult } from '../../src/shared/support/import';
import { TurnServer } from '../../src/lab/turn/turn-server';
import {
  receivedAround,
  scrub,
  scrubRtcstats,
  stateOffsets,
  STATE_TOLERANCE_MS,
  type CallNotes,
} from '../helpers/real-dumps';
import { serveCallPage } from './helpers/call-page';
import { launchChromium } from './helpers/chromium';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'imports');
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

let turn: TurnServer;
let site: Awaited<ReturnType<typeof serveCallPage>>;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let internals: ImportResult;
let rtcstats: ImportResult;
let notes: CallNotes;

/** Waits (bounded) until the page has seen `count` changes matching the filter after `since`. */
async function seenAfter(
  page: Page,
  since: number,
  value: string,
  count: number,
  timeoutMs: number,
): Promise<void> {
  await page.waitForFunction(
    ([from, v, n]) =>
      (globalThis as unknown as { seen: Array<{ value: string; at: number; event: string }> }).seen.filter(
        (s) => s.at >= from && s.value === v && s.event === 'ice-state',
      ).length >= n,
    [since, value, count] as const,
    { timeout: timeoutMs, polling: 100 },
  );
}

const received = (page: Page): Promise<number> =>
  page.evaluate(() => (globalThis as unknown as { received: () => Promise<number> }).received());

/** Waits (bounded, polling every 250 ms) until the callee has received `more` packets beyond what it had. */
async function packetsFlow(page: Page, more: number, timeoutMs: number): Promise<void> {
  const start = await received(page);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await received(page);
    if (now >= start + more) return;
    if (Date.now() > deadline)
      throw new Error(`the callee received ${now - start} of ${more} packets in ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

async function download(page: Page, button: string): Promise<Buffer> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.locator(button).click(),
  ]);
  const path = await file.path();
  const { readFile } = await import('node:fs/promises');
  return gunzipSync(await readFile(path));
}

beforeAll(async () => {
  turn = await TurnServer.start();
  site = await serveCallPage();
  browser = await launchChromium({ args: FAKE_MEDIA });
  // webrtc-internals first: it only records PCs created while it is open.
  const panel = await browser.context.newPage();
  await panel.goto('chrome://webrtc-internals');
  const page = await browser.context.newPage();
  await page.goto(site.url);
  await page.evaluate(
    (ice) => (globalThis as unknown as { call: (i: unknown) => Promise<void> }).call([ice]),
    turn.iceServer(),
  );
  await seenAfter(page, 0, 'connected', 2, 30_000);
  // About four seconds of media (≈ 100 packets/s), so several stats samples precede the cut.
  await packetsFlow(page, 400, 30_000);

  const cutAt = Date.now();
  process.kill(turn.pid!, 'SIGSTOP');
  let resumeAt: number;
  try {
    await seenAfter(page, cutAt, 'disconnected', 1, 30_000);
    // Let one more full stats interval pass inside the cut, so a sample lies wholly within it.
    await page.waitForTimeout(2500);
  } finally {
    resumeAt = Date.now();
    process.kill(turn.pid!, 'SIGCONT');
  }
  await seenAfter(page, resumeAt, 'connected', 2, 30_000);
  await packetsFlow(page, 200, 30_000);
  // Two more samples after the recovery (webrtc-internals samples once a second).
  await page.waitForTimeout(2200);

  const seen = await page.evaluate(() => (globalThis as unknown as { seen: CallNotes['seen'] }).seen);
  notes = { seen, cutAt, resumeAt };
  await panel.locator('summary', { hasText: 'Create a WebRTC-Internals dump' }).click();
  const wiText = (await download(panel, '#dump-click-target')).toString('utf8');
  const rsText = (await download(panel, '#dump-click-target-rtcstats')).toString('utf8');
  internals = importWebrtcInternals(JSON.parse(wiText));
  rtcstats = importRtcstats(rsText);
  if (process.env['FAULTLINE_SAVE_DUMP_FIXTURES'] === '1') {
    await mkdir(FIXTURES, { recursive: true });
    await writeFile(
      join(FIXTURES, 'webrtc-internals-chromium156.json.gz'),
      gzipSync(JSON.stringify(scrub(JSON.parse(wiText)))),
    );
    await writeFile(join(FIXTURES, 'rtcstats-chromium156.txt.gz'), gzipSync(scrubRtcstats(rsText)));
    await writeFile(join(FIXTURES, 'chromium156-call.json'), `${JSON.stringify(notes, null, 2)}\n`);
  }
}, 240_000);

afterAll(async () => {
  if (turn?.pid) process.kill(turn.pid, 'SIGCONT');
  await browser?.close();
  await site?.stop();
  await turn?.dispose();
});

describe.each([
  ['webrtc-internals dump', () => internals],
  ['rtcstats dump', () => rtcstats],
])('a real Chromium %s', (_name, result) => {
  it('places every state change the page saw within 50 ms of when it saw it', () => {
    const r = result();
    expect(r.warnings).toEqual([]);
    expect(notes.seen.filter((s) => s.value === 'disconnected').length).toBeGreaterThan(0);
    const { offsets, missing } = stateOffsets(r, notes.seen);
    expect(missing).toEqual([]);
    for (const o of offsets) expect(Math.abs(o)).toBeLessThanOrEqual(STATE_TOLERANCE_MS);
  });

  it('has both PCs with their page, and packets before the cut but none received inside it', () => {
    const r = result();
    const pcs = r.header.env['peerConnections'] as Record<string, { url: string | null }>;
    expect(Object.keys(pcs)).toEqual(['1', '2']);
    expect(pcs['1']!.url).toBe(site.url);
    const callee = receivedAround(r, 2, notes);
    expect(callee.before).toBeGreaterThan(100);
    expect(callee.samplesDuring).toBeGreaterThan(0);
    expect(callee.during).toBe(0);
  });

  it('is diagnosed: an interruption on the callee starting at the cut', () => {
    const r = result();
    const d = diagnoseTrace(r);
    const startedAt = Date.parse(r.header.startedAt);
    const cut = d.incidents.find(
      (i) => i.subject === 2 && (i.kind === 'interruption' || i.kind === 'media-stall'),
    );
    expect(cut, d.incidents.map((i) => i.summary).join('\n')).toBeDefined();
    expect(Math.abs(startedAt + cut!.start - notes.cutAt)).toBeLessThanOrEqual(MATCH_TOLERANCE_MS);
  });
});
