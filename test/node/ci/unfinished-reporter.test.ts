/**
 * The CI's unfinished-tests reporter against a real vitest run whose worker process dies: the log
 * must name the test that was running and its file (vitest alone says "Worker exited
 * unexpectedly" and nothing else).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const fixture = join(root, 'test/fixtures/worker-crash');

describe('unfinished-tests reporter', () => {
  it('names the test and the file whose worker died', () => {
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        fixture,
        '--reporter=default',
        `--reporter=${join(root, 'test/reporters/unfinished-tests.ts')}`,
      ],
      { cwd: fixture, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true', NO_COLOR: '1' } },
    );
    const out = `${run.stdout}\n${run.stderr}`;
    expect(run.status, out).not.toBe(0);
    expect(out).toContain('Worker exited unexpectedly');
    expect(out).toContain('test started, no result: crash.fixture.ts > dies mid-test');
    expect(out).toContain('file did not finish');
    expect(out).not.toContain('no result: crash.fixture.ts > finishes');
  });
});
