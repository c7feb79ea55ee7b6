/** Load generation against a channel server: light signaling-only members and swarms of them. */
export { SignalingMember, MemberJoinError } from './signaling-member';
export type { MemberState, MemberCounters, SignalingMemberOptions } from './signaling-member';
export { MemberSwarm } from './member-swarm';
export type { MemberSwarmOptions, SwarmStartResult, SwarmTotals } from './member-swarm';
