/**
 * One journal, one owner: a journal that a running process still writes is never offered for
 * recovery, and cannot be discarded, by another instance on the same journal directory (a second
 * desktop app, browser mode, a CLI lab). Before, a second instance listed the first one's live
 * `.open` journal as recoverable and could delete it. The holder is a real process here: once it
 * is killed, its journal is a crashed session's and is offered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalStore } from '../../../src/app/services/recovery';
import { journalLockPath, takeJournalLock } from '../../../src/app/services/journal-lock';

let dir: string;
let holder: ChildProcess | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-journal-lock-'));
});
afterEach(async () => {
  holder?.kill('SIGKILL');
  holder = null;
  await rm(dir, { recursive: true, force: true });
});

const HEADER = `${JSON.stringify({ format: 'faultline-trace', version: 1, startedAt: '2026-12-06T10:00:00.000Z', timeScale: 1 })}\n`;

/** A journal with a header line, as a lab that has started writes it. */
async function journal(store: JournalStore, at: string): Promise<{ path: string; id: string }> {
  const path = await store.create(new Date(at));
  await writeFile(path, HEADER);
  return { path, id: path.slice(dir.length + 1, -'.open.ndjson'.length) };
}

/** A real process that stays up until killed; resolves once it runs. */
async function liveProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child;
}

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve()),
  );

describe('journal locks', () => {
  it("a second instance does not offer or discard the first one's live journal", async () => {
    const first = new JournalStore(dir);
    const second = new JournalStore(dir);
    const { path, id } = await journal(first, '2026-12-06T10:00:00Z');
    expect(JSON.parse(await readFile(journalLockPath(path), 'utf8'))).toMatchObject({ pid: process.pid });
    // Before: the second instance listed it as a crashed session's, and discard deleted it.
    expect(await second.list()).toEqual([]);
    await expect(second.discard(id)).rejects.toMatchObject({ code: 'BUSY' });
    await expect(second.discard(id)).rejects.toThrow(`still running (pid ${process.pid})`);
    expect((await stat(path)).isFile()).toBe(true);
    // A clean close removes the lock with the journal's open name.
    await first.markClean(path);
    await expect(stat(journalLockPath(path))).rejects.toThrow(/ENOENT/);
  });

  it('offers the journal of a holder that has died, and discards it with its lock', async () => {
    const store = new JournalStore(dir);
    const { path } = await journal(store, '2026-12-06T10:00:00Z');
    // Hand the journal over to another real process, as if that process had made it.
    await rm(journalLockPath(path));
    holder = await liveProcess();
    await takeJournalLock(path, holder.pid!);
    expect(await store.list()).toEqual([]);
    holder.kill('SIGKILL');
    await exited(holder);
    const offered = await store.list();
    expect(offered.map((j) => j.id)).toHaveLength(1);
    await store.discard(offered[0]!.id);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    await expect(stat(journalLockPath(path))).rejects.toThrow(/ENOENT/);
  });

  it('treats a lock of another machine as held, and an unreadable lock as none', async () => {
    const store = new JournalStore(dir);
    const remote = await journal(store, '2026-12-06T10:00:00Z');
    await writeFile(
      journalLockPath(remote.path),
      JSON.stringify({ pid: 1, host: 'some-other-host.invalid' }),
    );
    const broken = await journal(store, '2026-12-06T11:00:00Z');
    await writeFile(journalLockPath(broken.path), 'not json');
    const listed = (await store.list()).map((j) => j.id);
    expect(listed).toEqual([broken.id]);
    await expect(store.discard(remote.id)).rejects.toThrow(/another machine/);
  });

  it('offers a journal from before locks existed (no lock file)', async () => {
    const store = new JournalStore(dir);
    const { path, id } = await journal(store, '2026-12-06T10:00:00Z');
    await rm(journalLockPath(path));
    expect((await store.list()).map((j) => j.id)).toEqual([id]);
  });
});
