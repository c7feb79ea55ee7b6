/**
 * werift peer-connection settings for the SFU, and the candidate rules that go with them.
 * docs/WEBRTC.md "ICE on a loopback lab" and "The werift SFU": no STUN server (the default one is
 * unreachable here), one host candidate on the announced address only, Opus + VP8 only so that
 * every publisher's RTP can be forwarded to every subscriber unchanged.
 */
import { isIPv4 } from 'node:net';
import { useOPUS, useVP8, type PeerConfig } from './werift';
import type { CandidateInit } from '../../network-path';

/**
 * The address the SFU binds its UDP sockets to and announces in candidates: the server's host
 * when it is a specific IPv4 address, otherwise `override` or 127.0.0.1.
 */
export function mediaAddressFor(host: string, override?: string): string {
  if (override) return override;
  if (isIPv4(host) && host !== '0.0.0.0') return host;
  return '127.0.0.1';
}

/** werift configuration for one SFU peer connection. */
export function peerConfig(mediaAddress: string): Partial<PeerConfig> {
  return {
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
