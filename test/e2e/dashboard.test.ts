/**
 * The dashboard end to end in Debian Chromium against browser mode: the real renderer, the
 * real main-process services, a real lab with real WebRTC. Screenshots go to test-artifacts/.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBrowserMode, type BrowserMode } from './helpers/browser-mode';
import { launchChromium } from './helpers/chromium';
import { interruptedCallDump } from './helpers/dump';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

let web: BrowserMode;
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  web = await startBrowserMode();
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(web.url);
  await page.getByTestId('connection-status').waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

// A failed test shows what browser mode (the lab's process) printed last, and whether it died.
afterEach((context) => {
  if (context.task.result?.state === 'fail' && web)
    console.log(`browser mode output (last 4000 chars):\n${web.output().slice(-4000)}`);
});

/** The data-* values of the items of one hidden chart list. */
function listValues(testid: string, attribute: string): Promise<string[]> {
  return page
    .getByTestId(testid)
    .locator('li')
    .evaluateAll((items, attr) => items.map((li) => li.getAttribute(attr) ?? ''), attribute);
}

/** Collapses runs of the same value: CONNECTED, CONNECTED, RECONNECTING → CONNECTED, RECONNECTING. */
function collapse(values: string[]): string[] {
  return values.filter((v, i) => v !== values[i - 1]);
}

