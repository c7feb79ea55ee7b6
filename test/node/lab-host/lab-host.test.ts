/**
 * The lab in a process of its own, as the desktop app runs it: a real lab host child (forked
 * here; `utilityProcess` in the app, behind the same ChildHandle contract), the parent
 * forwarding invokes and hearing events, the parent starting the host's channel server for it
 * (the app's path with the RunAsNode fuse off), native dialogs replaced by a picker of fixed
 * paths, and the two ways a host ends: a clean dispose (trace closed with the lab's own
 * "lab disposed", exit code 0, no child left) and a crash (every child the parent started for
 * it is killed, pending invokes answer LAB_HOST_GONE).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventContract, invokeContract, type EventChannel, type EventPayload } from '../../../src/shared/ipc';
import { LabHostClient, type LabHostClientOptions } from '../../../src/app/lab-host';
import { forkLauncher, type ChildLauncher } from '../../../src/lab/child';
import { ChromiumHost } from '../../../src/lab/browser/chromium-host';
import { fromPeersOf } from '../../../src/shared/trace/received';
import { waitFor } from '../../helpers/wait';

const dirs: string[] = [];
const clients: LabHostClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-lab-host-'));
  dirs.push(dir);
  return dir;
}

interface Seen {
  channel: EventChannel;
  payload: unknown;
}

/** Pids the parent's launcher started (what the app's utilityProcess would have started). */
function countingLauncher(started: number[]): ChildLauncher {
  return (options) => {
    const child = forkLauncher(options);
    child.onSpawn((pid) => started.push(pid));
    return child;
  };
}

async function startHost(extra: Partial<LabHostClientOptions> = {}) {
  const journalDir = tempDir();
  const seen: Seen[] = [];
  const client = await LabHostClient.start({
    launcher: forkLauncher,
    log: () => undefined,
    ...extra,
    host: { mode: 'electron', journalDir, feedIntervalMs: 20, ...extra.host },
  });
  clients.push(client);
  client.events.onAny((channel, payload) => {
    eventContract[channel].parse(payload);
    seen.push({ channel, payload });
  });
  const call = async (channel: keyof typeof invokeContract, payload: unknown = {}) => {
    const envelope = await client.dispatch(channel, payload);
    if (!envelope.ok) throw new Error(`${channel} failed: ${envelope.error.code} ${envelope.error.message}`);
    invokeContract[channel].response.parse(envelope.value);
    return envelope.value as never;
  };
  return { client, seen, call, journalDir };
}

const of = <C extends EventChannel>(seen: Seen[], channel: C) =>
  seen.filter((s) => s.channel === channel).map((s) => s.payload as EventPayload<C>);

