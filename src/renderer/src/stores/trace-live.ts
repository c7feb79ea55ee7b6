/**
 * The trace on screen and the lab's live feed into it: the snapshot first, in two steps — the
 * records the charts of a lab trace draw ({@link LAB_CHART_RECORD_TYPES}), shown at once, then,
 * once they painted, the whole trace (`partial` in between) — in the compact wire form (a third
 * of the bytes), holding back events that arrive meanwhile; then batched `trace:records` events.
 * Records go into a {@link TraceIndex} (O(batch), not reactive); views learn about changes
 * through `version`, bumped at most every {@link PUBLISH_EVERY_MS}, so a 2,000-records-a-second
 * stream redraws charts ~10 times a second, not 2,000. While a file is shown
 * (`source.kind === 'file'`) live batches are ignored until {@link LiveTrace.showLive}.
 */
import { computed, markRaw, ref, shallowRef, type ComputedRef, type Ref, type ShallowRef } from 'vue';
import type { EventPayload, InvokeResponse } from '../../../shared/ipc';
import { decodeCompact } from '../../../shared/trace/compact';
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import { TraceIndex } from '../../../shared/view/trace-index';
import { LAB_CHART_RECORD_TYPES } from '../../../shared/view/charts/record-types';
import type { ApiConnection } from '../api';
import type { ConnectionSlot } from './trace-connection';
import { describeError } from './errors';

/** What kind of support file was opened (bundle, trace, or a browser's dump). */
export type OpenedKind = NonNullable<EventPayload<'trace:opened'>['kind']>;

/** The live lab's trace, or an opened file (with what the reader had to say about it). */
export type TraceSource =
  | { kind: 'live' }
  | { kind: 'file'; name: string; truncated: boolean; warnings: string[]; opened: OpenedKind };

/** Longest pause between an ingest and the views seeing it. */
export const PUBLISH_EVERY_MS = 100;

/** What {@link useTraceLive} gives the trace store. */
export interface LiveTrace {
  /** The index; replaced (not mutated in place) when a new trace starts. */
  index: ShallowRef<TraceIndex>;
  /** Bumped when views should redraw. */
  version: Ref<number>;
  /** True while the lab's snapshot loads. */
  loading: Ref<boolean>;
  /**
   * True while the index holds only the chart records of the lab's snapshot (the rest is on its
   * way, or failed to come: see `error`): the charts are complete, the log and findings not.
   */
  partial: Ref<boolean>;
  /** Why the last snapshot could not be loaded, in one sentence. */
  error: Ref<string | null>;
  /** Where the shown trace comes from: the live lab, or a file someone opened. */
  source: ShallowRef<TraceSource>;
  header: ComputedRef<TraceHeader | null>;
  count: ComputedRef<number>;
  uids: ComputedRef<number[]>;
  lastT: ComputedRef<number>;
  /** Makes ingested records visible to views now. */
  flush: () => void;
  /** Starts over with a new (or no) header. */
  reset: (next?: TraceHeader | null) => void;
  /** Adds one `trace:records` batch; a batch with a new header starts a new trace. */
  ingest: (payload: EventPayload<'trace:records'>) => void;
  /** Replaces the trace with `header` and `records` (a snapshot, an opened file, a bench). */
  load: (next: TraceHeader | null, records: readonly TraceRecord[]) => void;
  /** Fetches the lab's trace so far, then applies the events that came meanwhile. */
  refresh: () => Promise<void>;
  /** Goes back to the lab's live trace. */
  showLive: () => Promise<void>;
  /** Follows `connection`'s batches and resyncs after it reconnects; returns the unsubscribers. */
  follow: (connection: ApiConnection) => Array<() => void>;
  /** Stops the publish timer. */
  stop: () => void;
}

/** The records of a snapshot in either wire form. */
function recordsOf(snapshot: InvokeResponse<'trace:get-snapshot'>): readonly TraceRecord[] {
  return 'compact' in snapshot ? decodeCompact(snapshot.compact) : snapshot.records;
}

