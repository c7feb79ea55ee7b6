/**
 * The seam between a client's connection manager and whatever sits in its network path.
 * The fault injector implements it (TCP proxy for signaling, UDP relay for media, candidates
 * rewritten in signaling); {@link DirectPath} implements it with nothing in between.
 */

/** An ICE candidate as it travels in signaling (RTCIceCandidateInit). */
export interface CandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** What a connection manager needs to know about its network path. */
export interface NetworkPath {
  /** The WebSocket URL the client dials for signaling (e.g. through a proxy). */
  signalingUrl(): string;
  /**
   * Rewrites a candidate received from the server so that media reaches the server through
   * this path; null drops it (e.g. a non-loopback or TCP candidate the path does not carry).
   * May allocate relay sockets, hence async.
   */
  mapRemoteCandidate(candidate: CandidateInit): Promise<CandidateInit | null>;
  /**
   * Whether a candidate gathered locally may be sent to the server. A relay that behaves like
   * a NAT sends none: the server learns the relay's address from the client's checks.
   */
  shouldSendLocalCandidate(candidate: CandidateInit): boolean;
}

/** True for an ICE candidate on a loopback address (127.0.0.0/8 or ::1), UDP. */
export function isLoopbackUdpCandidate(candidate: CandidateInit): boolean {
  const parts = candidate.candidate.replace(/^a=/, '').split(/\s+/);
  // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …
  const transport = parts[2]?.toLowerCase();
  const address = parts[4] ?? '';
  return transport === 'udp' && (address.startsWith('127.') || address === '::1');
}

/** A path with nothing in it: the client talks to the server directly, loopback only. */
export class DirectPath implements NetworkPath {
  /** @param url the server's protocol URL, e.g. `ws://127.0.0.1:4321/v1/channel` */
  constructor(private readonly url: string) {}

  signalingUrl(): string {
    return this.url;
  }

  async mapRemoteCandidate(candidate: CandidateInit): Promise<CandidateInit | null> {
    return isLoopbackUdpCandidate(candidate) ? candidate : null;
  }

  shouldSendLocalCandidate(candidate: CandidateInit): boolean {
    return isLoopbackUdpCandidate(candidate);
  }
}
