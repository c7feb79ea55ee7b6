/**
 * The Electron shell with the `electron` module mocked thinly (its runtime cannot be had
 * here): window options and guards, the trusted-sender IPC wrapper, the preload's API, the menu.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  class FakeContents {
    listeners = new Map<string, Listener[]>();
    windowOpen: Listener | null = null;
    sent: Array<[string, unknown]> = [];
    permissionRequest: Listener | null = null;
    permissionCheck: Listener | null = null;
    mainFrame = { url: '', parent: null as unknown };
    session = {
      setPermissionRequestHandler: (fn: Listener) => (this.permissionRequest = fn),
      setPermissionCheckHandler: (fn: Listener) => (this.permissionCheck = fn),
    };
    setWindowOpenHandler(fn: Listener): void {
      this.windowOpen = fn;
    }
    on(name: string, fn: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
      return this;
    }
    emit(name: string, ...args: unknown[]): void {
      for (const fn of this.listeners.get(name) ?? []) fn(...args);
    }
    send(channel: string, payload: unknown): void {
      this.sent.push([channel, payload]);
    }
  }
  class FakeWindow {
    static last: FakeWindow | null = null;
    webContents = new FakeContents();
    loaded: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      FakeWindow.last = this;
    }
    once(): void {}
    on(): void {}
    isDestroyed(): boolean {
      return false;
    }
    loadFile(path: string): Promise<void> {
      this.loaded.push(`file:${path}`);
      return Promise.resolve();
    }
    loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      return Promise.resolve();
    }
  }
  return {
    FakeContents,
    FakeWindow,
    handlers: new Map<string, Listener>(),
    /** Stands for the browser participants' session (electron-host.ts). */
    participantSession: { participant: true },
    openExternal: vi.fn(async () => undefined),
    exposed: new Map<string, unknown>(),
    ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  };
});

vi.mock('electron', () => ({
  BrowserWindow: fake.FakeWindow,
  shell: { openExternal: fake.openExternal },
  ipcMain: {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => fake.handlers.set(channel, fn),
    removeHandler: (channel: string) => fake.handlers.delete(channel),
  },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api) },
  ipcRenderer: fake.ipcRenderer,
  Menu: { buildFromTemplate: vi.fn(), setApplicationMenu: vi.fn() },
  dialog: {},
  session: { fromPartition: () => fake.participantSession },
}));

import { pathToFileURL } from 'node:url';
import {
  apiFromBridge,
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type FaultlineApi,
  type FaultlineBridge,
} from '../../../src/shared/ipc';
import { FORBIDDEN, registerElectronIpc } from '../../../src/main/ipc/electron-ipc';
import { createDispatcher, type Handlers } from '../../../src/app/ipc/handlers';
import { menuTemplate } from '../../../src/main/menu';
import { ServiceEvents } from '../../../src/app/services/events';
import {
  appPageUrl,
  createMainWindow,
  hardenContents,
  isAppUrl,
  type AppPage,
} from '../../../src/main/window-options';

const page: AppPage = { file: '/opt/faultline/out/renderer/index.html' };
const appUrl = pathToFileURL(page.file).href;

beforeEach(() => {
  fake.openExternal.mockClear();
  fake.handlers.clear();
});

