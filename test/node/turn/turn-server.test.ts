import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPeerConnection } from '../../../src/lab/clients/engines';
import { stunAnswers, TurnServer, TurnServerMissingError, TurnServerStartError } from '../../../src/lab/turn';
import { waitFor } from '../../helpers/wait';
import { turnAvailable } from './availability';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(turnAvailable)('TurnServer (coturn on loopback)', () => {
  it('starts on a free port with a pid file and leaves no process or directory behind', async () => {
    const turn = await TurnServer.start();
    // start() returns only once UDP answers too (coturn opens it 8–11 ms after TCP).
    const udpAnsweredAtStart = await stunAnswers(turn.host, turn.port);
    const pid = turn.pid!;
    try {
      expect(turn.running).toBe(true);
      expect(turn.port).toBeGreaterThan(0);
      await waitFor(() => existsSync(`${turn.dir}/turnserver.pid`), 'the pid file');
      expect(Number(readFileSync(`${turn.dir}/turnserver.pid`, 'utf8').trim())).toBe(pid);
      const ice = turn.iceServer();
      expect(ice.urls).toEqual([
        `turn:127.0.0.1:${turn.port}?transport=udp`,
        `turn:127.0.0.1:${turn.port}?transport=tcp`,
      ]);
      expect(turn.isRelaySource('127.0.0.1', turn.relayPorts.min)).toBe(true);
      expect(turn.isRelaySource('127.0.0.1', 40_000)).toBe(false);
      expect(udpAnsweredAtStart).toBe(true);
    } finally {
      await turn.dispose();
    }
    expect(alive(pid)).toBe(false);
    expect(existsSync(turn.dir)).toBe(false);
    expect(await stunAnswers(turn.host, turn.port, 300)).toBe(false);
    await turn.dispose(); // idempotent
  });

  it('names coturn when turnserver is missing, and reports a binary that does not start', async () => {
    const missing = await TurnServer.start({ searchPath: ['/nonexistent'] }).catch((e: Error) => e);
    expect(missing).toBeInstanceOf(TurnServerMissingError);
    expect((missing as Error).message).toMatch(/install coturn/);
    const broken = await TurnServer.start({ binary: '/nonexistent/turnserver' }).catch((e: Error) => e);
    expect(broken).toBeInstanceOf(TurnServerStartError);
  });

  it.each([
    ['wrtc', 'udp'],
    ['wrtc', 'tcp'],
    ['werift', 'udp'],
    ['werift', 'tcp'],
  ] as const)(
    'relays a %s call over TURN/%s with iceTransportPolicy relay',
    async (engine, transport) => {
      const turn = await TurnServer.start();
      try {
        {
          const server = turn.iceServer();
          const iceServers = [{ ...server, urls: server.urls.filter((u) => u.endsWith(transport)) }];
          const a = createPeerConnection(engine, { iceServers, iceTransportPolicy: 'relay' });
          const b = createPeerConnection('wrtc', { iceServers, iceTransportPolicy: 'relay' });
          try {
            const types: string[] = [];
            a.onicecandidate = (e) => {
              if (e.candidate?.candidate) {
                types.push(e.candidate.candidate.split(/\s+/)[7] ?? '');
                void b.addIceCandidate(e.candidate);
              }
            };
            b.onicecandidate = (e) => {
              if (e.candidate?.candidate) void a.addIceCandidate(e.candidate);
            };
            a.addTransceiver('audio', { direction: 'sendrecv' });
            const offer = await a.createOffer();
            await a.setLocalDescription(offer);
            await b.setRemoteDescription(offer);
            const answer = await b.createAnswer();
            await b.setLocalDescription(answer);
            await a.setRemoteDescription(answer);
            await waitFor(
              () => ['connected', 'completed'].includes(a.iceConnectionState),
              `${engine} ICE over TURN/${transport} (state ${a.iceConnectionState})`,
              30_000,
            );
            expect(types.length).toBeGreaterThan(0);
            expect(new Set(types)).toEqual(new Set(['relay']));
            let relayProtocol: unknown;
            const report = await a.getStats();
            const byId = new Map<string, Record<string, unknown>>();
            report.forEach((s) => byId.set(String(s.id), s));
            for (const s of byId.values()) {
              if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
                const pair = byId.get(s.selectedCandidatePairId);
                relayProtocol = byId.get(String(pair?.localCandidateId))?.relayProtocol;
              }
            }
            if (engine === 'wrtc') expect(relayProtocol).toBe(transport);
          } finally {
            a.close();
            b.close();
          }
        }
      } finally {
        await turn.dispose();
      }
    },
    90_000,
  );
});
