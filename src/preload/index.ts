/**
 * Preload (sandboxed, so built as CommonJS): exposes one small `window.faultline` object that
 * implements `FaultlineApi` — `invoke` and `on`, each limited to the contract's channel names.
 * It never exposes `ipcRenderer` or the raw event. Invokes answer with the main side's envelope,
 * unwrapped here: a value, or an `IpcError`.
 *
 * Note (Electron's contextBridge, electron/electron#28346): an error crossing into the page is
 * rebuilt from its message alone, so the page receives `Error(message)` without `code`. The
 * messages are written for a person ("No lab is running: start the lab to …"); a page that must
 * branch on the code can only do so in browser mode until the API returns envelopes.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IpcError,
  isEventChannel,
  isInvokeChannel,
  type EventChannel,
  type EventPayload,
  type FaultlineApi,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcErrorShape,
} from '../shared/ipc/contract';

type Envelope = { ok: true; value: unknown } | { ok: false; error: IpcErrorShape };

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** The API object the preload exposes (exported for tests). */
export const api: FaultlineApi = {
  async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    if (!isInvokeChannel(channel))
      throw new IpcError(`"${String(channel)}" is not a channel of this app.`, 'BAD_REQUEST');
    const envelope: unknown = await ipcRenderer.invoke(channel, request);
    if (!isEnvelope(envelope)) throw new IpcError('The main process gave no answer.', 'INTERNAL');
    if (!envelope.ok) throw IpcError.from(envelope.error);
    return envelope.value as InvokeResponse<C>;
  },
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void {
    if (!isEventChannel(channel))
      throw new IpcError(`"${String(channel)}" is not an event of this app.`, 'BAD_REQUEST');
    if (typeof listener !== 'function') throw new IpcError('on() needs a listener function.', 'BAD_REQUEST');
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void =>
      listener(payload as EventPayload<C>);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('faultline', api);
