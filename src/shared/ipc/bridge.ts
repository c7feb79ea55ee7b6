/**
 * What the Electron preload exposes as `window.faultline`: invokes answer with the main side's
 * envelope instead of throwing, because an error crossing Electron's contextBridge loses
 * everything but its message (electron/electron#28346). {@link apiFromBridge} turns it into
 * the {@link FaultlineApi} the renderer uses, with typed {@link IpcError}s and their codes.
 */
import {
  IpcError,
  type EventChannel,
  type EventPayload,
  type FaultlineApi,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcErrorShape,
} from './contract';

/** The answer to one invoke, as it crosses the boundary. */
export type IpcEnvelope<T = unknown> = { ok: true; value: T } | { ok: false; error: IpcErrorShape };

/** `window.faultline` in Electron. */
export interface FaultlineBridge {
  invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<IpcEnvelope<InvokeResponse<C>>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}

/** True for a value shaped like an {@link IpcEnvelope}. */
export function isEnvelope(value: unknown): value is IpcEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** The renderer's API over the preload's bridge: values, or thrown IpcErrors with codes. */
export function apiFromBridge(bridge: FaultlineBridge): FaultlineApi {
  return {
    async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
      const envelope: unknown = await bridge.invoke(channel, request);
      if (!isEnvelope(envelope)) throw new IpcError('The main process gave no answer.', 'INTERNAL');
      if (!envelope.ok) throw IpcError.from(envelope.error);
      return envelope.value as InvokeResponse<C>;
    },
    on: (channel, listener) => bridge.on(channel, listener),
  };
}
