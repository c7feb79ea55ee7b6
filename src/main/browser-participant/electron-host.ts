/**
 * The desktop app's {@link BrowserHost}: each browser participant is a hidden, sandboxed
 * window in its own in-memory session, running Electron's Chromium WebRTC stack. The agent page
 * is served from memory for one URL only (every other request of that session fails); media
 * permission is granted to that session alone (Chromium's fake devices: see
 * {@link PARTICIPANT_SWITCHES}); events come back through a one-function preload and are
 * accepted only from the participant windows themselves.
 *
 * Not exercised by the tests on this machine (no Electron runtime can be downloaded here); the
 * same agent runs under playwright in the Node tests (`ChromiumHost`).
 */
import { BrowserWindow, ipcMain, session, type IpcMainEvent, type Session } from 'electron';
import { AgentPageBase } from '../../lab';
import { parseAgentEvent, type AgentPage, type BrowserHost } from '../../lab';
import { AGENT_URL, pageAgentHtml } from '../../lab';

/** Session partition of the participant windows (no `persist:`: nothing reaches the disk). */
export const PARTICIPANT_PARTITION = 'faultline-participants';
/** IPC channel of participant events (must match src/preload/participant.ts). */
export const PARTICIPANT_EVENT_CHANNEL = 'faultline-participant:event';
/**
 * Command-line switches the app sets before `ready`: fake camera and microphone for
 * `getUserMedia` (only participant pages ask for media) and loopback ICE candidates.
 */
export const PARTICIPANT_SWITCHES: readonly string[] = [
  'use-fake-device-for-media-stream',
  'allow-loopback-in-peer-connection',
];

/** True for the participant windows' session (the dashboard's guards leave its permissions alone). */
export function isParticipantSession(candidate: Session): boolean {
  return candidate === session.fromPartition(PARTICIPANT_PARTITION);
}

/** Hidden participant windows. */
export class ElectronBrowserHost implements BrowserHost {
  private readonly pages = new Map<number, ElectronAgentPage>();
  private sessionReady = false;
  private disposed = false;
  private readonly onIpc = (event: IpcMainEvent, json: unknown): void => {
    const page = this.pages.get(event.sender.id);
    if (!page || event.senderFrame !== event.sender.mainFrame) return;
    const parsed = parseAgentEvent(json);
    if (parsed) page.emit(parsed);
  };

  /** @param preloadPath absolute path of the built participant preload (`out/preload/participant.cjs`) */
  constructor(private readonly preloadPath: string) {
    ipcMain.on(PARTICIPANT_EVENT_CHANNEL, this.onIpc);
  }

  async openPage(): Promise<AgentPage> {
    if (this.disposed) throw new Error('the browser host is disposed');
    this.prepareSession();
    const win = new BrowserWindow({
      show: false,
      width: 320,
      height: 240,
      webPreferences: {
        preload: this.preloadPath,
        partition: PARTICIPANT_PARTITION,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        backgroundThrottling: false,
        spellcheck: false,
      },
    });
    const page = new ElectronAgentPage(win, process.versions.chrome ?? 'unknown');
    const id = win.webContents.id;
    this.pages.set(id, page);
    page.onClosed(() => this.pages.delete(id));
    try {
      await win.loadURL(AGENT_URL);
    } catch (err) {
      await page.close();
      throw err;
    }
    return page;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    ipcMain.removeListener(PARTICIPANT_EVENT_CHANNEL, this.onIpc);
    for (const page of [...this.pages.values()]) await page.close();
  }

  private prepareSession(): void {
    if (this.sessionReady) return;
    this.sessionReady = true;
    const ses = session.fromPartition(PARTICIPANT_PARTITION);
    ses.protocol.handle('http', (request) =>
      request.url === AGENT_URL
        ? new Response(pageAgentHtml(), { headers: { 'content-type': 'text/html; charset=utf-8' } })
        : Response.error(),
    );
    ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'media'));
    ses.setPermissionCheckHandler((_wc, permission) => permission === 'media');
  }
}

/** One hidden window running the agent. */
class ElectronAgentPage extends AgentPageBase {
  constructor(
    private readonly win: BrowserWindow,
    browserVersion: string,
  ) {
    super(browserVersion);
    win.webContents.on('render-process-gone', (_e, details) =>
      this.markClosed(`the participant window's renderer is gone (${details.reason})`),
    );
    win.on('closed', () => this.markClosed('the participant window closed'));
  }

  async call<T = unknown>(method: string, args: unknown[]): Promise<T> {
    if (this.closedReason) throw new Error(this.closedReason);
    return (await this.win.webContents.executeJavaScript(AgentPageBase.expression(method, args), true)) as T;
  }

  async close(): Promise<void> {
    this.markClosed('the participant window closed');
    if (!this.win.isDestroyed()) this.win.destroy();
  }
}
