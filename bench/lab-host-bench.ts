/**
 * Where the lab runs, measured: a lab with 10 wrtc publishers (each subscribed by the other
 * nine) driven through the invoke contract, once with the service in this process (the desktop
 * app's main process before the lab host) and once in a lab host child (after). The figures are
 * this process's event-loop delay during the steady state — what the desktop app's main
 * process (windows, menus, IPC) would feel — with the trace records it relayed, so both runs
 * are seen to carry the same feed; and the frame intervals of the real dashboard, served from
 * this process by the browser-mode server and open in headless Debian Chromium, live on the same
 * lab (the closest measure of the desktop renderer's frames this machine allows: no Electron
 * runtime). The ratio is lab host / in process.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Dispatch } from '../src/app/ipc/handlers';
import { createDispatcher, createHandlers } from '../src/app/ipc/handlers';
import { LabHostClient } from '../src/app/lab-host';
import type { ServiceEvents } from '../src/app/services/events';
import { LabService } from '../src/app/services/lab-service';
import { forkLauncher } from '../src/lab/child';
import { BrowserModeServer } from '../src/web/server';
import { launchChromium } from '../test/e2e/helpers/chromium';
import { openPage, readProbes } from './renderer-bench';
import { ensureRendererBuilt, RENDERER_OUT } from './renderer/build';
import { fmt, percentile, printTable } from './stats';

const PUBLISHERS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Driven {
  dispatch: Dispatch;
  events: ServiceEvents;
  dispose(): Promise<unknown>;
}

interface Figures {
  p50: number;
  p99: number;
  max: number;
  records: number;
  connected: number;
  /** The dashboard's animation-frame intervals over the steady state, ms. */
  frameP50: number;
  frameP95: number;
  frameMax: number;
}

async function inProcess(): Promise<Driven> {
  const service = new LabService({ mode: 'electron', journalDir: null });
  return {
    dispatch: createDispatcher(createHandlers(service)),
    events: service.events,
    dispose: () => service.dispose(),
  };
}

async function inLabHost(): Promise<Driven> {
  const client = await LabHostClient.start({
    launcher: forkLauncher,
    host: { mode: 'electron', journalDir: null, remoteChildren: true },
    childLauncher: forkLauncher,
    log: () => undefined,
  });
  return { dispatch: client.dispatch, events: client.events, dispose: () => client.dispose() };
}

async function call(dispatch: Dispatch, channel: string, payload: unknown): Promise<unknown> {
  const envelope = await dispatch(channel, payload);
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value;
}

async function measure(
  start: () => Promise<Driven>,
  steadyMs: number,
  browser: Awaited<ReturnType<typeof launchChromium>>,
): Promise<Figures> {
  const driven = await start();
  // The dashboard, live on this lab, as browser mode serves it.
  const server = await BrowserModeServer.start({
    dispatch: driven.dispatch,
    events: driven.events,
    root: RENDERER_OUT,
  });
  const page = await openPage(browser.context, server.url);
  await page.getByTestId('connection-status').waitFor({ timeout: 30_000 });
  let records = 0;
  let connected = 0;
  driven.events.onAny((channel, payload) => {
    if (channel === 'trace:records') records += (payload as { records: unknown[] }).records.length;
    if (channel === 'lab:status')
      connected = (payload as { participants: Array<{ state: string }> }).participants.filter(
        (p) => p.state === 'CONNECTED',
      ).length;
  });
  try {
    const uids = Array.from({ length: PUBLISHERS }, (_, i) => i + 1);
    await call(driven.dispatch, 'lab:start', {
      server: { kind: 'embedded' },
      participants: uids.map((uid) => ({ uid })),
    });
    for (const uid of uids) await call(driven.dispatch, 'client:join', { uid });
    for (const uid of uids) await call(driven.dispatch, 'client:publish', { uid, kinds: ['audio', 'video'] });
    await sleep(3000); // media settles (subscriptions, first key frames)
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const before = records;
    const from = (await readProbes(page)).now;
    delay.enable();
    await sleep(steadyMs);
    delay.disable();
    const probes = await readProbes(page);
    const frames = probes.frames.filter(([at]) => at >= from && at < probes.now).map(([, d]) => d);
    const ms = (ns: number) => ns / 1e6;
    return {
      p50: ms(delay.percentile(50)),
      p99: ms(delay.percentile(99)),
      max: ms(delay.max),
      records: records - before,
      connected,
      frameP50: percentile(frames, 50),
      frameP95: percentile(frames, 95),
      frameMax: frames.length ? Math.max(...frames) : Number.NaN,
    };
  } finally {
    await page.close();
    await server.dispose();
    await driven.dispose();
  }
}

/** Prints the parent's event-loop delay with the lab in process and in a lab host. */
export async function benchLabHost({ quick }: { quick: boolean }): Promise<void> {
  const steadyMs = quick ? 5000 : 15_000;
  ensureRendererBuilt();
  const browser = await launchChromium();
  let before: Figures;
  let after: Figures;
  try {
    before = await measure(inProcess, steadyMs, browser);
    after = await measure(inLabHost, steadyMs, browser);
  } finally {
    await browser.close();
  }
  const row = (name: string, f: Figures) => [
    name,
    fmt(f.p50),
    fmt(f.p99),
    fmt(f.max),
    f.records,
    `${f.connected}/${PUBLISHERS}`,
    fmt(f.frameP50),
    fmt(f.frameP95),
    fmt(f.frameMax),
  ];
  printTable(
    `Parent event-loop delay and dashboard frames, ${PUBLISHERS} wrtc publishers, ${steadyMs / 1000} s steady (ms)`,
    ['lab runs', 'p50', 'p99', 'max', 'records relayed', 'connected', 'frame p50', 'frame p95', 'frame max'],
    [row('in process (before)', before), row('in a lab host (after)', after)],
  );
  console.log(
    `  ratio lab host / in process: loop p99 ${fmt(after.p99 / before.p99, 2)}×, max ${fmt(after.max / before.max, 2)}×; frame p95 ${fmt(after.frameP95 / before.frameP95, 2)}×`,
  );
}
