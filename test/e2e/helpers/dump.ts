/**
 * A small chrome://webrtc-internals dump in the shape current Chrome writes (numeric `timestamp`s,
 * `on`-prefixed events, JSON-encoded stats series): two PCs of one page; the first loses its path
 * from `cutFromS` to `cutToS` (no packets either way, ICE disconnected, then back).
 */

/** Options of {@link interruptedCallDump}. */
export interface DumpOptions {
  /** Epoch ms of the first event. */
  t0?: number;
  /** Seconds of call. */
  seconds?: number;
  cutFromS?: number;
  cutToS?: number;
}

/** The dump as a parsed JSON value. */
export function interruptedCallDump(opts: DumpOptions = {}): Record<string, unknown> {
  const { t0 = 1_765_000_000_000, seconds = 30, cutFromS = 10, cutToS = 16 } = opts;
  const at = (s: number): number => t0 + Math.round(s * 1000);
  const times: number[] = [];
  const sent: number[] = [];
  const received: number[] = [];
  let total = 0;
  for (let s = 1; s <= seconds; s++) {
    times.push(at(s));
    const cut = s > cutFromS && s <= cutToS;
    total += cut ? 0 : 50;
    sent.push(total);
    received.push(total);
  }
  const series = (statsType: string, values: unknown[]) => ({
    statsType,
    startTime: times[0],
    endTime: times[times.length - 1],
    values: JSON.stringify(values),
  });
  const flat = (v: unknown) => times.map(() => v);
  const stats = {
    'T1-timestamp': series('transport', times),
    'T1-selectedCandidatePairId': series('transport', flat('CP1')),
    'CP1-timestamp': series('candidate-pair', times),
    'CP1-state': series('candidate-pair', flat('succeeded')),
    'CP1-localCandidateId': series('candidate-pair', flat('L1')),
    'CP1-remoteCandidateId': series('candidate-pair', flat('R1')),
    'CP1-currentRoundTripTime': series('candidate-pair', flat(0.02)),
    'L1-timestamp': series('local-candidate', times),
    'L1-candidateType': series('local-candidate', flat('host')),
    'L1-protocol': series('local-candidate', flat('udp')),
    'OT1-timestamp': series('outbound-rtp', times),
    'OT1-kind': series('outbound-rtp', flat('audio')),
    'OT1-packetsSent': series('outbound-rtp', sent),
    'IT1-timestamp': series('inbound-rtp', times),
    'IT1-kind': series('inbound-rtp', flat('audio')),
    'IT1-packetsReceived': series('inbound-rtp', received),
    'IT1-packetsLost': series('inbound-rtp', flat(0)),
  };
  return {
    UserAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36',
    getUserMedia: [{ origin: 'https://meet.example.test', audio: 'true', video: '', timestamp: at(0.05) }],
    PeerConnections: {
      '91-1': {
        url: 'https://meet.example.test/room',
        updateLog: [
          { timestamp: at(0.1), type: 'createOffer', value: 'options: {offerToReceiveAudio: 1}' },
          { timestamp: at(0.2), type: 'oniceconnectionstatechange', value: 'checking' },
          { timestamp: at(0.3), type: 'onconnectionstatechange', value: 'connecting' },
          { timestamp: at(0.5), type: 'oniceconnectionstatechange', value: 'connected' },
          { timestamp: at(0.5), type: 'onconnectionstatechange', value: 'connected' },
          { timestamp: at(cutFromS + 5), type: 'oniceconnectionstatechange', value: 'disconnected' },
          { timestamp: at(cutFromS + 5), type: 'onconnectionstatechange', value: 'disconnected' },
          { timestamp: at(cutToS + 0.4), type: 'oniceconnectionstatechange', value: 'connected' },
          { timestamp: at(cutToS + 0.4), type: 'onconnectionstatechange', value: 'connected' },
        ],
        stats,
      },
      '91-2': {
        url: 'https://meet.example.test/room',
        updateLog: [
          { timestamp: at(0.2), type: 'onconnectionstatechange', value: 'connecting' },
          { timestamp: at(0.6), type: 'onconnectionstatechange', value: 'connected' },
        ],
      },
    },
  };
}
