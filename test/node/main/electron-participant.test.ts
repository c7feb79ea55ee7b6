/**
 * The desktop app's browser-participant host with `electron` mocked thinly (no Electron runtime
 * here): what its private session serves and grants, the hidden window's options, and which
 * IPC events it accepts. The agent itself runs under playwright in test/node/browser.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  const session = {
    protocolHandler: null as ((req: { url: string }) => Response) | null,
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    protocol: {
      handle: (_scheme: string, fn: (req: { url: string }) => Response) => (session.protocolHandler = fn),
    },
    setPermissionRequestHandler: (fn: Listener) => (session.permissionRequest = fn),
    setPermissionCheckHandler: (fn: Listener) => (session.permissionCheck = fn),
  };
  let nextId = 1;
  class FakeWindow {
    static all: FakeWindow[] = [];
    destroyed = false;
    listeners = new Map<string, Listener>();
    webContents = {
      id: nextId++,
      mainFrame: { name: 'main' },
      listeners: new Map<string, Listener>(),
      on(name: string, fn: Listener) {
        this.listeners.set(name, fn);
      },
      executeJavaScript: vi.fn(async (expression: string) => expression),
    };
    loaded: string[] = [];
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      FakeWindow.all.push(this);
    }
    on(name: string, fn: Listener): void {
      this.listeners.set(name, fn);
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    destroy(): void {
      this.destroyed = true;
      this.listeners.get('closed')?.();
    }
  }
  const ipc = new Map<string, Listener>();
  return { session, FakeWindow, ipc };
});

vi.mock('electron', () => ({
  BrowserWindow: fake.FakeWindow,
  session: { fromPartition: () => fake.session },
  ipcMain: {
    on: (channel: string, fn: (...args: unknown[]) => unknown) => fake.ipc.set(channel, fn),
    removeListener: (channel: string) => fake.ipc.delete(channel),
  },
}));

import { AGENT_URL } from '../../../src/lab/browser/page-agent';
import {
  ElectronBrowserHost,
  PARTICIPANT_EVENT_CHANNEL,
  PARTICIPANT_PARTITION,
} from '../../../src/main/browser-participant/electron-host';

beforeEach(() => {
  fake.FakeWindow.all = [];
});

describe('ElectronBrowserHost', () => {
  it('opens a hidden, sandboxed window in its own in-memory session on the agent URL', async () => {
    const host = new ElectronBrowserHost('/app/out/preload/participant.cjs');
    const page = await host.openPage();
    const win = fake.FakeWindow.all[0]!;
    expect(win.options).toMatchObject({
      show: false,
      webPreferences: {
        partition: PARTICIPANT_PARTITION,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        preload: '/app/out/preload/participant.cjs',
      },
    });
    expect(PARTICIPANT_PARTITION.startsWith('persist:')).toBe(false);
    expect(win.loaded).toEqual([AGENT_URL]);
    expect(page.browserVersion).toBe(process.versions.chrome ?? 'unknown');
    await host.dispose();
    expect(win.destroyed).toBe(true);
    expect(fake.ipc.has(PARTICIPANT_EVENT_CHANNEL)).toBe(false);
  });

  it('serves the agent for its one URL only and grants media, nothing else', async () => {
    const host = new ElectronBrowserHost('/p.cjs');
    await host.openPage();
    const served = fake.session.protocolHandler!({ url: AGENT_URL });
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('window.__faultline');
    expect(fake.session.protocolHandler!({ url: 'http://localhost/other' }).type).toBe('error');
    expect(fake.session.protocolHandler!({ url: 'http://example.com/' }).type).toBe('error');
    for (const [permission, granted] of [
      ['media', true],
      ['geolocation', false],
      ['notifications', false],
      ['clipboard-sanitized-write', false],
    ] as const) {
      const callback = vi.fn();
      fake.session.permissionRequest!(null, permission, callback);
      expect(callback).toHaveBeenCalledWith(granted);
      expect(fake.session.permissionCheck!(null, permission)).toBe(granted);
    }
    await host.dispose();
  });

  it('accepts events only from its own windows’ main frames, validated', async () => {
    const host = new ElectronBrowserHost('/p.cjs');
    const page = await host.openPage();
    const win = fake.FakeWindow.all[0]!;
    const seen: unknown[] = [];
    page.onEvent((e) => seen.push(e));
    const send = fake.ipc.get(PARTICIPANT_EVENT_CHANNEL)!;
    const good = JSON.stringify({ pc: 'pc1', kind: 'icecandidate', candidate: null });
    send({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, good);
    send({ sender: win.webContents, senderFrame: { name: 'child' } }, good);
    send({ sender: { id: 999, mainFrame: {} }, senderFrame: {} }, good);
    send({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, '{"pc":1}');
    send({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 42);
    expect(seen).toEqual([{ pc: 'pc1', kind: 'icecandidate', candidate: null }]);
    await host.dispose();
  });

  it('calls the agent by script and refuses calls once the window is gone', async () => {
    const host = new ElectronBrowserHost('/p.cjs');
    const page = await host.openPage();
    const win = fake.FakeWindow.all[0]!;
    expect(await page.call('info', [])).toBe('window.__faultline.call("info", [])');
    const reasons: string[] = [];
    page.onClosed((r) => reasons.push(r));
    win.webContents.listeners.get('render-process-gone')!({}, { reason: 'crashed' });
    expect(reasons).toEqual(["the participant window's renderer is gone (crashed)"]);
    await expect(page.call('info', [])).rejects.toThrow(/renderer is gone/);
    await host.dispose();
  });
});
