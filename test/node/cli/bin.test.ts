/**
 * The `faultline` executable itself (bin/faultline.mjs, a real child process): it exits with the
 * command's code as soon as the command is done, and a reader that goes away early ends the
 * output without a crash.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'faultline.mjs');

function run(args: string[], closeAfterFirstChunk = false): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => {
      if (closeAfterFirstChunk) child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, err }));
  });
}

describe('bin/faultline.mjs', () => {
  it('exits with the command code (2 for an unknown scenario, 0 for a listing)', async () => {
    expect((await run(['run', 'no-such-scenario'])).code).toBe(2);
    expect((await run(['scenarios'])).code).toBe(0);
  }, 60_000);

  it('ends quietly when its reader goes away (EPIPE)', async () => {
    const { code, err } = await run(['scenarios'], true);
    expect(err).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  }, 60_000);
});
