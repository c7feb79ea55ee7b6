/**
 * The API connection the trace store's parts share: `init` sets it, `dispose` clears it. Each
 * part asks for it when it needs the main process, so a call before the page is connected fails
 * with one clear error instead of a null dereference.
 */
import { IpcError } from '../../../shared/ipc';
import type { ApiConnection } from '../api';

/** Where the current connection is kept (null before `init` and after `dispose`). */
export interface ConnectionSlot {
  current: ApiConnection | null;
}

/** The connection, or a DISCONNECTED IpcError saying the dashboard is not connected yet. */
export function requireConnection(slot: ConnectionSlot): ApiConnection {
  if (!slot.current) throw new IpcError('The dashboard is not connected to Faultline yet.', 'DISCONNECTED');
  return slot.current;
}

/**
 * Runs a call that only the desktop app can answer (a native dialog): `unsupported` when there
 * is no connection or the main process answers NOT_SUPPORTED (browser mode); other errors reject.
 */
export async function unlessUnsupported<T>(
  slot: ConnectionSlot,
  call: (connection: ApiConnection) => Promise<T>,
): Promise<T | 'unsupported'> {
  if (!slot.current) return 'unsupported';
  try {
    return await call(slot.current);
  } catch (e) {
    if (e instanceof IpcError && e.code === 'NOT_SUPPORTED') return 'unsupported';
    throw e;
  }
}
