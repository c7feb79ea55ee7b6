/**
 * The trace the dashboard shows: the lab's live trace (snapshot, then batched
 * `trace:records` events). Records go into a {@link TraceIndex} (O(batch), not reactive);
 * views learn about changes through `version`, bumped at most every `publishEveryMs`, so a
 * 2,000-records-a-second stream redraws charts ~10 times a second, not 2,000.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { IpcError, type EventPayload, type InvokeParsed, type InvokeResponse } from '../../../shared/ipc';
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import type { ApiConnection } from '../api';
import type { OpenedTrace } from '../trace/file';
import { TraceIndex } from '../../../shared/view/trace-index';
import { bytesToBase64 } from '../trace/base64';
import { openInMain, openNativeInMain, type OpenInMainOptions } from '../trace/upload';
import { describeError } from './errors';

/** What kind of support file was opened (bundle, trace, or a browser's dump). */
export type OpenedKind = NonNullable<EventPayload<'trace:opened'>['kind']>;

/** Longest pause between an ingest and the views seeing it. */
export const PUBLISH_EVERY_MS = 100;

/** The live lab's trace, or an opened file (with what the reader had to say about it). */
export type TraceSource =
  | { kind: 'live' }
  | { kind: 'file'; name: string; truncated: boolean; warnings: string[]; opened: OpenedKind };

function sameTrace(a: TraceHeader | null, b: TraceHeader): boolean {
  return a !== null && a.startedAt === b.startedAt;
}

