/**
 * `npm start`'s runtime lookup (scripts/electron-runtime.mjs): an ELECTRON_OVERRIDE_DIST_PATH
 * folder is searched where Electron's release zip puts the executable on each OS — before, the
 * electron package's shim looked for `<folder>/electron` on every OS unless its installer had
 * run, so an unpacked runtime on macOS or Windows was "not available". Without the override, the
 * shim's answer is used only when its file exists.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findElectronRuntime, runtimeExecutable } from '../../../scripts/electron-runtime.mjs';

const root = mkdtempSync(join(tmpdir(), 'faultline-runtime-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An unpacked runtime folder for `platform`, with its executable where the release zip has it. */
function unpacked(platform: NodeJS.Platform): string {
  const dir = join(root, platform);
  const exe = join(dir, runtimeExecutable(platform));
  mkdirSync(dirname(exe), { recursive: true });
  writeFileSync(exe, '');
  return dir;
}

const noShim = (): never => {
  throw new Error('Electron failed to install correctly');
};

describe("npm start's Electron runtime lookup", () => {
  it.each(['linux', 'darwin', 'win32'] as const)('finds an overridden runtime on %s', (platform) => {
    const dir = unpacked(platform);
    const found = findElectronRuntime({
      env: { ELECTRON_OVERRIDE_DIST_PATH: dir },
      platform,
      requireElectron: noShim,
    });
    expect(found).toEqual({ path: join(dir, runtimeExecutable(platform)) });
  });

  it("says the override holds no runtime when its OS's executable is missing", () => {
    const linuxOnly = unpacked('linux');
    expect(
      findElectronRuntime({
        env: { ELECTRON_OVERRIDE_DIST_PATH: linuxOnly },
        platform: 'win32',
        requireElectron: noShim,
      }),
    ).toEqual({ path: null, why: `ELECTRON_OVERRIDE_DIST_PATH holds no runtime (${linuxOnly})` });
  });

  it("uses the electron package's runtime only when its file exists", () => {
    const exe = join(unpacked('linux'), 'electron');
    expect(findElectronRuntime({ env: {}, platform: 'linux', requireElectron: () => exe })).toEqual({
      path: exe,
    });
    expect(
      findElectronRuntime({
        env: {},
        platform: 'linux',
        requireElectron: () => join(root, 'gone', 'electron'),
      }),
    ).toEqual({ path: null, why: 'no runtime was fetched yet' });
    expect(findElectronRuntime({ env: {}, platform: 'linux', requireElectron: noShim })).toEqual({
      path: null,
      why: 'no runtime was fetched yet',
    });
  });
});
