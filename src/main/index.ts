/**
 * Electron main process: the composition root of the desktop app. One LabService (the same one
 * browser mode runs), the IPC adapter, one guarded window, the menu and the trace dialogs.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { ElectronBrowserHost, PARTICIPANT_SWITCHES } from './browser-participant/electron-host';
import { registerElectronIpc } from './ipc/electron-ipc';
import { createDispatcher, createHandlers } from '../app';
import { electronTraceDialogs } from './ipc/trace-dialogs';
import { installMenu } from './menu';
import { installProcessGuards } from '../app';
import { LabService } from '../app';
import { OpenUploads } from '../app';
import { electronJournalDir } from '../app';
import { createMainWindow, hardenContents, isAppUrl, type AppPage } from './window-options';

const page: AppPage = {
  file: join(__dirname, '../renderer/index.html'),
  devUrl: app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'],
};
const preload = join(__dirname, '../preload/index.cjs');

// Browser participants: fake camera/mic and loopback ICE (switches must precede `ready`).
for (const name of PARTICIPANT_SWITCHES) app.commandLine.appendSwitch(name);
const browserHost = new ElectronBrowserHost(join(__dirname, '../preload/participant.cjs'));

let mainWindow: BrowserWindow | null = null;
const service = new LabService({
  mode: 'electron',
  app: { name: app.getName(), version: app.getVersion() },
  journalDir: electronJournalDir(app.getPath('userData')),
  browserHost,
});
installProcessGuards((message) => {
  console.error(message);
  service.recordProcessProblem(message);
});
const dialogs = electronTraceDialogs(service, () => mainWindow);
const uploads = new OpenUploads({ events: service.events });

function showWindow(): void {
  mainWindow = createMainWindow({ page, preload });
  mainWindow.on('closed', () => {
    mainWindow = null;
    // Hidden participant windows must not keep the app alive once the dashboard is closed.
    if (process.platform !== 'darwin') app.quit();
  });
}

async function reportFailure(what: string, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    dialog.showErrorBox(what, (error as Error).message);
  }
}

function about(): void {
  const { name, version, versions } = service.info();
  const lines = Object.entries(versions).map(([k, v]) => `${k}: ${v ?? '—'}`);
  const options = {
    type: 'info' as const,
    title: 'About Faultline',
    message: `${name === 'faultline' ? 'Faultline' : name} ${version}`,
    detail: `Reproduce and explain real-time connection faults against real WebRTC calls.\n\n${lines.join('\n')}`,
  };
  void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
}

// Every web contents (including any the app did not mean to create) gets the same guards.
app.on('web-contents-created', (_event, contents) => hardenContents(contents, page));

void app.whenReady().then(() => {
  registerElectronIpc({
    dispatch: createDispatcher(createHandlers(service, dialogs, uploads)),
    events: service.events,
    window: () => mainWindow,
    isAppUrl: (url) => isAppUrl(page, url),
  });
  installMenu(
    {
      // With the dashboard up, the page carries the command out (progress bar and Cancel for an
      // open, the Export dialog with its redaction preview); without it, the dialogs directly.
      openTrace: () =>
        mainWindow
          ? service.events.emit('app:menu', { action: 'open-trace' })
          : void reportFailure('Could not open the trace', () => dialogs.openTrace()),
      exportTrace: () =>
        mainWindow
          ? service.events.emit('app:menu', { action: 'export-trace' })
          : void reportFailure('Could not export the trace', () =>
              dialogs.exportTrace({ format: 'bundle', redact: true, pseudonymizeIds: false }),
            ),
      about,
    },
    { isDev: !app.isPackaged, isMac: process.platform === 'darwin' },
  );
  showWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Stop the lab (server process, clients, injectors) and any open under way (its temp files go)
// before the app goes.
let disposed = false;
app.on('will-quit', (event) => {
  if (disposed) return;
  event.preventDefault();
  void Promise.all([service.dispose(), uploads.dispose()])
    .then(() => browserHost.dispose())
    .finally(() => {
      disposed = true;
      app.quit();
    });
});