describe('dashboard in Chromium (browser mode)', () => {
  it('connects to the main-process services and shows the empty state', async () => {
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('open');
    await expect.poll(() => page.getByTestId('scenario-select').locator('option').count()).toBeGreaterThan(5);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-empty.png'), fullPage: true });
  });

  it('runs seed-ng at time scale 0.1 and shows the seed timeline and a passing check', async () => {
    await page.getByTestId('scenario-select').selectOption('seed-ng');
    await page.getByTestId('scenario-time-scale').fill('0.1');
    await page.getByTestId('scenario-run').click();
    await expect
      .poll(() => page.getByTestId('scenario-status').getAttribute('data-phase'), {
        timeout: 60_000,
        interval: 250,
      })
      .toBe('done');
    await expect
      .poll(() => page.getByTestId('findings-verdict').textContent(), { timeout: 10_000, interval: 250 })
      .toMatch(/PASS|FAIL|UNRELIABLE/);
    const verdict = await page.getByTestId('findings-verdict').textContent();
    const expectations = await page.getByTestId('findings-expectations').innerText();
    expect(verdict, expectations).toBe('PASS');

    const uid1 = collapse(await listValues('swimlane-uid-1', 'data-state'));
    const reconnecting = uid1.indexOf('RECONNECTING');
    expect(reconnecting, uid1.join(' → ')).toBeGreaterThan(0);
    expect(uid1[reconnecting - 1]).toBe('CONNECTED');
    expect(uid1[reconnecting + 1]).toBe('CONNECTED');

    const seenBy2 = await listValues('peer-events-uid-2', 'data-event');
    const drop = seenBy2.indexOf('user-unpublished');
    expect(drop, seenBy2.join(', ')).toBeGreaterThan(-1);
    const after = seenBy2.slice(drop);
    expect(after).toContain('user-left');
    expect(after.lastIndexOf('user-joined')).toBeGreaterThan(after.indexOf('user-left'));
    expect(await listValues('threshold-lines', 'data-rule')).toHaveLength(2);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-seed-ng.png'), fullPage: true });
  }, 90_000);

  it('exports a redacted support bundle and opens it back through the file input', async () => {
    await page.getByTestId('trace-export').click();
    await expect.poll(() => page.getByTestId('export-preview-counts').textContent()).toMatch(/replace/);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByTestId('export-run').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-support\.zip$/);
    const path = join(ARTIFACTS, 'dashboard-bundle.zip');
    await download.saveAs(path);
    await page.getByTestId('trace-file-input').setInputFiles(path);
    await expect.poll(() => page.getByTestId('trace-source-kind').textContent()).toBe('(support bundle)');
    await expect.poll(() => page.getByTestId('findings-verdict').textContent()).toBe('PASS');
    await page.getByTestId('trace-live').click();
  }, 60_000);

  it("opens a customer's dump: PC lanes, the diagnosis, and Reproduce… runs the suggested scenario and compares", async () => {
    const path = join(ARTIFACTS, 'dashboard-webrtc-internals.json');
    await writeFile(path, JSON.stringify(interruptedCallDump()));
    await page.getByTestId('trace-file-input').setInputFiles(path);
    await expect
      .poll(() => page.getByTestId('trace-source-kind').textContent())
      .toBe('(chrome://webrtc-internals dump)');
    const pc1 = collapse(await listValues('swimlane-pc-1', 'data-state'));
    expect(pc1).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
    expect(await listValues('swimlane-pc-2', 'data-state')).toEqual(['connecting', 'connected']);
    await expect.poll(() => page.getByTestId('findings-verdict').textContent()).toBe('NO EXPECTATIONS');
    const incident = page.getByTestId('diagnosis-incident').first();
    expect(await incident.getAttribute('data-kind')).toBe('interruption');
    expect(await incident.getAttribute('data-cause')).toBe('path-blackholed');
    await incident.locator('button').click();
    await expect.poll(() => page.locator('[data-testid="event-row"].evidence').count()).toBeGreaterThan(0);

    await page.getByTestId('trace-reproduce-suggest').click();
    await expect
      .poll(() => page.getByTestId('reproduction-plan').innerText())
      .toMatch(/i1: blackhole on uid 1/);
    await page.getByTestId('reproduction-time-scale').fill('0.2');
    await page.getByTestId('reproduction-run').click();
    await expect
      .poll(() => page.getByTestId('scenario-status').getAttribute('data-phase'), {
        timeout: 90_000,
        interval: 250,
      })
      .toBe('done');
    await expect
      .poll(() => page.getByTestId('compare-similarity').textContent(), { timeout: 10_000 })
      .toMatch(/^\d of 1 incidents reproduced/);
    expect(await page.getByTestId('compare-incident').count()).toBe(1);
    // The zoom to the dump's incident did not follow the new trace.
    expect(await page.getByTestId('reset-zoom').isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-reproduce.png'), fullPage: true });
  }, 150_000);

  it('saves a chart as PNG, and an exported bundle carries every chart under charts/', async () => {
    const [png] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByTestId('chart-swimlanes-save-png').click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/^faultline-[\dT-]+-swimlanes\.png$/);
    const pngPath = join(ARTIFACTS, 'dashboard-swimlanes.png');
    await png.saveAs(pngPath);
    const bytes = await readFile(pngPath);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(1000);

    await page.getByTestId('trace-export').click();
    await expect
      .poll(() => page.getByTestId('export-charts').textContent())
      .toContain('charts/swimlanes.png');
    const [bundle] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByTestId('export-run').click(),
    ]);
    const bundlePath = join(ARTIFACTS, 'dashboard-bundle-charts.zip');
    await bundle.saveAs(bundlePath);
    const members = unzipSync(await readFile(bundlePath));
    const manifest = JSON.parse(strFromU8(members['manifest.json']!)) as { files: Array<{ name: string }> };
    const charts = manifest.files.map((f) => f.name).filter((n) => n.startsWith('charts/'));
    expect(charts).toEqual(expect.arrayContaining(['charts/swimlanes.png', 'charts/reconnects.png']));
    expect([...members['charts/swimlanes.png']!.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  }, 60_000);

  it('applies a fault from the fault panel and clears it', async () => {
    await page.getByTestId('lab-time-scale').fill('0.1');
    await page.getByTestId('lab-start').click();
    await page.getByTestId('lab-stop').waitFor({ timeout: 30_000 });
    for (const uid of ['1', '2']) {
      await page.getByTestId('participant-uid').fill(uid);
      await page.getByTestId('participant-add').click();
      await page.getByTestId(`join-${uid}`).click();
    }
    await expect
      .poll(() => page.getByTestId('participant-1').innerText(), { timeout: 20_000 })
      .toMatch(/CONNECTED/);

    await page.getByTestId('fault-uid').selectOption('1');
    await page.getByTestId('fault-kind').selectOption('blackhole');
    await page.getByTestId('fault-manual').check();
    await page.getByTestId('fault-apply').click();
    const active = page.getByTestId('active-faults').locator('li[data-fault]');
    await expect.poll(() => active.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => active.first().innerText()).toMatch(/blackhole/);
    await expect
      .poll(() => page.getByTestId('participant-1').innerText(), { timeout: 20_000 })
      .toMatch(/RECONNECTING/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-fault.png'), fullPage: true });

    await active.first().getByRole('button').click();
    await expect.poll(() => active.count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => page.getByTestId('participant-1').innerText(), { timeout: 20_000 })
      .toMatch(/\bCONNECTED/);
    await page.getByTestId('lab-stop').click();
  }, 90_000);

  it('adds a browser participant (Chromium in the lab) that joins, publishes and is charted', async () => {
    await page.getByTestId('lab-time-scale').fill('0.5');
    await page.getByTestId('lab-start').click();
    await page.getByTestId('lab-stop').waitFor({ timeout: 30_000 });
    for (const [uid, engine] of [
      ['1', ''],
      ['2', 'browser'],
    ] as const) {
      await page.getByTestId('participant-uid').fill(uid);
      await page.getByTestId('participant-engine').selectOption(engine);
      await page.getByTestId('participant-add').click();
      await page.getByTestId(`join-${uid}`).waitFor({ timeout: 30_000 });
      await page.getByTestId(`join-${uid}`).click();
    }
    expect(await page.getByTestId('participant-2').innerText()).toMatch(/browser/);
    await expect
      .poll(() => page.getByTestId('participant-2').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('CONNECTED');
    await page.getByTestId('publish-2').click();
    // UID 1 (libwebrtc) sees the browser's publication.
    const seen = page.getByTestId('peer-events-uid-1').locator('li[data-event="user-published"]');
    await expect.poll(() => seen.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-browser-participant.png'), fullPage: true });
    await page.getByTestId('lab-stop').click();
  }, 90_000);

  it('refuses a wrong token, over HTTP and over the WebSocket', async () => {
    const good = new URL(web.url);
    const bad = new URL(web.url);
    bad.searchParams.set('token', 'not-the-token');
    const response = await fetch(bad);
    expect(response.status).toBe(401);
    const ws = new WebSocket(`ws://${good.host}/ipc?token=not-the-token`, {
      headers: { Origin: good.origin },
    });
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      ws.once('error', () => resolve('error'));
    });
    ws.terminate();
    expect(outcome).not.toBe('open');
  });
});
