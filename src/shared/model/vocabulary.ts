/**
 * Two vocabularies, one model: the trace stores current (4.x) names; views and exports may
 * show the legacy (2.5/3.x) names instead (docs/MODEL.md "Vocabularies").
 */
import type { ConnectionState } from './states';

/** Which names to show. */
export type Vocabulary = 'current' | 'legacy';

/** Remote-peer events as the server reports them (current names). */
export const PEER_EVENTS = ['user-joined', 'user-published', 'user-unpublished', 'user-left'] as const;

/** One of {@link PEER_EVENTS}. */
export type PeerEventName = (typeof PEER_EVENTS)[number];

const LEGACY_PEER_EVENTS: Record<PeerEventName, string> = {
  'user-joined': 'peer-online',
  'user-published': 'stream-added',
  'user-unpublished': 'stream-removed',
  'user-left': 'peer-leave',
};

/** Legacy state codes (DISCONNECTED 1, CONNECTING 2, CONNECTED 3, DISCONNECTING 4). */
export const LEGACY_STATE_CODES: Record<string, number> = {
  DISCONNECTED: 1,
  CONNECTING: 2,
  CONNECTED: 3,
  DISCONNECTING: 4,
};

/** The name of a state in a vocabulary; legacy has no RECONNECTING (it reports CONNECTING). */
export function stateName(state: ConnectionState, vocabulary: Vocabulary): string {
  if (vocabulary === 'legacy' && state === 'RECONNECTING') return 'CONNECTING';
  return state;
}

/** The name of a peer event in a vocabulary. */
export function peerEventName(event: PeerEventName, vocabulary: Vocabulary): string {
  return vocabulary === 'legacy' ? LEGACY_PEER_EVENTS[event] : event;
}
