/**
 * Browser mode as a person starts it: a real process prints one machine-readable URL line,
 * serves the page with that URL, and exits cleanly on SIGTERM. Also `npm start`'s fallback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { URL_LINE_PREFIX } from '../../../src/main/web/args';
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
      ['--import', 'tsx', join(root, 'src/main/web/main.ts'), '--no-open', '--root', renderer()],
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
        join(root, 'src/main/web/main.ts'),
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

  it('npm start says in one line that Electron is missing and starts browser mode', async () => {
    child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--no-open', '--root', renderer()], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FAULTLINE_BROWSER_MODE: '1', FAULTLINE_SKIP_BUILD: '1' },
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await lineStarting(child, URL_LINE_PREFIX);
    expect(out.split('\n')[0]).toBe(
      'Electron runtime not available on this machine; starting browser mode instead.',
    );
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }, 120_000);
});
