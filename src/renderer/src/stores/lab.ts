/**
 * The lab as the controls see it: its status (participants, active faults, server, run), the
 * transport's status, and one action per command. Every action reports progress in `busy`
 * and failures in `error`, worded so a person knows what to do next.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { InvokeRequest, InvokeResponse } from '../../../shared/ipc';
import type { ClientFaultInput } from '../../../shared/model/faults';
import type { EngineName } from '../../../shared/model/engines';
import type { ApiConnection, TransportStatus } from '../api';
import { describeError } from './errors';
import { useTraceStore } from './trace';

/** The lab's status as the main process reports it. */
export type LabStatus = InvokeResponse<'lab:get-status'>;
/** Arguments of `lab:start`. */
export type LabStartRequest = InvokeRequest<'lab:start'>;
/** A server action (stop, crash, start, ban, expire token…). */
export type ServerAction = InvokeRequest<'server:run-action'>;
/** App name, version and transport. */
export type AppInfo = InvokeResponse<'app:get-info'>;

/** See the file comment. */
export const useLabStore = defineStore('lab', () => {
  const status = shallowRef<LabStatus | null>(null);
  const transport = shallowRef<TransportStatus>({
    state: 'connecting',
    attempt: 0,
    retryAt: null,
    detail: null,
  });
  const mode = ref<'electron' | 'browser'>('electron');
  const info = shallowRef<AppInfo | null>(null);
  /** The action under way (a label), or null. */
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);
  const running = computed(() => status.value?.running ?? false);
  const participants = computed(() => status.value?.participants ?? []);
  const faults = computed(() => status.value?.faults ?? []);

  let connection: ApiConnection | null = null;
  let unsubscribe: Array<() => void> = [];

  function api(): ApiConnection['api'] {
    if (!connection) throw new Error('the dashboard is not connected to Faultline yet');
    return connection.api;
  }

  /** Runs one command with progress and error reporting; resolves undefined on failure. */
  async function act<T>(label: string, run: () => Promise<T>): Promise<T | undefined> {
    busy.value = label;
    error.value = null;
    try {
      return await run();
    } catch (e) {
      error.value = describeError(label, e);
      return undefined;
    } finally {
      if (busy.value === label) busy.value = null;
    }
  }

  async function statusAction(label: string, run: () => Promise<LabStatus>): Promise<LabStatus | undefined> {
    const next = await act(label, run);
    if (next) status.value = next;
    return next;
  }

  /** Subscribes to status events and the transport; fetches the current status. */
  async function init(conn: ApiConnection): Promise<void> {
    dispose();
    connection = conn;
    mode.value = conn.mode;
    transport.value = conn.status();
    unsubscribe.push(conn.api.on('lab:status', (next) => (status.value = next)));
    unsubscribe.push(
      conn.onStatus((next) => {
        const reopened = next.state === 'open' && transport.value.state !== 'open';
        transport.value = next;
        if (reopened) void refresh();
      }),
    );
    await refresh();
    void conn.api.invoke('app:get-info', {}).then(
      (value) => (info.value = value),
      () => {},
    );
  }

  /** Fetches the lab's status. */
  function refresh(): Promise<LabStatus | undefined> {
    return statusAction('read the lab status', () => api().invoke('lab:get-status', {}));
  }

  /** Starts the lab (embedded server by default). */
  function start(request: LabStartRequest): Promise<LabStatus | undefined> {
    const trace = useTraceStore();
    if (trace.source.kind === 'file') void trace.showLive();
    return statusAction('start the lab', () => api().invoke('lab:start', request));
  }

  /** Stops the lab and every participant. */
  function stop(): Promise<LabStatus | undefined> {
    return statusAction('stop the lab', () => api().invoke('lab:stop', {}));
  }

  /** Adds a local participant. */
  function addParticipant(uid: number, engine?: EngineName): Promise<LabStatus | undefined> {
    return statusAction(`add uid ${uid}`, () =>
      api().invoke('participant:add', { uid, ...(engine ? { engine } : {}) }),
    );
  }

  /** join / leave of one participant. */
  function join(uid: number): Promise<LabStatus | undefined> {
    return statusAction(`join uid ${uid}`, () => api().invoke('client:join', { uid }));
  }

  /** See {@link join}. */
  function leave(uid: number): Promise<LabStatus | undefined> {
    return statusAction(`leave uid ${uid}`, () => api().invoke('client:leave', { uid }));
  }

  /** Publishes audio and/or video of one participant. */
  function publish(
    uid: number,
    kinds: Array<'audio' | 'video'> = ['audio', 'video'],
  ): Promise<LabStatus | undefined> {
    return statusAction(`publish uid ${uid}`, () => api().invoke('client:publish', { uid, kinds }));
  }

  /** Stops publishing. */
  function unpublish(
    uid: number,
    kinds: Array<'audio' | 'video'> = ['audio', 'video'],
  ): Promise<LabStatus | undefined> {
    return statusAction(`unpublish uid ${uid}`, () => api().invoke('client:unpublish', { uid, kinds }));
  }

  /** Applies a fault to one participant's path; resolves its id. */
  async function applyFault(
    uid: number,
    fault: ClientFaultInput,
    forMs?: number,
  ): Promise<string | undefined> {
    const result = await act(`apply the ${fault.kind} fault`, () =>
      api().invoke('fault:apply', { uid, fault, ...(forMs !== undefined ? { forMs } : {}) }),
    );
    if (result) status.value = result.status;
    return result?.id;
  }

  /** Clears one active fault. */
  function clearFault(id: string): Promise<LabStatus | undefined> {
    return statusAction(`clear fault ${id}`, () => api().invoke('fault:clear', { id }));
  }

  /** Runs a server action (stop for a while, crash, ban, expire a token…). */
  function serverAction(action: ServerAction): Promise<LabStatus | undefined> {
    return statusAction(`run the server action "${action.action}"`, () =>
      api().invoke('server:run-action', action),
    );
  }

  /** Adds a note to the trace. */
  async function addMark(label: string): Promise<number | undefined> {
    const result = await act('add the mark', () => api().invoke('trace:add-mark', { label }));
    return result?.seq;
  }

  /** Dismisses the error message. */
  function clearError(): void {
    error.value = null;
  }

  /** Unsubscribes from the API. */
  function dispose(): void {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    connection = null;
  }

  return {
    status,
    transport,
    mode,
    info,
    busy,
    error,
    running,
    participants,
    faults,
    init,
    dispose,
    refresh,
    start,
    stop,
    addParticipant,
    join,
    leave,
    publish,
    unpublish,
    applyFault,
    clearFault,
    serverAction,
    addMark,
    clearError,
  };
});
