/**
 * The fault injector: a client's network path (TCP proxy for signaling, UDP relay for media)
 * on which faults act. Import from here; the files behind it are its seams.
 */
export { FaultInjector } from './fault-injector';
export { InvalidFaultError, parseClientFault } from '../../shared/model/faults';
export type {
  ActiveFault,
  FaultInjectorCounters,
  FaultInjectorOptions,
  TurnEndpoints,
  TurnTarget,
} from './fault-injector';
export {
  CandidateParseError,
  formatCandidate,
  parseCandidate,
  rewriteCandidateAddress,
  rewriteCandidateInit,
  splitSdpCandidates,
} from './candidate';
export type { ParsedCandidate, SdpCandidate } from './candidate';
export { Impairment } from './impairment';
export type {
  ImpairmentCounters,
  ImpairmentMode,
  ImpairmentOptions,
  ImpairmentRule,
  PushOutcome,
} from './impairment';
export { TcpProxy } from './tcp-proxy';
export type { TcpCounters, TcpProxyOptions } from './tcp-proxy';
export { UdpRelay } from './udp-relay';
export type { MappingClass, UdpRelayCounters, UdpRelayOptions } from './udp-relay';
export { RuleBook, directionsOf } from './rule-book';
export type { Dir } from './rule-book';
export { measureRelay } from './measure';
export type { MeasureRelayOptions, RelayMeasurement, RttSummary } from './measure';
export { mulberry32, deriveSeed } from '../../shared/random';
export type { Random } from '../../shared/random';
