#!/usr/bin/env node
/**
 * `npm start`: builds and launches the Electron app. Where the Electron runtime cannot be had
 * (an offline machine installs only electron's shim), it says so in one line and starts browser
 * mode instead (`npm run web`: the same dashboard in a browser on loopback). Arguments go to
 * browser mode, e.g. `npm start -- --port 5174 --no-open`. FAULTLINE_BROWSER_MODE=1 picks
 * browser mode even where Electron exists.
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
if (electronBinary() && !process.env.FAULTLINE_BROWSER_MODE) {
  run(join(bin, 'electron-vite'), ['preview']);
} else {
  console.log('Electron runtime not available on this machine; starting browser mode instead.');
  run(process.execPath, [join(root, 'scripts', 'web.mjs'), ...process.argv.slice(2)]);
}