const alive = (pid: number): boolean =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('lab host in its own process', () => {
  it('runs a lab behind the parent, with the channel server started by the parent, and stops cleanly', async () => {
    const started: number[] = [];
    const exportDir = tempDir();
    const exportPath = join(exportDir, 'picked.zip');
    const { client, seen, call, journalDir } = await startHost({
      host: { mode: 'electron', remoteChildren: true, remoteDialogs: true, feedIntervalMs: 20 },
      childLauncher: countingLauncher(started),
      picker: { pickSavePath: async () => exportPath, pickOpenPath: async () => null },
    });
    expect(client.info()).toMatchObject({ mode: 'electron', name: expect.any(String) });
    expect(client.pid).toBeGreaterThan(0);

    const status = (await call('lab:start', {
      server: { kind: 'embedded' },
      timing: { timeScale: 0.1 },
      participants: [{ uid: 1 }, { uid: 2 }],
    })) as { running: boolean; server: { up: boolean } };
    expect(status).toMatchObject({ running: true, server: { up: true } });
    // The channel server is the parent's child, not the host's.
    expect(started).toHaveLength(1);
    expect(client.childPids()).toEqual(started);

    await call('client:join', { uid: 1 });
    await call('client:join', { uid: 2 });
    await call('client:publish', { uid: 1, kinds: ['audio', 'video'] });
    await waitFor(
      () => of(seen, 'lab:status').some((s) => s.participants.every((p) => p.state === 'CONNECTED')),
      'both CONNECTED in a relayed lab:status',
    );
    await waitFor(
      () => of(seen, 'trace:records').some((batch) => batch.records.some((r) => r.type === 'stats')),
      'stats records relayed from the host',
    );

    // A crash is a real SIGKILL of the parent-started server; the lab sees it and restarts it.
    const serverPid = started[0]!;
    await call('server:run-action', { action: 'crash' });
    await waitFor(() => !alive(serverPid), 'the crashed server process gone');
    await call('server:run-action', { action: 'start' });
    expect(started).toHaveLength(2);
    expect(alive(started[1]!)).toBe(true);

    // Export through the parent's picker: the host writes where the parent picked.
    const exported = (await call('trace:export', { format: 'bundle', redact: true })) as {
      path: string;
      bytes: number;
    };
    expect(exported.path).toBe(exportPath);
    expect(readFileSync(exportPath).subarray(0, 2).toString()).toBe('PK');

    const stop = await client.dispose();
    expect(stop).toMatchObject({ clean: true, exit: { code: 0, signal: null } });
    for (const pid of [client.pid, ...started]) if (pid) expect(alive(pid)).toBe(false);
    expect(client.childPids()).toEqual([]);
    // The session's journal was closed, and the trace ends with the lab's own stop.
    const journals = readdirSync(journalDir).filter((name) => name.endsWith('.ndjson'));
    expect(journals.some((name) => name.endsWith('.open.ndjson'))).toBe(false);
    const last = readFileSync(join(journalDir, journals[0]!), 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ type: 'log', msg: 'lab disposed' });
    // Invokes after the stop get an answer, not a hang.
    expect(await client.dispatch('lab:get-status', {})).toMatchObject({
      ok: false,
      error: { code: 'LAB_HOST_GONE' },
    });
  });

  it("browser participants live in the parent (as the app's hidden windows do), and a stop reports no failure", async () => {
    const browser = new ChromiumHost();
    try {
      const { client, seen, call, journalDir } = await startHost({
        host: { mode: 'electron', remoteBrowser: true, feedIntervalMs: 20 },
        browserHost: browser,
      });
      await call('lab:start', {
        server: { kind: 'embedded' },
        // Real time: at 0.1 the heartbeat timeout is 2 s of real time, and a Chromium page
        // starting its media on a busy 2-core machine stalled signaling longer than that
        // (heartbeat-timeout during the publish). Nothing here waits on a model timer.
        timing: { timeScale: 1 },
        participants: [{ uid: 1, engine: 'browser' }, { uid: 2 }],
      });
      await call('client:join', { uid: 1 });
      await call('client:join', { uid: 2 });
      await call('client:publish', { uid: 1, kinds: ['audio', 'video'] });
      await waitFor(
        () => of(seen, 'lab:status').some((s) => s.participants.every((p) => p.state === 'CONNECTED')),
        'the parent-hosted browser participant and the wrtc one CONNECTED',
        40_000,
      );
      // The page runs in the parent's Chromium, not in a browser of the host's own.
      expect(browser.pids().length).toBeGreaterThan(0);
      await waitFor(
        () =>
          of(seen, 'trace:records').some((batch) =>
            batch.records.some((r) => r.uid === 2 && (fromPeersOf(r)?.get(1)?.video ?? 0) > 0),
          ),
        'video packets from the browser participant at the wrtc subscriber',
        40_000,
      );
      expect(await client.dispose()).toMatchObject({ clean: true });
      const journal = readdirSync(journalDir).find((name) => name.endsWith('.ndjson'))!;
      const records = readFileSync(join(journalDir, journal), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      // The lab closed its pages itself before the parent's browser went: no PC "failed", no error.
      expect(records.filter((r) => r.level === 'error')).toEqual([]);
      expect(records.filter((r) => r.type === 'pc' && /failed/.test(JSON.stringify(r)))).toEqual([]);
      expect(records.at(-1)).toMatchObject({ type: 'log', msg: 'lab disposed' });
    } finally {
      await browser.dispose();
    }
  });

  it('a host that dies takes the children the parent started for it, and answers what was pending', async () => {
    const started: number[] = [];
    const { client, call } = await startHost({
      host: { mode: 'browser', remoteChildren: true, journalDir: null },
      childLauncher: countingLauncher(started),
    });
    await call('lab:start', {
      server: { kind: 'embedded' },
      timing: { timeScale: 0.1 },
      participants: [{ uid: 1 }],
    });
    expect(started).toHaveLength(1);
    process.kill(client.pid!, 'SIGKILL');
    const exit = await client.whenExited();
    expect(exit.signal).toBe('SIGKILL');
    await waitFor(() => !alive(started[0]!), 'the orphaned server killed by the parent');
    expect(await client.dispatch('lab:get-status', {})).toMatchObject({
      ok: false,
      error: { code: 'LAB_HOST_GONE' },
    });
    expect(await client.dispose()).toMatchObject({ clean: false });
  });

  it('refuses a channel that is not in the contract before it reaches the host', async () => {
    const { client } = await startHost({ host: { mode: 'browser', journalDir: null } });
    const envelope = await client.dispatch('lab:format-disk', {});
    expect(envelope).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await client.dispatch('lab:get-status', {})).toMatchObject({
      ok: true,
      value: { running: false },
    });
  });

  it('a start that fails says why (bad options), and leaves no process', async () => {
    await expect(
      LabHostClient.start({
        launcher: forkLauncher,
        host: { mode: 'nonsense' } as never,
        log: () => undefined,
      }),
    ).rejects.toThrow(/could not start: bad options: mode/);
  });
});
