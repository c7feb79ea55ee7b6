/**
 * Starts browser mode as a person would (`node scripts/web.mjs --port 0 --no-open`: builds the
 * renderer when stale, serves it on loopback behind a token) and reads the URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A running browser-mode process. */
export interface BrowserMode {
  /** The URL with the token, as printed. */
  url: string;
  /** Everything the process printed so far, and how it exited if it did (for failure messages). */
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts browser mode and resolves once it printed its URL (the build can take a while). */
export async function startBrowserMode(timeoutMs = 120_000): Promise<BrowserMode> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'scripts', 'web.mjs'), '--port', '0', '--no-open'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`browser mode printed no URL in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Faultline browser mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      output += `\n[browser mode exited: code ${code}, signal ${signal}]\n`;
      clearTimeout(timer);
      reject(new Error(`browser mode exited (${code}) before printing its URL:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
