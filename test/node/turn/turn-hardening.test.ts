/**
 * coturn's credential stays off every command line (a 0600 file in a 0700 dir), coturn dies
 * with its parent even by SIGKILL (a real parent process is killed) and its temp dir goes, and
 * a start sweeps the temp dirs of dead owners.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TurnServer } from '../../../src/lab/turn';
import { pidAlive } from '../../../src/lab/child/pid-alive';
import { TURN_DIR_PREFIX } from '../../../src/lab/turn/turn-dir';
import { waitFor } from '../../helpers/wait';
import { turnAvailable } from './availability';

const parentScript = fileURLToPath(new URL('./fixtures/turn-parent.ts', import.meta.url));

/** The command line of every process on the machine, as any user sees it. */
function allCommandLines(): string {
  return spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout;
}

function commandLine(pid: number): string {
  return spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
}

describe.runIf(turnAvailable)('TurnServer hardening (coturn on loopback)', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'faultline-turn-test-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the credential off every command line, in a 0600 file inside a 0700 dir', async () => {
    const turn = await TurnServer.start({ tempRoot: root });
    try {
      const pid = turn.pid!;
      expect(pidAlive(pid)).toBe(true);
      const args = commandLine(pid);
      expect(args).toMatch(/turnserver/);
      expect(args).not.toContain(turn.credential);
      expect(args).toContain(`-c ${join(turn.dir, 'turnserver.conf')}`);
      if (process.platform === 'linux') {
        const cmdline = spawnSync('cat', [`/proc/${pid}/cmdline`], { encoding: 'utf8' }).stdout;
        expect(cmdline).not.toContain(turn.credential);
      }
      const everyone = allCommandLines();
      expect(everyone).toContain(turn.dir); // the listing did see coturn and its watchdog
      expect(everyone).not.toContain(turn.credential);
      expect(statSync(join(turn.dir, 'turnserver.conf')).mode & 0o777).toBe(0o600);
      expect(statSync(turn.dir).mode & 0o777).toBe(0o700);
    } finally {
      await turn.dispose();
    }
  });

  it('coturn dies and its temp dir goes when its parent is killed with SIGKILL', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', parentScript, root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    parent.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = await new Promise<{ pid: number; dir: string }>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { pid: number; dir: string });
      });
      parent.once('exit', (code) => reject(new Error(`parent exited with ${code}: ${stderr}`)));
    });
    const exited = new Promise<void>((resolve) => parent.once('exit', () => resolve()));
    try {
      expect(pidAlive(started.pid)).toBe(true);
      expect(existsSync(started.dir)).toBe(true);
      const killedAt = performance.now();
      parent.kill('SIGKILL');
      await exited;
      await waitFor(() => !pidAlive(started.pid), `coturn ${started.pid} to end after its parent`, 15_000);
      const goneMs = performance.now() - killedAt;
      await waitFor(() => !existsSync(started.dir), `the temp dir ${started.dir} to go`, 5_000);
      console.log(`coturn gone ${goneMs.toFixed(0)} ms after kill -9 of its parent`);
    } finally {
      parent.kill('SIGKILL');
      if (pidAlive(started.pid)) process.kill(started.pid, 'SIGKILL');
    }
  }, 60_000);

  it('a start removes the temp dirs of dead owners and keeps those of live ones', async () => {
    const dead = spawnSync('true').pid!;
    expect(pidAlive(dead)).toBe(false);
    const stale = join(root, `${TURN_DIR_PREFIX}${dead}-AbC123`);
    const live = join(root, `${TURN_DIR_PREFIX}${process.ppid}-XyZ789`);
    const other = join(root, `${TURN_DIR_PREFIX}q1w2e3`);
    for (const dir of [stale, live, other]) mkdirSync(join(dir, 'inner'), { recursive: true });
    const turn = await TurnServer.start({ tempRoot: root });
    try {
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(other)).toBe(true);
      expect(readdirSync(root).sort()).toEqual(
        [turn.dir, live, other].map((d) => d.slice(root.length + 1)).sort(),
      );
    } finally {
      await turn.dispose();
    }
  });
});
