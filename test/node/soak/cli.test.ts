import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { parseByteSize } from '../../../src/cli/commands/options';
import { readTrace } from '../../../src/lab/trace';
import type { SoakReport } from '../../../src/lab/soak';

function capture(): {
  io: { out: (l: string) => void; err: (l: string) => void };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err };
}

const folders: string[] = [];

/** One `short-drop` iteration (seed 5, time scale 0.1) with `extra` options, in a new folder. */
async function soakOnce(...extra: string[]) {
  const folder = await mkdtemp(join(tmpdir(), 'faultline-soak-cli-'));
  folders.push(folder);
  const json = join(folder, 'report.json');
  const trace = join(folder, 'soak.ndjson.gz');
  const c = capture();
  const argv = ['soak', 'short-drop', '--for', '1s', '--time-scale', '0.1', '--seed', '5'];
  const code = await main([...argv, '--json', json, '-o', trace, ...extra], c.io);
  const report = JSON.parse(await readFile(json, 'utf8')) as SoakReport;
  return { code, out: c.out, report, read: await readTrace(trace), folder };
}

describe('faultline soak', () => {
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it.each([
    [['soak', 'seed-ng', '--for', '30x'], /--for.*"30x" is not a duration: unexpected "30x"/],
    [['soak', 'seed-ng', '--for', '30'], /has no unit/],
    [['soak', 'seed-ng'], /required option '--for <duration>'/],
    [['soak', 'seed-ng', '--for', '1m', '--seed', '-1'], /--seed.*expected an integer/],
    [
      ['soak', 'seed-ng', '--for', '1m', '--engine', 'quic'],
      /--engine <engine>'? argument 'quic' is invalid|expected wrtc/,
    ],
    [['soak', 'seed-ng', '--for', '1m', '--segment-size', '12 parsecs'], /expected a size such as/],
    [['soak', 'seed-ng', '--for', '1m', '--max-journal', '100'], /at least 4096 bytes/],
  ])('rejects %j with a clear error', async (argv, message) => {
    const c = capture();
    expect(await main(argv, c.io)).not.toBe(0);
    expect(c.err.join('\n')).toMatch(message);
  });

  it('reads sizes in decimal and binary units', () => {
    expect(parseByteSize('65536')).toBe(65536);
    expect(parseByteSize('4KiB')).toBe(4096);
    expect(parseByteSize('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('1.5 gb')).toBe(1.5e9);
    expect(() => parseByteSize('-5MB')).toThrow(/expected a size/);
    expect(() => parseByteSize('5 XB')).toThrow(/expected a size/);
  });

  it('names the built-ins for an unknown scenario', async () => {
    const c = capture();
    expect(await main(['soak', 'no-such', '--for', '1m'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/built-ins: seed-ng/);
  });

  it('runs one iteration and writes the JSON report and a gzipped trace of every segment', async () => {
    const { code, out, report, read, folder } = await soakOnce('--segment-size', '4KiB');
    expect(report).toMatchObject({ scenario: 'short-drop', seed: 5, iterations: 1, timeScale: 0.1 });
    expect(code).toBe(report.failedIterations === 0 ? 0 : 1);
    expect(report.processes.map((p) => p.name)).toContain('lab');
    expect(out.join('\n')).toMatch(/process\s+metric\s+start\s+p50\s+max\s+end\s+slope\/h/);
    expect(read.records.some((r) => r.type === 'mark')).toBe(true);
    // 4 KiB segments: the journal rotated many times; the gzipped trace holds every seq once.
    expect(read.records.length).toBe(report.records.total);
    expect(read.records.map((r) => r.seq)).toEqual(read.records.map((_, i) => i + 1));
    expect(report.journal?.maxBytes).toBeGreaterThan(2 * 4096); // so at least three segments
    // No segment is left behind, and the plain journal was replaced.
    expect(await readdir(folder)).toEqual(['report.json', 'soak.ndjson.gz']);
  }, 120_000);

  it('caps the journal with --max-journal: the oldest segments go, with a notice in the trace', async () => {
    const { report, read } = await soakOnce('--segment-size', '4KiB', '--max-journal', '8KiB');
    expect(read.records.length).toBeLessThan(report.records.total / 2);
    expect(read.records[0]!.seq).toBeGreaterThan(1);
    expect(
      read.records.some((r) => r.type === 'log' && String(r.msg).includes('passed its size limit')),
    ).toBe(true);
  }, 120_000);
});
