/**
 * Journals hold unredacted traces, so they are the owner's only: the journal directory is 0700
 * and every journal file (the open segment, rotated segments, their gzip copies, a cleanly
 * closed journal) 0600, whatever the umask leaves. A directory an older version left open is
 * tightened; one that is a link or belongs to another user (someone else made it first in a
 * shared place) is refused. Before: directory 0755, files 0644.
 */
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalStore, prepareJournalDir } from '../../../src/app/services/recovery';
import { TraceRecorder } from '../../../src/lab/trace/recorder';

let root: string;
let umask: number;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'faultline-journal-perms-'));
  // The common default: without explicit modes, files come out 0644 and directories 0755.
  umask = process.umask(0o022);
});
afterEach(async () => {
  process.umask(umask);
  await rm(root, { recursive: true, force: true });
});

const modeOf = async (path: string): Promise<number> => (await lstat(path)).mode & 0o777;

/** Every file in `dir` with its mode, as `name 0600`. */
async function modes(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).sort();
  return Promise.all(names.map(async (name) => `${name} 0${(await modeOf(join(dir, name))).toString(8)}`));
}

describe('journal files and directories', () => {
  it('are 0600 and 0700 through recording, rotation, gzip and a clean close', async () => {
    const dir = join(root, 'home', '.faultline', 'journals');
    const store = new JournalStore(dir);
    const path = await store.create(new Date('2026-12-06T10:00:00Z'));
    const recorder = new TraceRecorder({
      header: { timeScale: 1, app: { name: 'faultline', version: 'perm-test' } },
      journalPath: path,
      journal: { segmentRecords: 50 },
      flushIntervalMs: 10,
    });
    // Batches of 60 records, each flushed on its own: every batch rotates the 50-record segment.
    for (let batch = 0; batch < 6; batch++) {
      for (let i = 0; i < 60; i++) recorder.record({ type: 'mark', uid: null, label: `m${batch}-${i}` });
      await recorder.flushJournal();
    }
    await recorder.close();
    const whileOpen = await modes(dir);
    expect(whileOpen.filter((m) => m.endsWith('.gz 0600')).length).toBeGreaterThan(2);
    expect(whileOpen.every((m) => m.endsWith(' 0600'))).toBe(true);
    await store.markClean(path);
    const afterClose = await modes(dir);
    expect(afterClose.some((m) => m.includes('.ndjson ') && !m.includes('.open.'))).toBe(true);
    expect(afterClose.every((m) => m.endsWith(' 0600'))).toBe(true);
    // Made with its parents: none of them open to others either.
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(root, 'home', '.faultline'))).toBe(0o700);
  });

  it('tightens a directory and journals an older version left readable', async () => {
    const dir = join(root, 'old');
    await mkdir(dir, { mode: 0o755 });
    const old = join(dir, 'faultline-2026-01-01T00-00-00-000-abcdef.open.ndjson');
    await writeFile(old, '{}\n', { mode: 0o644 });
    await chmod(old, 0o644);
    const other = join(dir, 'notes.txt');
    await writeFile(other, 'not ours', { mode: 0o644 });
    await chmod(other, 0o644);
    await new JournalStore(dir).create();
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(old)).toBe(0o600);
    // Files that are not journals are left as they are.
    expect(await modeOf(other)).toBe(0o644);
  });

  it('refuses a directory that is a symbolic link', async () => {
    const target = join(root, 'elsewhere');
    await mkdir(target);
    const link = join(root, 'link');
    await symlink(target, link);
    await expect(prepareJournalDir(link)).rejects.toThrow(/not a directory \(a link or a file\)/);
    await expect(new JournalStore(link).create()).rejects.toThrow();
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a directory another user made (run as root)', async () => {
    const dir = join(root, 'theirs');
    await mkdir(dir, { mode: 0o777 });
    await chown(dir, 65534, 65534);
    await expect(prepareJournalDir(dir)).rejects.toThrow(/belongs to another user \(uid 65534\)/);
    // Nothing was changed in it.
    expect(await modeOf(dir)).toBe(0o777 & ~0o022);
  });
});
