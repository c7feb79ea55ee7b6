/**
 * The hosting processes' guard against stray promise rejections, in a real child process: with
 * the guard the rejection is reported and the process goes on; without it Node ends the process
 * (the control case, so the test can fail).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeReason } from '../../../src/app/process-guards';

const root = join(import.meta.dirname, '../../..');

function runChild(guarded: boolean): { status: number | null; stdout: string; stderr: string } {
  const script = [
    `const { installProcessGuards } = await import(${JSON.stringify(join(root, 'src/app/process-guards.ts'))});`,
    guarded ? `installProcessGuards((m) => console.error('REPORTED ' + m));` : '',
    `Promise.reject(new Error('stray failure'));`,
    `setTimeout(() => console.log('still alive'), 200);`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('installProcessGuards', () => {
  it('reports a stray rejection with its stack and keeps the process running', () => {
    const run = runChild(true);
    expect(run.stderr).toMatch(
      /REPORTED unhandled promise rejection \(the app goes on\): Error: stray failure\n\s+at /,
    );
    expect(run.stdout).toContain('still alive');
    expect(run.status).toBe(0);
  });

  it('control: without the guard Node ends the process', () => {
    const run = runChild(false);
    expect(run.stdout).not.toContain('still alive');
    expect(run.status).not.toBe(0);
  });

  it('describes any reason', () => {
    expect(describeReason('text')).toBe('text');
    expect(describeReason({ code: 7 })).toBe('{"code":7}');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(describeReason(cyclic)).toBe('[object Object]');
  });
});
