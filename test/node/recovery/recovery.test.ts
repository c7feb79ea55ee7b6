/**
 * Crash recovery end to end: a real child process runs a LabService with a real lab and is
 * SIGKILLed mid-session; the next LabService lists its journal, opens it as the current trace
 * (a `trace:opened` event) with every record up to ~300 ms before the kill, and discards it.
 * A cleanly stopped lab leaves nothing to recover.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, createHandlers } from '../../../src/app/ipc/handlers';
import { LabService } from '../../../src/app/services/lab-service';
import { JournalStore } from '../../../src/app/services/recovery';
import type { EventPayload } from '../../../src/shared/ipc/contract';
import { invokeContract } from '../../../src/shared/ipc/contract';

const child = fileURLToPath(new URL('./fixtures/service-child.ts', import.meta.url));
const dirs: string[] = [];
const services: LabService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-recovery-'));
  dirs.push(dir);
  return dir;
}

/** Runs the child until it has reported marks for ~1.5 s, then SIGKILLs it. */
async function killedSession(
  dir: string,
): Promise<{ reports: { at: number; seq: number }[]; killAt: number }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const reports: { at: number; seq: number }[] = [];
  let buffered = '';
  const killAt = await new Promise<number>((resolve, reject) => {
    const guard = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child never reported: ${stderr}`));
    }, 45_000);
    proc.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const now = performance.now();
        reports.push({ at: now, seq: Number(line) });
        if (now - reports[0]!.at > 1500 && !proc.killed) {
          clearTimeout(guard);
          proc.kill('SIGKILL');
          resolve(performance.now());
        }
      }
    });
  });
  expect(await exited).toBe('SIGKILL');
  return { reports, killAt };
}

describe('crash recovery', () => {
  it('offers the journal of a SIGKILLed session and opens it with the records up to the kill', async () => {
    const dir = await tempDir();
    const { reports, killAt } = await killedSession(dir);

    const service = new LabService({ mode: 'browser', journalDir: dir });
    services.push(service);
    const dispatch = createDispatcher(createHandlers(service));
    const listed = await dispatch('recovery:list', {});
    expect(listed.ok).toBe(true);
    const list = invokeContract['recovery:list'].response.parse((listed as { value: unknown }).value);
    expect(list).toHaveLength(1);
    const entry = list[0]!;
    expect(entry.startedAt).toMatch(/^\d{4}-/);
    expect(entry.bytes).toBeGreaterThan(0);
    expect(entry.records).toBeGreaterThan(50);

    const opened: EventPayload<'trace:opened'>[] = [];
    service.events.on('trace:opened', (p) => opened.push(p));
    const res = await dispatch('recovery:open', { id: entry.id });
    expect(res).toEqual({ ok: true, value: { id: entry.id, records: entry.records } });
    expect(opened).toHaveLength(1);
    const trace = opened[0]!;
    expect(trace.warnings[0]).toMatch(/Recovered/);
    // Contiguous from seq 1, and it holds every mark reported ≥ 300 ms before the kill.
    const seqs = trace.records.map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const due = reports.filter((r) => r.at <= killAt - 300).map((r) => r.seq);
    expect(due.length).toBeGreaterThan(50);
    expect(seqs[seqs.length - 1]).toBeGreaterThanOrEqual(Math.max(...due));
    expect(trace.records.some((r) => r.type === 'state' && r.to === 'CONNECTED')).toBe(true);
    const lastReported = reports[reports.length - 1]!.seq;
    const lastMark = trace.records.filter((r) => r.type === 'mark').length;
    console.info(
      `recovery: ${seqs.length} records recovered; last mark reported before kill seq ${lastReported}, recovered up to seq ${seqs[seqs.length - 1]} (${lastMark} marks)`,
    );

    expect(await dispatch('recovery:discard', { id: entry.id })).toEqual({
      ok: true,
      value: { id: entry.id },
    });
    expect(await service.listRecoverable()).toEqual([]);
    const again = await dispatch('recovery:open', { id: entry.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  }, 90_000);

  it('a cleanly stopped lab leaves nothing to recover; the live journal is never offered', async () => {
    const dir = await tempDir();
    const service = new LabService({ mode: 'browser', journalDir: dir });
    services.push(service);
    await service.start(
      invokeContract['lab:start'].request.parse({ server: { kind: 'embedded' }, participants: [{ uid: 1 }] }),
    );
    service.addMark({ label: 'live' });
    expect((await readdir(dir)).filter((n) => n.endsWith('.open.ndjson'))).toHaveLength(1);
    expect(await service.listRecoverable()).toEqual([]);
    await service.stop();
    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith('.open.ndjson'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.ndjson'))).toHaveLength(1);
    const next = new LabService({ mode: 'browser', journalDir: dir });
    services.push(next);
    expect(await next.listRecoverable()).toEqual([]);
  }, 60_000);

  it('rejects bad ids and survives junk journals', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'empty.open.ndjson'), '');
    await writeFile(join(dir, 'junk.open.ndjson'), 'not json\n');
    const store = new JournalStore(dir);
    const list = await store.list();
    expect(list.map((e) => e.id).sort()).toEqual(['empty', 'junk']);
    expect(list.every((e) => e.records === 0 && e.startedAt === null)).toBe(true);
    await expect(store.open('../etc/passwd')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(store.open('missing')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(store.open('junk')).rejects.toMatchObject({ code: 'BAD_TRACE' });
    await store.discard('junk');
    expect((await store.list()).map((e) => e.id)).toEqual(['empty']);
    const off = new LabService({ mode: 'browser', journalDir: null });
    expect(await off.listRecoverable()).toEqual([]);
    await expect(off.openRecovered({ id: 'empty' })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await off.dispose();
  });
});
