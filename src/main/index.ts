/**
 * Electron main process: the composition root of the desktop app. The lab runs in a utility
 * process of its own (the lab host); this process keeps the windows, the menu, the native
 * dialogs and the IPC adapter, relays the page's invokes to the host and its events back, and
 * starts the host's own children (the channel server) through `utilityProcess` too, so nothing
 * depends on `child_process.fork` (which stops working with the RunAsNode fuse off).
 */
import { app, BrowserWindow, dialog, powerSaveBlocker } from 'electron';
import { join } from 'node:path';
import { ElectronBrowserHost, PARTICIPANT_SWITCHES } from './browser-participant/electron-host';
import { registerElectronIpc } from './ipc/electron-ipc';
import { electronPathPicker } from './ipc/trace-dialogs';
import { installMenu } from './menu';
import { installProcessGuards, LabHostClient, resolveLabHostEntry } from '../app';
import { electronJournalDir } from '../app';
import type { Dispatch } from '../app';
import { keepAwakeWhileRunning, quitGate } from './lifecycle';
import { utilityLauncher } from './utility-launcher';
import { createMainWindow, hardenContents, isAppUrl, type AppPage } from './window-options';

const page: AppPage = {
  file: join(__dirname, '../renderer/index.html'),
  devUrl: app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'],
};
const preload = join(__dirname, '../preload/index.cjs');

// One instance: a second one would list this one's live journal as recoverable and could
// discard it. The second instance hands over (focus here) and ends.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  // Browser participants: fake camera/mic and loopback ICE (switches must precede `ready`).
  for (const name of PARTICIPANT_SWITCHES) app.commandLine.appendSwitch(name);
  const browserHost = new ElectronBrowserHost(join(__dirname, '../preload/participant.cjs'));
  let mainWindow: BrowserWindow | null = null;
  let host: LabHostClient | null = null;

  const hostReady = app.whenReady().then(() =>
    LabHostClient.start({
      launcher: utilityLauncher,
      entry: resolveLabHostEntry(__dirname),
      host: {
        mode: 'electron',
        app: { name: app.getName(), version: app.getVersion() },
        journalDir: electronJournalDir(app.getPath('userData')),
        remoteBrowser: true,
        remoteDialogs: true,
        remoteChildren: true,
      },
      browserHost,
      picker: electronPathPicker(() => mainWindow),
      childLauncher: utilityLauncher,
    }).then((client) => {
      host = client;
      keepAwakeWhileRunning(client.events, powerSaveBlocker);
      return client;
    }),
  );
  const dispatch: Dispatch = async (channel, payload) => (await hostReady).dispatch(channel, payload);
  installProcessGuards((message) => {
    console.error(message);
    host?.recordProcessProblem(message);
  });

  const showWindow = (): BrowserWindow => {
    const win = createMainWindow({ page, preload });
    mainWindow = win;
    win.on('closed', () => {
      mainWindow = null;
      // Hidden participant windows must not keep the app alive once the dashboard is closed.
      if (process.platform !== 'darwin') app.quit();
    });
    return win;
  };

  /** Runs a menu command in the page (progress bar, Cancel, Export dialog), opening it if need be. */
  const inPage = (action: 'open-trace' | 'export-trace'): void => {
    const emit = (): void => host?.events.emit('app:menu', { action });
    if (mainWindow) return emit();
    showWindow().webContents.once('did-finish-load', emit);
  };

  const about = (): void => {
    const info = host?.info();
    const lines = Object.entries(info?.versions ?? {}).map(([k, v]) => `${k}: ${v ?? '—'}`);
    const name = info?.name ?? app.getName();
    const options = {
      type: 'info' as const,
      title: 'About Faultline',
      message: `${name === 'faultline' ? 'Faultline' : name} ${info?.version ?? app.getVersion()}`,
      detail: `Reproduce and explain real-time connection faults against real WebRTC calls.\n\n${lines.join('\n')}`,
    };
    void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
  };

  // Every web contents (including any the app did not mean to create) gets the same guards.
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, page));

  app.on('second-instance', () => {
    if (!mainWindow) return void showWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  void app.whenReady().then(() => {
    registerElectronIpc({
      dispatch,
      events: { onAny: (listener) => onHostEvents(listener) },
      window: () => mainWindow,
      isAppUrl: (url) => isAppUrl(page, url),
    });
    installMenu(
      { openTrace: () => inPage('open-trace'), exportTrace: () => inPage('export-trace'), about },
      { isDev: !app.isPackaged, isMac: process.platform === 'darwin' },
    );
    showWindow();
    // The Dock icon: hidden participant windows count among all windows, the dashboard is what matters.
    app.on('activate', () => {
      if (!mainWindow) showWindow();
    });
    hostReady.catch((error: unknown) => {
      dialog.showErrorBox('The lab could not start', (error as Error).message);
      app.quit();
    });
  });

  /** Forwards the host's events once it is up (the page subscribes before that). */
  function onHostEvents(listener: Parameters<LabHostClient['events']['onAny']>[0]): () => void {
    let stop: (() => void) | null = null;
    let stopped = false;
    void hostReady.then(
      (client) => {
        if (!stopped) stop = client.events.onAny(listener);
      },
      () => undefined,
    );
    return () => {
      stopped = true;
      stop?.();
    };
  }

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Stop the lab before any window closes: the host ends its trace, its children and the
  // participant pages it opened, then the windows go. Bounded, so a stuck lab cannot keep the
  // app from quitting.
  app.on(
    'before-quit',
    quitGate({
      shutdown: async () => {
        const client = await hostReady.catch(() => null);
        await client?.dispose();
        await browserHost.dispose();
      },
      quit: () => app.quit(),
      onProblem: (message) => console.error(`faultline: ${message}`),
    }),
  );
}