/** See the file comment. */
export const useTraceStore = defineStore('trace', () => {
  /** The index; replaced (not mutated in place) when a new trace starts. */
  const index = shallowRef<TraceIndex>(markRaw(new TraceIndex()));
  /** Bumped when views should redraw. */
  const version = ref(0);
  const loading = ref(false);
  /** Where the shown trace comes from: the live lab, or a file someone opened. */
  const source = shallowRef<TraceSource>({ kind: 'live' });
  const error = ref<string | null>(null);
  /** A trace the Compare panel should take as its second trace (B), e.g. the run before a Reproduce. */
  const compareTarget = shallowRef<OpenedTrace | null>(null);
  /** Journals of sessions that ended unexpectedly (asked once at start), newest first. */
  const recoverable = ref<InvokeResponse<'recovery:list'>>([]);
  const header = computed(() => (version.value, index.value.header));
  const count = computed(() => (version.value, index.value.records.length));
  const uids = computed(() => (version.value, [...index.value.uids]));
  const lastT = computed(() => (version.value, index.value.lastT));

  let connection: ApiConnection | null = null;
  let unsubscribe: Array<() => void> = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastPublish = 0;
  /** Events that arrived while a snapshot was loading (ingested after it, deduplicated by seq). */
  let held: Array<EventPayload<'trace:records'>> | null = null;
  let wasOpen = true;

  /** Makes ingested records visible to views now. */
  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    lastPublish = Date.now();
    version.value++;
  }

  function schedule(): void {
    if (timer) return;
    const wait = Math.max(0, PUBLISH_EVERY_MS - (Date.now() - lastPublish));
    timer = setTimeout(flush, wait);
  }

  /** Starts over with a new (or no) header. */
  function reset(next: TraceHeader | null = null): void {
    const fresh = new TraceIndex();
    fresh.header = next;
    index.value = markRaw(fresh);
    flush();
  }

  /** Adds one `trace:records` batch; a batch with a new header starts a new trace. */
  function ingest(payload: EventPayload<'trace:records'>): void {
    if (source.value.kind === 'file') return;
    if (held) {
      held.push(payload);
      return;
    }
    if (payload.header && !sameTrace(index.value.header, payload.header)) reset(payload.header);
    if (index.value.ingest(payload.records) > 0 || payload.header) schedule();
  }

  /** Replaces the trace with `header` and `records` (a snapshot, an opened file, a bench). */
  function load(next: TraceHeader | null, records: readonly TraceRecord[]): void {
    const fresh = new TraceIndex();
    fresh.header = next;
    fresh.ingest(records);
    index.value = markRaw(fresh);
    flush();
  }

  /**
   * The last menu command for the page (File → Open trace… / Export trace…), numbered so the
   * same command twice is seen twice; the trace-file controls carry it out.
   */
  const menuRequest = shallowRef<{ action: EventPayload<'app:menu'>['action']; n: number } | null>(null);

  /** Shows an opened trace file instead of the live trace (until {@link showLive}). */
  function openFile(file: EventPayload<'trace:opened'>): void {
    source.value = {
      kind: 'file',
      name: file.name,
      truncated: file.truncated,
      warnings: file.warnings,
      opened: file.kind ?? 'trace',
    };
    load(file.header, file.records);
  }

  /**
   * Asks the main process to open a trace through its native dialog, with progress and cancel
   * (see {@link openNativeInMain}; the file arrives as a `trace:opened` event): `dismissed` when
   * no file was chosen, `unsupported` in browser mode (the page reads a picked file itself).
   * Rejects with the IpcError (ABORTED when cancelled: nothing is replaced).
   */
  async function openNative(
    options: Pick<OpenInMainOptions, 'onProgress' | 'signal'> = {},
  ): Promise<'opened' | 'dismissed' | 'unsupported'> {
    if (!connection) return 'unsupported';
    try {
      return (await openNativeInMain(connection.api, options)).opened ? 'opened' : 'dismissed';
    } catch (e) {
      if (e instanceof IpcError && e.code === 'NOT_SUPPORTED') return 'unsupported';
      throw e;
    }
  }

  /**
   * Opens a picked or dropped file's bytes in the main process (bundles, traces, browser dumps)
   * and shows it. Rejects with the IpcError (code + message) when it cannot be opened.
   */
  async function openBytes(name: string, bytes: Uint8Array): Promise<EventPayload<'trace:opened'>> {
    if (!connection) throw new IpcError('The dashboard is not connected to Faultline yet.', 'DISCONNECTED');
    const opened = await connection.api.invoke('trace:open-bytes', { name, base64: bytesToBase64(bytes) });
    openFile(opened);
    return opened;
  }

  /**
   * Opens a picked or dropped File in the main process with progress and cancel (see
   * {@link openInMain}); shows it unless `show` is false (the Compare panel keeps it aside).
   * Rejects with the IpcError (ABORTED when cancelled: nothing is replaced).
   */
  async function openUpload(
    file: File,
    options: OpenInMainOptions & { show?: boolean } = {},
  ): Promise<EventPayload<'trace:opened'>> {
    if (!connection) throw new IpcError('The dashboard is not connected to Faultline yet.', 'DISCONNECTED');
    const opened = await openInMain(connection.api, file, options);
    if (options.show !== false) openFile(opened);
    return opened;
  }

  /** The lab's support bundle as base64 zip bytes (browser mode's download). */
  async function exportBundle(
    options: Omit<InvokeParsed<'trace:export-bundle'>, never>,
  ): Promise<InvokeResponse<'trace:export-bundle'>> {
    if (!connection) throw new IpcError('The dashboard is not connected to Faultline yet.', 'DISCONNECTED');
    return connection.api.invoke('trace:export-bundle', options);
  }

  /** Saves the live trace (a bundle by default) through the native save dialog; `unsupported` in browser mode. */
  async function exportNative(
    options: Partial<
      Pick<InvokeParsed<'trace:export'>, 'format' | 'redact' | 'pseudonymizeIds' | 'charts'>
    > = {},
  ): Promise<{ path: string | null; bytes: number } | 'unsupported'> {
    if (!connection) return 'unsupported';
    try {
      return await connection.api.invoke('trace:export', options);
    } catch (e) {
      if (e instanceof IpcError && e.code === 'NOT_SUPPORTED') return 'unsupported';
      throw e;
    }
  }

  /** Goes back to the lab's live trace. */
  function showLive(): Promise<void> {
    source.value = { kind: 'live' };
    return refresh();
  }

  /** Fetches the lab's trace so far, then applies the events that came meanwhile. */
  async function refresh(): Promise<void> {
    if (!connection || source.value.kind === 'file') return;
    loading.value = true;
    held = [];
    try {
      const snapshot = await connection.api.invoke('trace:get-snapshot', {});
      load(snapshot.header, snapshot.records);
      error.value = null;
    } catch (e) {
      error.value = describeError('load the trace', e);
    } finally {
      const waiting = held ?? [];
      held = null;
      loading.value = false;
      for (const payload of waiting) ingest(payload);
    }
  }

  /** Asks the main process for journals of sessions that ended unexpectedly (never throws). */
  async function listRecoverable(): Promise<void> {
    if (!connection) return;
    try {
      recoverable.value = await connection.api.invoke('recovery:list', {});
    } catch {
      recoverable.value = [];
    }
  }

  /** Opens a recovered journal (it arrives as `trace:opened`) and forgets it from the list. */
  async function openRecovered(id: string): Promise<void> {
    if (!connection) throw new IpcError('The dashboard is not connected to Faultline yet.', 'DISCONNECTED');
    await connection.api.invoke('recovery:open', { id });
    recoverable.value = recoverable.value.filter((j) => j.id !== id);
  }

  /** Deletes a recovered journal and forgets it from the list. */
  async function discardRecovered(id: string): Promise<void> {
    if (!connection) throw new IpcError('The dashboard is not connected to Faultline yet.', 'DISCONNECTED');
    await connection.api.invoke('recovery:discard', { id });
    recoverable.value = recoverable.value.filter((j) => j.id !== id);
  }

  /** Subscribes to the lab's trace and loads what it holds; resyncs after a reconnect. */
  function init(conn: ApiConnection): Promise<void> {
    dispose();
    connection = conn;
    unsubscribe.push(conn.api.on('trace:records', ingest));
    unsubscribe.push(conn.api.on('trace:opened', openFile));
    unsubscribe.push(
      conn.api.on('app:menu', ({ action }) => {
        menuRequest.value = { action, n: (menuRequest.value?.n ?? 0) + 1 };
      }),
    );
    unsubscribe.push(
      conn.onStatus((status) => {
        if (status.state === 'open' && !wasOpen) void refresh();
        wasOpen = status.state === 'open';
      }),
    );
    wasOpen = conn.status().state === 'open';
    return Promise.all([refresh(), listRecoverable()]).then(() => undefined);
  }

  /** Unsubscribes and stops the publish timer. */
  function dispose(): void {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    if (timer) clearTimeout(timer);
    timer = null;
    connection = null;
  }

  return {
    index,
    version,
    loading,
    source,
    error,
    header,
    count,
    uids,
    lastT,
    init,
    dispose,
    ingest,
    load,
    reset,
    refresh,
    flush,
    openFile,
    showLive,
    menuRequest,
    openNative,
    openBytes,
    openUpload,
    compareTarget,
    recoverable,
    listRecoverable,
    openRecovered,
    discardRecovered,
    exportBundle,
    exportNative,
  };
});