describe('main window', () => {
  it('is isolated, sandboxed, without Node, with the CommonJS preload', () => {
    const win = createMainWindow({ page, preload: '/opt/faultline/out/preload/index.cjs' });
    const prefs = (win as unknown as InstanceType<typeof fake.FakeWindow>).options['webPreferences'];
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      preload: '/opt/faultline/out/preload/index.cjs',
    });
    // Loaded with the same encoder the URL check reads back (not loadFile's own).
    expect(fake.FakeWindow.last?.loaded).toEqual([appUrl]);
  });

  it('denies new windows; only http(s) links go to the system browser', () => {
    createMainWindow({ page, preload: '/p.cjs' });
    const open = fake.FakeWindow.last!.webContents.windowOpen!;
    expect(open({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(fake.openExternal).toHaveBeenCalledWith('https://example.com/docs');
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user@evil.example/',
    ]) {
      expect(open({ url })).toEqual({ action: 'deny' });
    }
    expect(fake.openExternal).toHaveBeenCalledTimes(1);
  });

  it('blocks navigation and redirects away from the app, and webviews', () => {
    createMainWindow({ page, preload: '/p.cjs' });
    const contents = fake.FakeWindow.last!.webContents;
    for (const [name, url, blocked] of [
      ['will-navigate', 'https://evil.example/', true],
      ['will-navigate', 'file:///etc/passwd', true],
      ['will-redirect', 'http://127.0.0.1:9/', true],
      ['will-navigate', `${appUrl}#/trace`, false],
    ] as const) {
      const event = { preventDefault: vi.fn() };
      contents.emit(name, event, url);
      expect(event.preventDefault).toHaveBeenCalledTimes(blocked ? 1 : 0);
    }
    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('denies permission requests except the clipboard write', () => {
    createMainWindow({ page, preload: '/p.cjs' });
    const contents = fake.FakeWindow.last!.webContents;
    for (const [permission, granted] of [
      ['media', false],
      ['geolocation', false],
      ['notifications', false],
      ['clipboard-sanitized-write', true],
    ] as const) {
      const callback = vi.fn();
      contents.permissionRequest!(contents, permission, callback);
      expect(callback).toHaveBeenCalledWith(granted);
      expect(contents.permissionCheck!(contents, permission)).toBe(granted);
    }
  });

  it("leaves the browser participants' own session alone (it grants media there, nowhere else)", () => {
    const contents = new fake.FakeContents();
    (contents as unknown as { session: unknown }).session = fake.participantSession;
    hardenContents(contents as never, page);
    // Navigation and window guards still apply.
    expect(contents.windowOpen).not.toBeNull();
    expect(contents.listeners.has('will-navigate')).toBe(true);
  });

  it('knows its own page (and the dev server in development)', () => {
    expect(isAppUrl(page, appUrl)).toBe(true);
    expect(isAppUrl(page, 'file:///opt/faultline/out/renderer/other.html')).toBe(false);
    expect(isAppUrl(page, 'http://localhost:5173/')).toBe(false);
    const dev = { ...page, devUrl: 'http://localhost:5173' };
    expect(isAppUrl(dev, 'http://localhost:5173/src/main.ts')).toBe(true);
    expect(isAppUrl(dev, 'http://localhost:5174/')).toBe(false);
    expect(isAppUrl(dev, 'not a url')).toBe(false);
  });

  it('knows its own page wherever it is installed (%, ^, |, spaces, non-ASCII in the path)', () => {
    for (const dir of [
      '/opt/50% off',
      '/home/a^b/c|d',
      '/Users/José Müller/Apps',
      '/srv/%41%ZZ',
      '/tmp/日本語 #1?',
    ]) {
      const own = { file: `${dir}/out/renderer/index.html` };
      const href = appPageUrl(own);
      expect(isAppUrl(own, href), href).toBe(true);
      expect(isAppUrl(own, `${href}?tab=findings#top`), href).toBe(true);
      // The same page spelled by another encoder (the legacy url.format that loadFile uses).
      const legacy = `file://${encodeURI(own.file).replace(/#/g, '%23').replace(/\?/g, '%3F')}`;
      expect(isAppUrl(own, legacy), legacy).toBe(true);
      // A sibling file, a file on a host, and a look-alike that decodes elsewhere stay foreign.
      expect(isAppUrl(own, appPageUrl({ file: `${dir}/out/renderer/evil.html` }))).toBe(false);
      expect(isAppUrl(own, href.replace('file://', 'file://attacker'))).toBe(false);
    }
    // `%41` in a real path is a literal "%41", not "A".
    expect(isAppUrl({ file: '/srv/%41/index.html' }, appPageUrl({ file: '/srv/A/index.html' }))).toBe(false);
  });
});

describe('Electron IPC adapter', () => {
  function setup() {
    const win = createMainWindow({ page, preload: '/p.cjs' });
    const contents = fake.FakeWindow.last!.webContents;
    contents.mainFrame.url = appUrl;
    const table = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, vi.fn(async () => ({ handled: c }))]));
    const events = new ServiceEvents();
    const dispose = registerElectronIpc({
      dispatch: createDispatcher(table as unknown as Handlers),
      events,
      window: () => win,
      isAppUrl: (url) => isAppUrl(page, url),
    });
    const invoke = (channel: string, payload: unknown, event: Record<string, unknown>) =>
      fake.handlers.get(channel)!(event, payload);
    return { contents, table, events, dispose, invoke };
  }

  it('registers every invoke channel of the contract, and removes them on dispose', () => {
    const { dispose } = setup();
    expect([...fake.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    dispose();
    expect(fake.handlers.size).toBe(0);
  });

  it('answers the own main frame, and refuses foreign senders before any handler', async () => {
    const { contents, table, invoke } = setup();
    const own = { sender: contents, senderFrame: contents.mainFrame };
    expect(await invoke('client:join', { uid: 1 }, own)).toEqual({
      ok: true,
      value: { handled: 'client:join' },
    });
    expect(table['client:join']).toHaveBeenCalledTimes(1);

    const other = new fake.FakeContents();
    other.mainFrame.url = appUrl;
    const subframe = { url: appUrl, parent: contents.mainFrame };
    const navigatedAway = { url: 'https://evil.example/', parent: null };
    for (const event of [
      { sender: other, senderFrame: other.mainFrame },
      { sender: contents, senderFrame: subframe },
      { sender: contents, senderFrame: navigatedAway },
      { sender: contents, senderFrame: null },
    ]) {
      expect(await invoke('client:join', { uid: 1 }, event)).toEqual(FORBIDDEN);
    }
    expect(table['client:join']).toHaveBeenCalledTimes(1);
  });

  it('rejects a bad payload from the own page before the handler runs', async () => {
    const { contents, table, invoke } = setup();
    const own = { sender: contents, senderFrame: contents.mainFrame };
    expect(await invoke('fault:apply', { uid: 1, fault: { kind: 'meteor' } }, own)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(table['fault:apply']).not.toHaveBeenCalled();
  });

  it('sends events to the window until disposed', () => {
    const { contents, events, dispose } = setup();
    events.emit('scenario:progress', { runId: 'r', step: 1, steps: 3, label: 'join uid 1' });
    expect(contents.sent).toEqual([
      ['scenario:progress', { runId: 'r', step: 1, steps: 3, label: 'join uid 1' }],
    ]);
    dispose();
    events.emit('scenario:progress', { runId: 'r', step: 2, steps: 3, label: 'end' });
    expect(contents.sent).toHaveLength(1);
  });
});

describe('preload', () => {
  async function load(): Promise<FaultlineApi> {
    vi.resetModules();
    fake.exposed.clear();
    await import('../../../src/preload/index');
    // What the renderer does with the bridge (src/renderer/src/api): rebuild typed errors.
    return apiFromBridge(fake.exposed.get('faultline') as FaultlineBridge);
  }

  async function bridge(): Promise<FaultlineBridge> {
    await load();
    return fake.exposed.get('faultline') as FaultlineBridge;
  }

  it('exposes one object with only invoke and on', async () => {
    const exposed = await bridge();
    expect([...fake.exposed.keys()]).toEqual(['faultline']);
    expect(Object.keys(exposed).sort()).toEqual(['invoke', 'on']);
  });

  it('answers with envelopes that keep the error code across contextBridge', async () => {
    const exposed = await bridge();
    fake.ipcRenderer.invoke.mockReset();
    fake.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { name: 'LabServiceError', message: 'No lab is running.', code: 'NO_LAB' },
    });
    await expect(exposed.invoke('client:join', { uid: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'NO_LAB' },
    });
    fake.ipcRenderer.invoke.mockRejectedValueOnce(new Error('main crashed'));
    await expect(exposed.invoke('lab:get-status', {})).resolves.toMatchObject({ ok: false });
  });

  it('invokes allow-listed channels only, unwrapping the envelope', async () => {
    const api = await load();
    fake.ipcRenderer.invoke.mockReset();
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { running: false } });
    await expect(api.invoke('lab:get-status', {})).resolves.toEqual({ running: false });
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith('lab:get-status', {});

    fake.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { name: 'LabServiceError', message: 'No lab is running.', code: 'NO_LAB' },
    });
    const error = await api.invoke('client:join', { uid: 1 }).catch((e: unknown) => e);
    // (resetModules gave the preload its own copy of the class: compare by shape.)
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'IpcError', code: 'NO_LAB', message: 'No lab is running.' });
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ remoteName: 'LabServiceError' });

    fake.ipcRenderer.invoke.mockClear();
    for (const channel of ['fs:read', 'lab:start ', '__proto__']) {
      await expect(api.invoke(channel as never, {} as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(fake.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('subscribes to allow-listed events only, hands over the payload alone, and unsubscribes', async () => {
    const api = await load();
    fake.ipcRenderer.on.mockReset();
    fake.ipcRenderer.removeListener.mockReset();
    const listener = vi.fn();
    const off = api.on('lab:status', listener);
    expect(fake.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [channel, wrapped] = fake.ipcRenderer.on.mock.calls[0] as [string, (...a: unknown[]) => void];
    expect(channel).toBe('lab:status');
    wrapped({ sender: 'the raw event' }, { running: true });
    expect(listener).toHaveBeenCalledWith({ running: true });
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    expect(fake.ipcRenderer.removeListener).toHaveBeenCalledWith('lab:status', wrapped);
    expect(() => api.on('ipc:anything' as never, listener)).toThrow(/not an event/);
    expect(EVENT_CHANNELS).toContain('trace:opened');
  });
});

describe('menu', () => {
  const actions = { openTrace: vi.fn(), exportTrace: vi.fn(), about: vi.fn() };
  const labels = (items: Array<{ label?: string; role?: string }>) => items.map((i) => i.label ?? i.role);

  it('has File (open, export, quit), View and Help (about); dev tools only in development', () => {
    const prod = menuTemplate(actions, { isDev: false, isMac: false });
    const sub = (label: string, m = prod) =>
      (m.find((i) => i.label === label)?.submenu ?? []) as Array<{
        label?: string;
        role?: string;
        click?: () => void;
      }>;
    expect(labels(sub('&File'))).toEqual(['Open Trace…', 'Export Trace…', undefined, 'quit']);
    expect(labels(sub('&View'))).toEqual(
      expect.arrayContaining(['reload', 'zoomIn', 'zoomOut', 'resetZoom']),
    );
    expect(labels(sub('&View'))).not.toContain('toggleDevTools');
    expect(labels(sub('&View', menuTemplate(actions, { isDev: true, isMac: false })))).toContain(
      'toggleDevTools',
    );
    sub('&File')[0]!.click!();
    sub('&File')[1]!.click!();
    sub('&Help')[0]!.click!();
    expect(actions.openTrace).toHaveBeenCalled();
    expect(actions.exportTrace).toHaveBeenCalled();
    expect(actions.about).toHaveBeenCalled();
  });
});
