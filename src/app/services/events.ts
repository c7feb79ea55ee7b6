/**
 * A small typed emitter for the contract's event channels, shared by every transport: the
 * Electron adapter forwards to the window, browser mode to each authenticated socket.
 */
import type { EventChannel, EventPayload } from '../../shared/ipc/contract';

/** A listener of one event channel. */
export type EventListener<C extends EventChannel> = (payload: EventPayload<C>) => void;
/** A listener of every event channel. */
export type AnyEventListener = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;

/** Where services publish events; transports subscribe. */
export class ServiceEvents {
  private readonly listeners = new Set<AnyEventListener>();

  /** Calls `listener` with every event; returns its unsubscribe. */
  onAny(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with the events of one channel; returns its unsubscribe. */
  on<C extends EventChannel>(channel: C, listener: EventListener<C>): () => void {
    const wanted: EventChannel = channel;
    return this.onAny((name, payload) => {
      if (name === wanted) (listener as (p: unknown) => void)(payload);
    });
  }

  /** Delivers an event to every listener; a throwing listener does not stop the others. */
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(channel, payload);
      } catch (error) {
        console.error(`faultline: a ${channel} listener failed:`, error);
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
