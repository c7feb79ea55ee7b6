/**
 * The only module that touches `window.faultline`. In Electron the preload exposes the API;
 * in browser mode the page talks to the same contract over a loopback WebSocket
 * ({@link WsTransport}). Stores get the connection from here (or a fake in tests).
 */
import { apiFromBridge, type FaultlineApi, type FaultlineBridge } from '../../../shared/ipc';
import { WsTransport, wireUrlFor, type TransportStatus } from './ws-transport';

export type { TransportStatus, TransportState, SocketLike } from './ws-transport';
export { WsTransport, wireUrlFor } from './ws-transport';

/** The API plus what the page shows about the transport carrying it. */
export interface ApiConnection {
  api: FaultlineApi;
  /** `electron` (preload IPC) or `browser` (WebSocket). */
  mode: 'electron' | 'browser';
  status(): TransportStatus;
  onStatus(listener: (status: TransportStatus) => void): () => void;
  dispose(): void;
}

declare global {
  interface Window {
    /** Exposed by the preload in Electron; absent in browser mode. */
    faultline?: FaultlineBridge;
  }
}

const ALWAYS_OPEN: TransportStatus = { state: 'open', attempt: 0, retryAt: null, detail: null };

/** Wraps an API whose transport cannot drop (Electron IPC, or a fake in tests). */
export function staticConnection(
  api: FaultlineApi,
  mode: 'electron' | 'browser' = 'electron',
): ApiConnection {
  return { api, mode, status: () => ALWAYS_OPEN, onStatus: () => () => {}, dispose: () => {} };
}

/** Wraps a {@link WsTransport}. */
export function wsConnection(transport: WsTransport): ApiConnection {
  return {
    api: transport,
    mode: 'browser',
    status: () => transport.status,
    onStatus: (listener) => transport.onStatus(listener),
    dispose: () => transport.dispose(),
  };
}

let shared: ApiConnection | null = null;

/** The page's one connection: the preload's API when present, else the WebSocket transport. */
export function connectApi(): ApiConnection {
  if (shared) return shared;
  const exposed = typeof window !== 'undefined' ? window.faultline : undefined;
  if (exposed && typeof exposed.invoke === 'function' && typeof exposed.on === 'function') {
    shared = staticConnection(apiFromBridge(exposed), 'electron');
  } else {
    shared = wsConnection(new WsTransport({ url: wireUrlFor(window.location) }));
  }
  return shared;
}
