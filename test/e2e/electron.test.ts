/**
 * The desktop app end to end in Electron (playwright-core's `_electron`), launched the way
 * `npm start` launches it — the app directory (`electron .`), so the app's name and `userData`
 * are the user's — after rebuilding `out/` when any source is newer than it. It checks the
 * sandboxed preload, the real renderer and a real lab in its utility process: seed-ng run from
 * the UI with media flowing (packets per second in the stats), a browser participant in a hidden
 * window, and a quit during a session that ends with exit code 0, no process of the app left,
 * and a trace whose last record is the lab's own "lab disposed" with no failure on the way out.
 * Runs where an Electron runtime exists (ELECTRON_OVERRIDE_DIST_PATH on any OS, or the electron
 * package with its binary) and a display does; elsewhere the suite is skipped and one line says
 * why and how to enable it. In-page checks are string expressions: they run over CDP (which the
 * page's CSP does not govern) and need no DOM types on the Node side.
 */
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectronRuntime } from '../../scripts/electron-runtime.mjs';
import { pidAlive } from '../../src/lab/child/pid-alive';
import { readJournal } from '../../src/lab/trace/segments';
import type { TraceRecord } from '../../src/shared/trace/records';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

const GET_RUNTIME =
  'set ELECTRON_OVERRIDE_DIST_PATH to a folder holding the Electron 40 binary, or run `npm start` once where its download is reachable (it fetches the runtime)';
const GET_DISPLAY = 'run under a virtual display: xvfb-run -a npx vitest run test/e2e/electron.test.ts';

/** The Electron binary to launch (found as `npm start` finds it), or why there is none here. */
function electronRuntime(): { binary: string; why: null } | { binary: null; why: string; how: string } {
  const found = findElectronRuntime({
    env: process.env,
    platform: process.platform,
    requireElectron: () => createRequire(import.meta.url)('electron'),
  });
  if (found.path === null)
    return {
      binary: null,
      why:
        found.why === 'no runtime was fetched yet'
          ? 'the electron package has no runtime (its binary was not downloaded)'
          : found.why,
      how: GET_RUNTIME,
    };
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'])
    return { binary: null, why: `Electron is at ${found.path} but there is no display`, how: GET_DISPLAY };
  return { binary: found.path, why: null };
}

const runtime = electronRuntime();
if (runtime.binary === null)
  console.info(`Electron end-to-end tests skipped: ${runtime.why}. To run them, ${runtime.how}.`);

/** What the build makes, and what it is made from. */
const BUILT = [
  join(ROOT, 'out', 'main', 'index.js'),
  join(ROOT, 'out', 'preload', 'index.cjs'),
  join(ROOT, 'out', 'renderer', 'index.html'),
];
const SOURCES = ['src', 'electron.vite.config.ts', 'package.json'];

/** Newest modification time (ms) of a file or of any file under a folder. */
function newest(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path, { recursive: true, encoding: 'utf8' }))
    latest = Math.max(latest, statSync(join(path, name)).mtimeMs);
  return latest;
}

/** Builds the app when out/ lacks a part or any source is newer than the oldest part. */
function ensureBuilt(): void {
  const missing = BUILT.some((p) => !existsSync(p));
  const stale =
    !missing &&
    Math.max(...SOURCES.map((p) => newest(join(ROOT, p)))) >
      Math.min(...BUILT.map((p) => statSync(p).mtimeMs));
  if (!missing && !stale) return;
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (build.status !== 0)
    throw new Error(`electron-vite build failed (exit ${build.status ?? build.signal})`);
}

