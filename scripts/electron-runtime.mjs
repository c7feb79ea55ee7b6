/**
 * Where `npm start` finds the Electron runtime. `ELECTRON_OVERRIDE_DIST_PATH` names a folder
 * holding an unpacked Electron of your own; in it the executable sits where Electron's release
 * zip puts it on each OS (`electron`, `electron.exe`, `Electron.app/Contents/MacOS/Electron`).
 * Without the override, the runtime the electron package's installer fetched (its shim names
 * it). Kept apart from start.mjs so the lookup is tested without launching anything.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The executable's place inside an unpacked Electron folder, per `process.platform`. */
export function runtimeExecutable(platform) {
  if (platform === 'darwin') return join('Electron.app', 'Contents', 'MacOS', 'Electron');
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * The runtime's executable, or why there is none: `{ path }` or `{ path: null, why }`.
 * `requireElectron` loads the electron package's shim (it throws when no runtime was fetched).
 */
export function findElectronRuntime({ env, platform, requireElectron }) {
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, runtimeExecutable(platform));
    return existsSync(path)
      ? { path }
      : { path: null, why: `ELECTRON_OVERRIDE_DIST_PATH holds no runtime (${override})` };
  }
  try {
    const path = requireElectron();
    if (typeof path === 'string' && existsSync(path)) return { path };
  } catch {
    // The shim throws when no runtime was ever fetched.
  }
  return { path: null, why: 'no runtime was fetched yet' };
}
