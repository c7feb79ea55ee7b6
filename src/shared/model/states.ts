/**
 * The connection model (docs/MODEL.md; after Agora Web SDK 4.x "connection status management"):
 * the five connection states, the reasons a connection ends, and the transitions allowed
 * between states. Pure data: the connection manager enforces it, the checker verifies it.
 */

/** Connection states, current (4.x) names. The trace always stores these. */
export const CONNECTION_STATES = [
  'DISCONNECTED',
  'CONNECTING',
  'CONNECTED',
  'RECONNECTING',
  'DISCONNECTING',
] as const;

/** One of {@link CONNECTION_STATES}. */
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/**
 * Reasons recorded on a transition to DISCONNECTED (and on refused rejoins).
 * `LEAVE` is a local `leave()`; the others come from the server or from the network.
 */
export const DISCONNECT_REASONS = [
  'LEAVE',
  'INVALID_TOKEN',
  'TOKEN_EXPIRE',
  'UID_BANNED',
  'CHANNEL_BANNED',
  'SERVER_ERROR',
  'NETWORK_ERROR',
  'SAME_UID_LOGIN',
] as const;

/** One of {@link DISCONNECT_REASONS}. */
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

/** One row of the transition table (docs/MODEL.md "Transitions"). */
export interface TransitionRule {
  from: ConnectionState;
  to: ConnectionState;
  /** Reasons allowed on this transition; empty means the record carries no reason. */
  reasons: readonly DisconnectReason[];
  /** What makes it happen, for people reading checker output. */
  when: string;
}

const JOIN_REFUSALS: readonly DisconnectReason[] = [
  'INVALID_TOKEN',
  'TOKEN_EXPIRE',
  'UID_BANNED',
  'CHANNEL_BANNED',
  'SERVER_ERROR',
  'NETWORK_ERROR',
];

/** The transition table (docs/MODEL.md "Transitions"). */
export const TRANSITIONS: readonly TransitionRule[] = [
  { from: 'DISCONNECTED', to: 'CONNECTING', reasons: [], when: 'join()' },
  { from: 'CONNECTING', to: 'CONNECTED', reasons: [], when: 'server answered joined' },
  { from: 'CONNECTING', to: 'DISCONNECTED', reasons: JOIN_REFUSALS, when: 'join refused or failed' },
  { from: 'CONNECTED', to: 'RECONNECTING', reasons: [], when: 'interruption detected' },
  { from: 'RECONNECTING', to: 'CONNECTED', reasons: [], when: 'rejoin accepted' },
  {
    from: 'RECONNECTING',
    to: 'DISCONNECTED',
    reasons: JOIN_REFUSALS,
    when: 'rejoin refused, or retry budget spent',
  },
  { from: 'CONNECTED', to: 'DISCONNECTING', reasons: [], when: 'leave()' },
  { from: 'RECONNECTING', to: 'DISCONNECTING', reasons: [], when: 'leave()' },
  { from: 'CONNECTING', to: 'DISCONNECTING', reasons: [], when: 'leave()' },
  { from: 'DISCONNECTING', to: 'DISCONNECTED', reasons: ['LEAVE'], when: 'leave() finished' },
  {
    from: 'CONNECTED',
    to: 'DISCONNECTED',
    reasons: ['UID_BANNED', 'CHANNEL_BANNED', 'TOKEN_EXPIRE', 'SAME_UID_LOGIN'],
    when: 'kicked by the server',
  },
];

/** Finds the rule for a transition, or undefined when the model does not allow it. */
export function findTransition(from: ConnectionState, to: ConnectionState): TransitionRule | undefined {
  return TRANSITIONS.find((rule) => rule.from === from && rule.to === to);
}

/** True when `from → to` with `reason` is a transition the model allows. */
export function isAllowedTransition(
  from: ConnectionState,
  to: ConnectionState,
  reason?: DisconnectReason,
): boolean {
  const rule = findTransition(from, to);
  if (!rule) return false;
  if (rule.reasons.length === 0) return reason === undefined;
  return reason !== undefined && rule.reasons.includes(reason);
}
