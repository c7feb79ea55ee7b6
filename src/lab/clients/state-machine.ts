/**
 * The connection state of one local client, enforcing the transition table of
 * src/shared/model/states.ts. Every transition becomes exactly one `state` record; a transition
 * the model does not allow is a bug in the connection manager and throws.
 */
import { isAllowedTransition, type ConnectionState, type DisconnectReason } from '../../shared';
import type { RecordSink } from '../../shared';
import { CodedError } from '../../shared/errors';

/** Details of one transition. */
export interface TransitionDetail {
  /** Required on transitions to DISCONNECTED, absent otherwise (per the model). */
  reason?: DisconnectReason;
  /** Free detail: 'heartbeat-timeout', 'socket-closed', 'REJOIN_SUCCESS', … */
  cause?: string;
}

/** Listener of state changes. */
export type StateListener = (from: ConnectionState, to: ConnectionState, detail: TransitionDetail) => void;

/** Thrown when code asks for a transition the model forbids. */
export class IllegalTransitionError extends CodedError<'ILLEGAL_TRANSITION'> {
  override readonly name = 'IllegalTransitionError';

  constructor(
    readonly from: ConnectionState,
    readonly to: ConnectionState,
    readonly reason: DisconnectReason | undefined,
  ) {
    super(
      'ILLEGAL_TRANSITION',
      `illegal connection-state transition ${from} → ${to}${reason ? ` (${reason})` : ''}`,
    );
  }
}

/** State holder + validator + recorder for one UID. */
export class ConnectionStateMachine {
  private current: ConnectionState = 'DISCONNECTED';
  private readonly listeners = new Set<StateListener>();

  /**
   * @param uid the local client the records belong to
   * @param sink where `state` records go
   */
  constructor(
    private readonly uid: number,
    private readonly sink: RecordSink,
  ) {}

  /** The current state. */
  get state(): ConnectionState {
    return this.current;
  }

  /** True when `to` (with `reason`) is allowed from the current state. */
  can(to: ConnectionState, reason?: DisconnectReason): boolean {
    return isAllowedTransition(this.current, to, reason);
  }

  /**
   * Moves to `to`, records it and tells listeners. Throws {@link IllegalTransitionError} (and
   * records nothing) when the model does not allow it.
   */
  transition(to: ConnectionState, detail: TransitionDetail = {}): void {
    const from = this.current;
    if (!isAllowedTransition(from, to, detail.reason)) {
      throw new IllegalTransitionError(from, to, detail.reason);
    }
    this.current = to;
    this.sink({
      type: 'state',
      uid: this.uid,
      from,
      to,
      ...(detail.reason !== undefined ? { reason: detail.reason } : {}),
      ...(detail.cause !== undefined ? { cause: detail.cause } : {}),
    });
    for (const listener of [...this.listeners]) {
      try {
        listener(from, to, detail);
      } catch (err) {
        this.sink({
          type: 'log',
          uid: this.uid,
          level: 'error',
          msg: `state listener threw: ${String(err)}`,
        });
      }
    }
  }

  /** Subscribes to transitions; returns the unsubscribe function. */
  onChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