/** Every process descending from `pid` (not `pid` itself), from the OS process table. */
function descendants(pid: number): number[] {
  const rows =
    process.platform === 'win32'
      ? execFileSync(
          'powershell',
          [
            '-NoProfile',
            '-Command',
            'Get-CimInstance Win32_Process | ForEach-Object { "$($_.ProcessId) $($_.ParentProcessId)" }',
          ],
          { encoding: 'utf8' },
        )
      : execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of rows.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (found.includes(next)) continue;
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** The records of the newest journal in `dir` (the app's `<userData>/journals`). */
async function newestJournal(dir: string): Promise<{ name: string; records: TraceRecord[] }> {
  const names = (await readdir(dir)).filter((n) => /^faultline-.*\.ndjson$/.test(n)).sort();
  const name = names.at(-1);
  if (!name) throw new Error(`no journal in ${dir}`);
  return { name, records: (await readJournal(join(dir, name))).records };
}

/** Highest packets per second over a stats sample, for one direction, in `records`. */
function peakPps(records: readonly TraceRecord[], field: 'sentPackets' | 'receivedPackets'): number {
  let peak = 0;
  for (const r of records) {
    if (r.type !== 'stats' || !r.intervalMs || !r.kinds) continue;
    for (const kind of [r.kinds.audio, r.kinds.video])
      peak = Math.max(peak, ((kind?.[field] ?? 0) * 1000) / r.intervalMs);
  }
  return peak;
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
  let child: ChildProcess;
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let journals: string;
  let quit = false;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ensureBuilt();
    const env = appEnv();
    // On Linux, userData (and so the journals) goes to a folder of this run, not the user's own.
    if (process.platform === 'linux')
      env['XDG_CONFIG_HOME'] = await mkdtemp(join(tmpdir(), 'faultline-e2e-config-'));
    app = await _electron.launch({
      executablePath: runtime.binary!,
      // `electron .` as npm start runs it. Chromium refuses its OS sandbox as root (CI
      // containers); the page's own isolation (contextIsolation, sandboxed preload, no Node) is
      // what these tests check.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
      cwd: ROOT,
      env,
      timeout: 60_000,
    });
    child = app.process();
    exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    journals = join(
      await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData')),
      'journals',
    );
    page = await app.firstWindow();
    await page.getByTestId('connection-status').waitFor({ timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    if (!quit) await app?.close();
  });

  /** An invoke from the page, through the preload. */
  const invoke = <T = unknown>(channel: string, request: unknown): Promise<{ ok: boolean; value?: T }> =>
    page.evaluate(
      `window.faultline.invoke(${JSON.stringify(channel)}, ${JSON.stringify(request)})`,
    ) as Promise<{
      ok: boolean;
      value?: T;
    }>;

  it('opens one window titled Faultline on the built page, as the app named in package.json', async () => {
    expect(await page.title()).toBe('Faultline');
    expect(await app.evaluate(({ app: electronApp }) => electronApp.getName())).toBe('Faultline');
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
    // Media flowed: the run's stats show packets sent and received every second.
    const run = await newestJournal(journals);
    expect(peakPps(run.records, 'sentPackets'), run.name).toBeGreaterThan(10);
    expect(peakPps(run.records, 'receivedPackets'), run.name).toBeGreaterThan(10);
  }, 90_000);

  it('runs a browser participant in a hidden sandboxed window that joins and publishes', async () => {
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
          const status = await invoke<{ participants: Array<{ state: string }> }>('lab:get-status', {});
          return status.value?.participants.map((p) => p.state).join(',');
        },
        { timeout: 20_000 },
      )
      .toBe('CONNECTED,CONNECTED');
    await invoke('lab:stop', {});
  }, 60_000);

  it('quits during a session with a browser participant: exit 0, no process left, the trace ends "lab disposed"', async () => {
    const started = await invoke('lab:start', {
      server: { kind: 'embedded' },
      participants: [{ uid: 1 }, { uid: 2, engine: 'browser' }],
    });
    expect(started.ok).toBe(true);
    for (const uid of [1, 2]) expect((await invoke('client:join', { uid })).ok).toBe(true);
    expect((await invoke('client:publish', { uid: 2, kinds: ['audio', 'video'] })).ok).toBe(true);
    await expect
      .poll(
        async () =>
          (await invoke<{ participants: Array<{ state: string }> }>('lab:get-status', {})).value?.participants
            .map((p) => p.state)
            .join(','),
        { timeout: 20_000 },
      )
      .toBe('CONNECTED,CONNECTED');
    // Everything the app runs now: the lab host, the channel server, renderers, GPU, zygotes.
    const processes = descendants(child.pid!);
    expect(processes.length).toBeGreaterThan(2);
    quit = true;
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    expect(await exit).toEqual({ code: 0, signal: null });
    // Children are told to go as the app quits; give them a bounded moment to be reaped.
    await expect.poll(() => processes.filter(pidAlive), { timeout: 10_000 }).toEqual([]);
    const trace = await newestJournal(journals);
    // Closed cleanly: the journal lost its `.open` name.
    expect(trace.name).not.toMatch(/\.open\.ndjson$/);
    const last = trace.records.at(-1);
    expect(last).toMatchObject({ type: 'log', msg: 'lab disposed' });
    // No fake failures on the way out: nothing failed, and no error was logged.
    const failures = trace.records.filter(
      (r) => (r.type === 'log' && r.level === 'error') || (r.type === 'media' && r.value === 'failed'),
    );
    expect(failures).toEqual([]);
  }, 90_000);
});
