/**
 * The connection manager: one {@link Client} per local UID (state machine, reconnect policy,
 * signaling, pub/sub peer connections, synthetic media, stats). Everything else in this folder
 * is its parts; import from here.
 */
export { Client, type ClientOptions } from './client';
export { ClientError, SignalingError, type ClientErrorCode } from './errors';
export type { PeerEvent } from './peers';
export { createPeerConnection, isEngineName, type EngineName, type PeerConnectionLike } from './engines';
export {
  backoffDelay,
  ReconnectSchedule,
  scaledPolicy,
  seededRandom,
  type RandomSource,
} from './reconnect-policy';
export { ConnectionStateMachine, IllegalTransitionError } from './state-machine';
export { createSyntheticMedia, type SyntheticMedia, type SyntheticMediaOptions } from './synthetic-media';
export { StatsSampler, type StatsSample, type StatsSource } from './stats-sampler';
export { splitCandidates, stripCandidates } from './sdp';
