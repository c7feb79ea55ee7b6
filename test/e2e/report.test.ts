/**
 * The HTML report in Debian Chromium from a file:// URL: it renders with no network request at
 * all (the CSP allows none and the page makes none), hostile strings stay text, and the verdict,
 * expectations and event rows can be read from the page.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { renderReport } from '../../src/app/support/report/render';
import { hostileTrace, sampleTrace } from '../node/report/fixtures';
import { launchChromium } from './helpers/chromium';

let dir: string;
let browser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-report-e2e-'));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(name: string, html: string) {
  const file = join(dir, name);
  await writeFile(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, dialogs };
}

describe('HTML report in Chromium', () => {
  it('shows the verdict, expectations, charts and every event row with no network request', async () => {
    const { header, records } = sampleTrace();
    const { page, requests } = await open('sample.html', renderReport(header, records));
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toMatch(/^(PASS|FAIL)$/);
    const verdicts = await page
      .locator('#expectations tr.expectation')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-verdict')));
    expect(verdicts).toHaveLength(2);
    expect(verdicts.every((v) => v === 'pass' || v === 'fail')).toBe(true);
    const seqs = await page
      .locator('#events tr.event')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(seqs).toEqual(records.map((r) => r.seq));
    expect(await page.locator('svg[aria-label="connection states"] rect').count()).toBeGreaterThan(3);
    const box = await page.locator('svg[aria-label="peer events"]').boundingBox();
    expect(box && box.width > 100).toBe(true);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('keeps hostile strings as text: no dialog, no script, no request', async () => {
    const { header, records } = hostileTrace();
    const { page, requests, dialogs } = await open('hostile.html', renderReport(header, records));
    expect(await page.locator('script, img, iframe').count()).toBe(0);
    expect(await page.locator('#events').innerText()).toContain('<script>alert(1)</script>');
    expect(await page.locator('#events tr.event').count()).toBe(records.length);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
