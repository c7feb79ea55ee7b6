/**
 * werift peer-connection settings for the SFU, and the candidate rules that go with them.
 * docs/WEBRTC.md "ICE on a loopback lab" and "The werift SFU": no STUN server (the default one is
 * unreachable here), one host candidate on the announced address only, Opus + VP8 only so that
 * every publisher's RTP can be forwarded to every subscriber unchanged.
 */
import { isIPv4 } from 'node:net';
import { useOPUS, useVP8, type PeerConfig } from './werift';
import type { CandidateInit } from '../../network-path';
import { isLoopbackHost } from '../../../shared/ipc/server-url';

/**
 * The address the SFU binds its UDP sockets to and announces in candidates: the server's host
 * when it is a specific IPv4 address, otherwise `override` or 127.0.0.1.
 */
export function mediaAddressFor(host: string, override?: string): string {
  if (override) return override;
  if (isIPv4(host) && host !== '0.0.0.0') return host;
  return '127.0.0.1';
}

/**
 * Whether the SFU bound to `mediaAddress` takes ICE traffic from `remoteHost`: from anywhere when
 * it listens on a network address, from loopback only when it listens on loopback.
 *
 * Why: a local client gathers host candidates on every interface and checks them all against
 * the server's 127.0.0.1 candidate, so its socket on the machine's LAN address reaches us too —
 * as a peer-reflexive candidate that nobody announced. When that pair won the race, the server
 * kept it selected while the client moved to the loopback pair; the server's consent checks on
 * it went unanswered (6 sent, 1 answered: the first) and the PC failed 30 s after connecting
 * although media flowed (the pair of all 7 failed server PCs logged in 4 runs of
 * test/node/scale/fifty-members.test.ts with one core kept busy; with this rule none had it). It
 * also let media leave the loopback path the lab promises.
 */
export function acceptsIceFrom(mediaAddress: string, remoteHost: string): boolean {
  return !isLoopbackHost(mediaAddress) || isLoopbackHost(remoteHost);
}

/** werift configuration for one SFU peer connection. */
export function peerConfig(mediaAddress: string): Partial<PeerConfig> {
  return {
    // Checks from, and pairs with, addresses the server does not take media from are ignored.
    iceFilterStunResponse: (_message, [host]) => acceptsIceFrom(mediaAddress, host),
    iceFilterCandidatePair: (pair) => acceptsIceFrom(mediaAddress, pair.remoteCandidate.host),
    iceServers: [],
    // Skip interface enumeration; gather exactly one UDP host candidate, bound to mediaAddress.
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [mediaAddress],
    iceInterfaceAddresses: { udp4: mediaAddress },
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    headerExtensions: { audio: [], video: [] },
    bundlePolicy: 'max-bundle',
  };
}

/** True for a UDP candidate on exactly `address` (what the SFU sends to clients). */
export function isAnnouncedCandidate(candidate: CandidateInit, address: string): boolean {
  const parts = candidate.candidate.replace(/^a=/, '').split(/\s+/);
  return parts[2]?.toLowerCase() === 'udp' && parts[4] === address;
}
