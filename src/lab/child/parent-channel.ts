/**
 * The child's side of a {@link ChildHandle}: how a child entry (the channel server, the lab
 * host) talks to whoever started it. A forked Node child has `process.send` and hears
 * `disconnect` when its parent goes; a child that Electron's `utilityProcess` started has
 * `process.parentPort` instead (messages arrive as `{ data }` events). One interface for both.
 */

/** Electron's `process.parentPort`, as much of it as this module uses. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off?(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The channel to the parent process. */
export interface ParentChannel {
  /** `fork` (Node IPC) or `utility` (Electron's parentPort). */
  readonly kind: 'fork' | 'utility';
  /** True while messages can reach the parent. */
  readonly connected: boolean;
  /**
   * Sends one JSON-serialisable message (dropped once the parent is gone); `sent` runs once it
   * has left this process (or was dropped), e.g. before exiting.
   */
  send(message: unknown, sent?: () => void): void;
  /** Subscribes to the parent's messages (not yet validated); returns the unsubscribe. */
  onMessage(listener: (message: unknown) => void): () => void;
  /**
   * Called when the parent is gone (Node: the IPC channel closed). A utility process has no
   * such event: Electron ends it with the main process.
   */
  onDisconnect(listener: () => void): void;
}

/** The channel to this process's parent, or null when it was started with neither. */
export function parentChannel(): ParentChannel | null {
  const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (port) {
    return {
      kind: 'utility',
      connected: true,
      send(message, sent) {
        port.postMessage(message);
        if (sent) setImmediate(sent);
      },
      onMessage(listener) {
        const handler = (event: { data: unknown }): void => listener(event.data);
        port.on('message', handler);
        return () => port.off?.('message', handler);
      },
      onDisconnect() {
        // Electron ends a utility process together with its main process.
      },
    };
  }
  if (!process.send) return null;
  return {
    kind: 'fork',
    get connected() {
      return process.connected;
    },
    send(message, sent) {
      if (process.connected) process.send?.(message, undefined, {}, () => sent?.());
      else if (sent) setImmediate(sent);
    },
    onMessage(listener) {
      process.on('message', listener);
      return () => process.off('message', listener);
    },
    onDisconnect(listener) {
      process.on('disconnect', listener);
    },
  };
}
