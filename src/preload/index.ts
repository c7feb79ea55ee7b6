/**
 * Preload (sandboxed, so built as CommonJS): exposes one small `window.faultline` bridge —
 * `invoke` and `on`, each limited to the contract's channel names. It never exposes
 * `ipcRenderer` or the raw event. Invokes resolve with the main side's envelope (never reject):
 * errors crossing contextBridge keep only their message, so the renderer rebuilds typed
 * IpcErrors from the envelope (src/shared/ipc/bridge.ts).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEnvelope, type FaultlineBridge, type IpcEnvelope } from '../shared/ipc/bridge';
import {
  IpcError,
  isEventChannel,
  isInvokeChannel,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
} from '../shared/ipc/contract';

const refuse = (message: string): IpcEnvelope<never> => ({
  ok: false,
  error: { name: 'IpcError', message, code: 'BAD_REQUEST' },
});

/** The bridge the preload exposes (exported for tests). */
export const api: FaultlineBridge = {
  async invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<IpcEnvelope<InvokeResponse<C>>> {
    if (!isInvokeChannel(channel)) return refuse(`"${String(channel)}" is not a channel of this app.`);
    try {
      const envelope: unknown = await ipcRenderer.invoke(channel, request);
      if (isEnvelope(envelope)) return envelope as IpcEnvelope<InvokeResponse<C>>;
      return {
        ok: false,
        error: { name: 'IpcError', message: 'The main process gave no answer.', code: 'INTERNAL' },
      };
    } catch (error) {
      return { ok: false, error: IpcError.serialize(error) };
    }
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
