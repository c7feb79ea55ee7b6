/**
 * The Electron transport of the contract: every invoke channel registered with `ipcMain.handle`
 * through ONE wrapper that first checks the sender (the app's own window, its main frame, on the
 * app's own page) and then dispatches; events go to that window with `webContents.send`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS } from '../../shared/ipc/contract';
import type { ServiceEvents } from '../../app';
import type { Dispatch, Envelope } from '../../app';

/** What the IPC adapter needs to know about the app. */
export interface ElectronIpcOptions {
  dispatch: Dispatch;
  /** Where the events come from (the lab host's, relayed). */
  events: Pick<ServiceEvents, 'onAny'>;
  /** The main window, when there is one. */
  window: () => BrowserWindow | null;
  /** True for the app's own page URL (its file:// page, or the dev server in development). */
  isAppUrl: (url: string) => boolean;
}

/** The answer to a sender that is not the app's own page. */
export const FORBIDDEN: Envelope = {
  ok: false,
  error: { name: 'IpcError', message: 'This sender may not use the Faultline API.', code: 'FORBIDDEN' },
};

/**
 * True when an invoke comes from the main window's own web contents, from its main frame (not
 * an iframe), showing the app's page (not a page it navigated to).
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  window: BrowserWindow | null,
  isAppUrl: (url: string) => boolean,
): boolean {
  if (!window || window.isDestroyed()) return false;
  const contents = window.webContents;
  const frame = event.senderFrame;
  if (event.sender !== contents || !frame) return false;
  if (frame !== contents.mainFrame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/**
 * Registers every invoke channel and forwards every event to the window. Returns a function
 * that removes the handlers and the forwarding.
 */
export function registerElectronIpc(options: ElectronIpcOptions): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown): Promise<Envelope> => {
      if (!isTrustedSender(event, options.window(), options.isAppUrl)) return FORBIDDEN;
      return options.dispatch(channel, payload);
    });
  }
  const stopEvents = options.events.onAny((channel, payload) => {
    const window = options.window();
    if (window && !window.isDestroyed()) window.webContents.send(channel, payload);
  });
  return () => {
    stopEvents();
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}
