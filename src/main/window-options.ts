/**
 * The main window: its security options (docs/DEVELOPMENT.md "Conventions": isolated, sandboxed,
 * no Node) and the guards on its web contents (no new windows, no navigation away from the
 * app, no permissions it does not need). Kept apart from index.ts so unit tests can pin them.
 */
import { BrowserWindow, shell, type WebContents, type WebPreferences } from 'electron';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isParticipantSession } from './browser-participant/electron-host';

/** The renderer's security options. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** Where the page comes from: the built file, or the dev server in development. */
export interface AppPage {
  /** Absolute path of the built `index.html`. */
  file: string;
  /** The dev server URL (ELECTRON_RENDERER_URL), when running `electron-vite dev`. */
  devUrl?: string;
}

/**
 * True for the app's own page: the built index.html (any query or hash), or a URL of the dev
 * server's origin. Everything else — other files, other sites — is foreign.
 */
export function isAppUrl(page: AppPage, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (page.devUrl) {
    const dev = new URL(page.devUrl);
    if (parsed.origin === dev.origin && parsed.protocol === dev.protocol) return true;
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  // Compare file paths, not URL spellings: encoders differ on `%`, `^`, `|`, spaces and
  // non-ASCII characters, and an install path may hold any of them.
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch {
    return false;
  }
  return samePath(path, page.file);
}

/** The URL the window loads the app's page from: the same encoder {@link isAppUrl} reads back. */
export function appPageUrl(page: AppPage): string {
  return pathToFileURL(page.file).href;
}

function samePath(a: string, b: string): boolean {
  const left = resolve(a);
  const right = resolve(b);
  // Windows and macOS file systems are case-insensitive by default.
  return process.platform === 'linux' ? left === right : left.toLowerCase() === right.toLowerCase();
}

/** True for a link that may be handed to the system browser: plain http(s) with a host. */
export function isExternalLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
      parsed.hostname !== '' &&
      !parsed.username
    );
  } catch {
    return false;
  }
}

/** Permissions the dashboard uses (copying a finding to the clipboard); all others are denied. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

const hardened = new WeakSet<WebContents>();

/**
 * Guards on a window's web contents: new windows denied (http(s) links open in the system
 * browser instead), navigation and redirects away from the app blocked, webviews refused,
 * permission requests denied except {@link ALLOWED_PERMISSIONS}. Idempotent.
 */
export function hardenContents(contents: WebContents, page: AppPage): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const stayHome = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(page, url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Browser participants' own session grants media (electron-host.ts); every other is locked.
  if (isParticipantSession(contents.session)) return;
  contents.session.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.has(permission)),
  );
  contents.session.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.has(permission));
}

/** Options of {@link createMainWindow}. */
export interface MainWindowOptions {
  page: AppPage;
  /** Absolute path of the built preload (CommonJS: a sandboxed preload cannot be ESM). */
  preload: string;
}

/** Creates the one main window, guarded, and loads the app's page into it. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    title: 'Faultline',
    show: false,
    backgroundColor: '#111418',
    webPreferences: secureWebPreferences(options.preload),
  });
  hardenContents(win.webContents, options.page);
  win.once('ready-to-show', () => win.show());
  if (options.page.devUrl) void win.loadURL(options.page.devUrl);
  else void win.loadURL(appPageUrl(options.page));
  return win;
}
