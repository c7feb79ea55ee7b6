#!/usr/bin/env node
/**
 * `npm start`: builds and launches the Electron app. Where the Electron runtime cannot be had
 * (an offline machine installs only electron's shim), it says so in one line and starts the
 * lab headless on its embedded default instead (channel server on loopback, local clients).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    return require('electron'); // the shim resolves to the runtime's path, or throws
  } catch {
    return null;
  }
}

function run(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

const bin = join(root, 'node_modules', '.bin');
if (electronBinary()) {
  run(join(bin, 'electron-vite'), ['preview']);
} else {
  console.log(
    'Electron runtime not available on this machine (offline install); starting the lab headless instead.',
  );
  run(process.execPath, [join(root, 'bin', 'faultline.mjs'), 'lab', ...process.argv.slice(2)]);
}
