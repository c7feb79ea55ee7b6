/**
 * Browser mode as a person starts it: a real process prints one machine-readable URL line,
 * serves the page with that URL, and exits cleanly on SIGTERM. Also `npm start`'s fallback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { URL_LINE_PREFIX } from '../../../src/web/args';
import { isAlive } from '../../helpers/process';

const root = join(import.meta.dirname, '../../..');
let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.pid && isAlive(child.pid)) child.kill('SIGKILL');
  child = undefined;
});

function renderer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-entry-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Faultline</title>');
  return dir;
}

/** Resolves with the first stdout line that starts with `prefix`. */
function lineStarting(proc: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.startsWith(prefix));
      if (line) resolve(line);
    });
    proc.once('exit', (code) => reject(new Error(`exited (${code}) before printing "${prefix}": ${text}`)));
  });
}

describe('browser mode entry', () => {
  it('prints the URL line, serves the page, and stops on SIGTERM', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/web/main.ts'), '--no-open', '--root', renderer()],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const line = await lineStarting(child, URL_LINE_PREFIX);
    const url = line.slice(URL_LINE_PREFIX.length);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Faultline</title>');
    expect((await fetch(url.replace(/token=.*/, 'token=nope'))).status).toBe(401);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a non-loopback host without --allow-remote', async () => {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'src/web/main.ts'),
        '--no-open',
        '--host',
        '0.0.0.0',
        '--root',
        renderer(),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toMatch(/loopback-only unless --allow-remote/);
  });

  it.each([
    [
      'a runtime that is not there',
      { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent/electron-dist' },
      'Electron runtime not available (ELECTRON_OVERRIDE_DIST_PATH holds no runtime (/nonexistent/electron-dist)); starting browser mode instead.',
    ],
    [
      'a person who asked for it',
      { FAULTLINE_BROWSER_MODE: '1' },
      'Starting browser mode (FAULTLINE_BROWSER_MODE is set).',
    ],
  ])(
    'npm start says in one line why it starts browser mode: %s',
    async (_case, env, line) => {
      // Never a download from a test: the override names a runtime, or browser mode is forced.
      child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--no-open', '--root', renderer()], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', FAULTLINE_SKIP_BUILD: '1', ...env },
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      await lineStarting(child, URL_LINE_PREFIX);
      expect(out.split('\n')[0]).toBe(line);
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    120_000,
  );
});
