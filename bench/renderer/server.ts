/**
 * The benchmark's stand-in for the main process: the real browser-mode server (loopback, token,
 * static files from out/renderer, the `/ipc` wire protocol) and the real dispatcher, over a
 * canned handler table instead of a lab — no lab running, no scenarios, a fixed trace snapshot.
 * `stream()` pushes `trace:records` events at a target rate in ~100 ms batches, the way the
 * lab's trace feed batches them.
 */
import { IpcError, type InvokeResponse } from '../../src/shared/ipc/contract';
import { snapshotResponse } from '../../src/shared/ipc/snapshot';
import type { TraceHeader, TraceRecord } from '../../src/shared/trace/records';
import { createDispatcher, type Handlers } from '../../src/app/ipc/handlers';
import { ServiceEvents } from '../../src/app/services/events';
import { idleStatus } from '../../src/app/services/status';
import { BrowserModeServer } from '../../src/web/server';
import type { RecordGenerator } from './records';

/** What {@link BenchServer.stream} pushes. */
export interface StreamOptions {
  generator: RecordGenerator;
  /** How long to push (ms of wall time; records carry the same trace time). */
  durationMs: number;
  /** Time between two batches (default 100). */
  batchMs?: number;
  /** Upper bound on records sent, whatever the clock says. */
  maxRecords: number;
}

/** What a stream sent. */
export interface StreamResult {
  records: number;
  batches: number;
  /** Wall time from the first to the last batch. */
  ms: number;
}

/** A running bench server. Always {@link BenchServer.dispose}. */
export interface BenchServer {
  /** The page's URL, token included. */
  url: string;
  /** How many times a page asked for the snapshot. */
  snapshotCalls(): number;
  stream(options: StreamOptions): Promise<StreamResult>;
  dispose(): Promise<void>;
}

/** Canned answers: the app's info, an idle lab, no scenarios, `snapshot`; the rest refused. */
function cannedHandlers(
  snapshot: { header: TraceHeader | null; records: TraceRecord[] },
  onSnapshot: () => void,
): Handlers {
  const refuse = (): never => {
    throw new IpcError('The renderer benchmark serves a canned trace; the lab is not here.', 'NOT_SUPPORTED');
  };
  const info: InvokeResponse<'app:get-info'> = {
    name: 'faultline',
    version: 'bench',
    versions: { node: process.versions.node, electron: null, chrome: null, v8: process.versions.v8 },
    mode: 'browser',
  };
  return {
    'app:get-info': () => info,
    'lab:get-status': () => idleStatus(),
    'scenario:list': () => [],
    'trace:get-snapshot': (request) => {
      onSnapshot();
      return snapshotResponse(snapshot.header, snapshot.records, request);
    },
    'lab:start': refuse,
    'lab:stop': refuse,
    'participant:add': refuse,
    'client:join': refuse,
    'client:leave': refuse,
    'client:publish': refuse,
    'client:unpublish': refuse,
    'fault:apply': refuse,
    'fault:clear': refuse,
    'server:run-action': refuse,
    'scenario:run': refuse,
    'scenario:cancel': refuse,
    'trace:add-mark': refuse,
    'trace:export': refuse,
    'trace:open': refuse,
    'trace:export-bundle': refuse,
    'trace:open-bytes': refuse,
    'trace:open-chunk': refuse,
    'trace:open-upload': refuse,
    'trace:open-cancel': () => ({ cancelled: false }),
    'recovery:list': () => [],
    'recovery:open': refuse,
    'recovery:discard': refuse,
  };
}

/** Serves `root` (the built renderer) on 127.0.0.1 with `snapshot` as the lab's trace. */
export async function startBenchServer(options: {
  root: string;
  snapshot: { header: TraceHeader | null; records: TraceRecord[] };
}): Promise<BenchServer> {
  let snapshots = 0;
  const events = new ServiceEvents();
  const server = await BrowserModeServer.start({
    dispatch: createDispatcher(cannedHandlers(options.snapshot, () => snapshots++)),
    events,
    root: options.root,
  });
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Ends the stream under way (dispose resolves it with what was sent). */
  let finish: (() => void) | null = null;
  return {
    url: server.url,
    snapshotCalls: () => snapshots,
    stream: ({ generator, durationMs, batchMs = 100, maxRecords }) =>
      new Promise<StreamResult>((resolve) => {
        const started = performance.now();
        let records = 0;
        let batches = 0;
        finish = () => {
          if (timer) clearTimeout(timer);
          timer = null;
          finish = null;
          resolve({ records, batches, ms: performance.now() - started });
        };
        // Each tick sends what the clock says is due, so a late timer sends a bigger batch
        // instead of falling behind.
        const tick = (): void => {
          const elapsed = Math.min(durationMs, performance.now() - started);
          const batch = generator.until(elapsed).slice(0, maxRecords - records);
          if (batch.length) {
            events.emit('trace:records', { records: batch });
            records += batch.length;
            batches++;
          }
          if (elapsed >= durationMs || records >= maxRecords) return finish?.();
          timer = setTimeout(tick, batchMs);
        };
        timer = setTimeout(tick, batchMs);
      }),
    dispose: async () => {
      finish?.();
      events.clear();
      await server.dispose();
    },
  };
}
