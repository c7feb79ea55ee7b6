/**
 * The trace the dashboard shows, as one store composed of its parts:
 *
 * - `trace-live.ts`: the trace on screen and the lab's live feed into it (snapshot, batched
 *   `trace:records`, the publish throttle, where the shown trace comes from);
 * - `trace-files.ts`: opening bundles, traces and browser dumps (native dialog, bytes, uploads),
 *   and the trace kept aside for Compare;
 * - `trace-export.ts`: the bundle download and the native export;
 * - `trace-recovery.ts`: journals of sessions that ended unexpectedly;
 * - here: the menu's requests and the subscriptions that tie the parts to the connection.
 *
 * The parts are composables rather than stores of their own because nearly every panel needs
 * more than one of them (the file controls read `source`, open files and follow the menu; the
 * export dialog reads `source` and exports; Reproduce reads the index and sets the Compare
 * target), and an opened file must replace the live trace in the same step: one store keeps each
 * component to one `useTraceStore()` and one place that subscribes and unsubscribes.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { EventPayload } from '../../../shared/ipc';
import type { ApiConnection } from '../api';
import type { ConnectionSlot } from './trace-connection';
import { useTraceExport } from './trace-export';
import { useTraceFiles } from './trace-files';
import { useTraceLive } from './trace-live';
import { useTraceRecovery } from './trace-recovery';

export { PUBLISH_EVERY_MS, type OpenedKind, type TraceSource } from './trace-live';

/** See the file comment. */
export const useTraceStore = defineStore('trace', () => {
  const slot: ConnectionSlot = { current: null };
  const live = useTraceLive(slot);
  const files = useTraceFiles(slot, live);
  const exports = useTraceExport(slot);
  const recovery = useTraceRecovery(slot);

  /**
   * The last menu command for the page (File → Open trace… / Export trace…), numbered so the
   * same command twice is seen twice; the trace-file controls carry it out.
   */
  const menuRequest = shallowRef<{ action: EventPayload<'app:menu'>['action']; n: number } | null>(null);

  let unsubscribe: Array<() => void> = [];

  /** Subscribes to the lab's trace and loads what it holds; resyncs after a reconnect. */
  function init(conn: ApiConnection): Promise<void> {
    dispose();
    slot.current = conn;
    unsubscribe.push(...live.follow(conn));
    unsubscribe.push(conn.api.on('trace:opened', files.openFile));
    unsubscribe.push(
      conn.api.on('app:menu', ({ action }) => {
        menuRequest.value = { action, n: (menuRequest.value?.n ?? 0) + 1 };
      }),
    );
    return Promise.all([live.refresh(), recovery.listRecoverable()]).then(() => undefined);
  }

  /** Unsubscribes and stops the publish timer. */
  function dispose(): void {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    live.stop();
    slot.current = null;
  }

  return {
    index: live.index,
    version: live.version,
    loading: live.loading,
    partial: live.partial,
    source: live.source,
    error: live.error,
    header: live.header,
    count: live.count,
    uids: live.uids,
    lastT: live.lastT,
    init,
    dispose,
    ingest: live.ingest,
    load: live.load,
    reset: live.reset,
    refresh: live.refresh,
    flush: live.flush,
    showLive: live.showLive,
    openFile: files.openFile,
    menuRequest,
    openNative: files.openNative,
    openBytes: files.openBytes,
    openUpload: files.openUpload,
    compareTarget: files.compareTarget,
    recoverable: recovery.recoverable,
    listRecoverable: recovery.listRecoverable,
    openRecovered: recovery.openRecovered,
    discardRecovered: recovery.discardRecovered,
    exportBundle: exports.exportBundle,
    exportNative: exports.exportNative,
  };
});