/** Resolves after the next frame was painted (a timer where there are no frames). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(resolve, 0));
    else setTimeout(resolve, 0);
  });
}

function sameTrace(a: TraceHeader | null, b: TraceHeader): boolean {
  return a !== null && a.startedAt === b.startedAt;
}

/** See the file comment; `slot` holds the connection the snapshot is fetched over. */
export function useTraceLive(slot: ConnectionSlot): LiveTrace {
  const index = shallowRef<TraceIndex>(markRaw(new TraceIndex()));
  const version = ref(0);
  const loading = ref(false);
  const partial = ref(false);
  const error = ref<string | null>(null);
  const source = shallowRef<TraceSource>({ kind: 'live' });
  const header = computed(() => (version.value, index.value.header));
  const count = computed(() => (version.value, index.value.records.length));
  const uids = computed(() => (version.value, [...index.value.uids]));
  const lastT = computed(() => (version.value, index.value.lastT));

  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastPublish = 0;
  /** Events that arrived while a snapshot was loading (ingested after it, deduplicated by seq). */
  let held: Array<EventPayload<'trace:records'>> | null = null;

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

  function reset(next: TraceHeader | null = null): void {
    const fresh = new TraceIndex();
    fresh.header = next;
    partial.value = false;
    index.value = markRaw(fresh);
    flush();
  }

  function ingest(payload: EventPayload<'trace:records'>): void {
    if (source.value.kind === 'file') return;
    if (held) {
      held.push(payload);
      return;
    }
    if (payload.header && !sameTrace(index.value.header, payload.header)) reset(payload.header);
    if (index.value.ingest(payload.records) > 0 || payload.header) schedule();
  }

  function load(next: TraceHeader | null, records: readonly TraceRecord[], lastT = 0): void {
    const fresh = new TraceIndex();
    fresh.header = next;
    fresh.ingest(records);
    if (lastT > fresh.lastT) fresh.lastT = lastT;
    index.value = markRaw(fresh);
    partial.value = false;
    flush();
  }

  /** The snapshot fetch under way: a second call meanwhile (the first `open` of a connection whose
   * init already asked) shares it instead of fetching, parsing and indexing the trace twice. */
  let inFlight: Promise<void> | null = null;

  function refresh(): Promise<void> {
    inFlight ??= fetchSnapshot().finally(() => (inFlight = null));
    return inFlight;
  }

  /** True while an opened file is on screen (read afresh: it changes across awaits). */
  const showingFile = (): boolean => source.value.kind === 'file';

  async function fetchSnapshot(): Promise<void> {
    const connection = slot.current;
    if (!connection || source.value.kind === 'file') return;
    loading.value = true;
    held = [];
    try {
      const charts = await connection.api.invoke('trace:get-snapshot', {
        form: 'compact',
        types: [...LAB_CHART_RECORD_TYPES],
      });
      // A file opened meanwhile stays on screen.
      if (showingFile()) return;
      load(charts.header, recordsOf(charts), charts.lastT);
      partial.value = true;
      // The whole trace is asked for once the charts have painted: asked for at once, its answer
      // (a JSON.parse of 200 ms at 200,000 records, 1 s at 1,000,000) came before they did.
      await afterPaint();
      const snapshot = await connection.api.invoke('trace:get-snapshot', { form: 'compact' });
      if (showingFile()) return;
      load(snapshot.header, recordsOf(snapshot));
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

  function showLive(): Promise<void> {
    source.value = { kind: 'live' };
    return refresh();
  }

  function follow(connection: ApiConnection): Array<() => void> {
    let wasOpen = connection.status().state === 'open';
    return [
      connection.api.on('trace:records', ingest),
      connection.onStatus((status) => {
        if (status.state === 'open' && !wasOpen) void refresh();
        wasOpen = status.state === 'open';
      }),
    ];
  }

  function stop(): void {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  return {
    index,
    version,
    loading,
    partial,
    error,
    source,
    header,
    count,
    uids,
    lastT,
    flush,
    reset,
    ingest,
    load,
    refresh,
    showLive,
    follow,
    stop,
  };
}
