/** The `faultline` CLI end to end: real lab runs, real files, exit codes and messages. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../../src/cli/main';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'faultline-cli-'));
}

describe('faultline CLI', () => {
  it('lists the built-in scenarios', async () => {
    const io = capture();
    expect(await main(['scenarios'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^seed-ng\s+/m);
    expect(io.stdout.join('\n')).toMatch(/^network-switch\s+/m);
  });

  it('runs a scenario with live progress, writes the trace, and checks it again from the file', async () => {
    const dir = await tempDir();
    const trace = join(dir, 'short.ndjson');
    const io = capture();
    expect(await main(['run', 'short-drop', '--time-scale', '0.1', '--out', trace], io)).toBe(0);
    const printed = io.stdout.join('\n');
    expect(printed).toMatch(/step 3: fault uid=1 kind=blackhole/);
    expect(printed).toMatch(/uid 1 CONNECTED → RECONNECTING/);
    expect(printed).toMatch(/Result: PASS/);

    const lines = (await readFile(trace, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'faultline-trace', version: 1, timeScale: 0.1 });

    const check = capture();
    expect(await main(['check', trace], check)).toBe(0);
    expect(check.stdout.join('\n')).toMatch(/Expectations: 4\/4 pass/);
  }, 60_000);

  it('exits 1 when a trace breaks the model, naming the record', async () => {
    const dir = await tempDir();
    const path = join(dir, 'bad.ndjson');
    const header = {
      format: 'faultline-trace',
      version: 1,
      startedAt: new Date().toISOString(),
      timeScale: 1,
      app: { name: 'faultline', version: '0' },
    };
    const bad = { seq: 1, t: 0, type: 'state', uid: 1, from: 'DISCONNECTED', to: 'RECONNECTING' };
    await writeFile(path, `${JSON.stringify(header)}\n${JSON.stringify(bad)}\n`);
    const io = capture();
    expect(await main(['check', path], io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/seq 1/);
  });

  it('gives specific errors for a newer trace version, a missing file and a bad option', async () => {
    const dir = await tempDir();
    const newer = join(dir, 'newer.ndjson');
    await writeFile(
      newer,
      `${JSON.stringify({ format: 'faultline-trace', version: 2, startedAt: '', timeScale: 1, app: { name: 'x', version: '9' } })}\n`,
    );
    let io = capture();
    expect(await main(['check', newer], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/newer/i);

    io = capture();
    expect(await main(['check', join(dir, 'missing.ndjson')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/missing\.ndjson/);

    io = capture();
    expect(await main(['run', 'seed-ng', '--time-scale', '-3'], io)).not.toBe(0);
    expect(io.stderr.join('\n')).toMatch(/expected a number in \(0, 100\]/);

    io = capture();
    expect(await main(['run', 'no-such-scenario'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/built-ins: seed-ng/);
  });

  it('refuses to serve without a secret unless auth is explicitly off', async () => {
    const io = capture();
    const saved = process.env['FAULTLINE_SECRET'];
    delete process.env['FAULTLINE_SECRET'];
    try {
      expect(await main(['serve', '--port', '0'], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/--secret or FAULTLINE_SECRET/);
    } finally {
      if (saved !== undefined) process.env['FAULTLINE_SECRET'] = saved;
    }
  });

  it('refuses --auth none off loopback, before listening anywhere', async () => {
    const io = capture();
    // Before: it listened on 0.0.0.0 and let anyone who reached the machine join.
    expect(await main(['serve', '--port', '0', '--host', '0.0.0.0', '--auth', 'none'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--auth none .* loopback only/);
    expect(io.stdout.join('\n')).not.toMatch(/listening/);
  });
});
