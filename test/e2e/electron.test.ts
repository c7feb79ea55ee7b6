/**
 * The desktop app end to end in Electron (playwright-core's `_electron`): the built main
 * process, the sandboxed preload, the real renderer and a real lab. Runs where an Electron
 * runtime exists (ELECTRON_OVERRIDE_DIST_PATH, or the electron package with its binary) and a
 * display does; elsewhere the suite is skipped and one line says why and how to enable it.
 * In-page checks are string expressions: they run over CDP (which the page's CSP does not
 * govern) and need no DOM types on the Node side.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const MAIN = join(ROOT, 'out', 'main', 'index.js');

const GET_RUNTIME =
  'set ELECTRON_OVERRIDE_DIST_PATH to a folder holding the Electron 40 binary, or run `npm start` once where its download is reachable (it fetches the runtime)';
const GET_DISPLAY = 'run under a virtual display: xvfb-run -a npx vitest run test/e2e/electron.test.ts';

/** The Electron binary to launch, or why there is none here and how to get one. */
function electronRuntime(): { binary: string; why: null } | { binary: null; why: string; how: string } {
  let resolved: unknown;
  try {
    // The electron package's index.js answers the binary's path (honouring
    // ELECTRON_OVERRIDE_DIST_PATH), or throws when its download never happened.
    resolved = createRequire(import.meta.url)('electron');
  } catch {
    return {
      binary: null,
      why: 'the electron package has no runtime (its binary was not downloaded)',
      how: GET_RUNTIME,
    };
  }
  if (typeof resolved !== 'string' || !existsSync(resolved))
    return { binary: null, why: `no Electron binary at ${String(resolved)}`, how: GET_RUNTIME };
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'])
    return { binary: null, why: `Electron is at ${resolved} but there is no display`, how: GET_DISPLAY };
  return { binary: resolved, why: null };
}

const runtime = electronRuntime();
if (runtime.binary === null)
  console.info(`Electron end-to-end tests skipped: ${runtime.why}. To run them, ${runtime.how}.`);

/** Builds the app (main, preload, renderer) when out/ lacks it. */
function ensureBuilt(): void {
  const parts = [
    MAIN,
    join(ROOT, 'out', 'preload', 'index.cjs'),
    join(ROOT, 'out', 'renderer', 'index.html'),
  ];
  if (parts.every((p) => existsSync(p))) return;
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0)
    throw new Error(`electron-vite build failed (exit ${build.status ?? build.signal})`);
}

/** The environment of the app: ours, minus what would turn it into something else. */
function appEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env['ELECTRON_RUN_AS_NODE']; // would run main as plain Node
  delete env['ELECTRON_RENDERER_URL']; // would load a dev server instead of the built page
  return env;
}

describe.skipIf(runtime.binary === null)('desktop app in Electron', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ensureBuilt();
    app = await _electron.launch({
      executablePath: runtime.binary!,
      // Chromium refuses to start its OS sandbox as root (CI containers); the page's own
      // isolation (contextIsolation, sandboxed preload, no Node) is what these tests check.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), MAIN],
      cwd: ROOT,
      env: appEnv(),
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await page.getByTestId('connection-status').waitFor({ timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('opens one window titled Faultline on the built page', async () => {
    expect(await page.title()).toBe('Faultline');
    const titles = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((w) => w.getTitle()),
    );
    expect(titles).toEqual(['Faultline']);
    expect(page.url()).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html/);
  });

  it('exposes only invoke and on, and the app answers through them', async () => {
    expect(await page.evaluate('Object.keys(window.faultline).sort()')).toEqual(['invoke', 'on']);
    expect(await page.evaluate('typeof window.faultline.invoke + " " + typeof window.faultline.on')).toBe(
      'function function',
    );
    const info = (await page.evaluate('window.faultline.invoke("app:get-info", {})')) as {
      ok: boolean;
      value?: { mode: string; versions: Record<string, string | null> };
    };
    expect(info.ok).toBe(true);
    expect(info.value?.mode).toBe('electron');
    expect(info.value?.versions['electron']).toMatch(/^\d+\./);
    const refused = (await page.evaluate('window.faultline.invoke("shell:open-everything", {})')) as {
      ok: boolean;
      error?: { code: string };
    };
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('keeps Node out of the page', async () => {
    expect(await page.evaluate('typeof require')).toBe('undefined');
    expect(await page.evaluate('typeof process')).toBe('undefined');
    expect(await page.evaluate('typeof module')).toBe('undefined');
    expect(await page.evaluate('typeof window.faultline.ipcRenderer')).toBe('undefined');
  });

  it('denies new windows and navigation away from the app', async () => {
    const url = page.url();
    expect(await page.evaluate('window.open("about:blank") === null')).toBe(true);
    await page.evaluate('location.assign("about:blank")');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toBe(url);
  });

  it('runs seed-ng at time scale 0.1 from the UI and shows a passing check', async () => {
    await expect
      .poll(() => page.getByTestId('scenario-select').locator('option').count(), { timeout: 20_000 })
      .toBeGreaterThan(5);
    await page.getByTestId('scenario-select').selectOption('seed-ng');
    await page.getByTestId('scenario-time-scale').fill('0.1');
    await page.getByTestId('scenario-run').click();
    await expect
      .poll(() => page.getByTestId('findings-verdict').textContent(), { timeout: 60_000, interval: 250 })
      .toMatch(/PASS|FAIL/);
    const expectations = await page.getByTestId('findings-expectations').innerText();
    expect(await page.getByTestId('findings-verdict').textContent(), expectations).toBe('PASS');
    await page.screenshot({ path: join(ARTIFACTS, 'electron-seed-ng.png'), fullPage: true });
  }, 90_000);

  it('runs a browser participant in a hidden sandboxed window that joins and publishes', async () => {
    type Envelope = { ok: boolean; value?: { participants: Array<{ uid: number; state: string }> } };
    const invoke = (channel: string, request: unknown): Promise<Envelope> =>
      page.evaluate(
        `window.faultline.invoke(${JSON.stringify(channel)}, ${JSON.stringify(request)})`,
      ) as Promise<Envelope>;
    await invoke('lab:stop', {});
    const started = await invoke('lab:start', {
      server: { kind: 'embedded' },
      participants: [{ uid: 1 }, { uid: 2, engine: 'browser' }],
    });
    expect(started.ok).toBe(true);
    const windows = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), url: w.webContents.getURL() })),
    );
    expect(windows).toContainEqual({ visible: false, url: 'http://localhost/faultline-participant' });
    for (const uid of [1, 2]) expect((await invoke('client:join', { uid })).ok).toBe(true);
    expect((await invoke('client:publish', { uid: 2, kinds: ['audio', 'video'] })).ok).toBe(true);
    await expect
      .poll(
        async () => {
          const status = await invoke('lab:get-status', {});
          return status.value?.participants.map((p) => p.state).join(',');
        },
        { timeout: 20_000 },
      )
      .toBe('CONNECTED,CONNECTED');
    await invoke('lab:stop', {});
  }, 60_000);
});
