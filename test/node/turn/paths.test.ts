/**
 * The TURN plumbing without WebRTC: the injector's relay classes and blocks, the server-side
 * bypass for TURN relay endpoints, the lab's TURN configuration, the redaction of credentials,
 * and the candidate-pair expectation.
 */
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../src/lab/faults';
import { Lab } from '../../../src/lab/lab';
import { LabTurn, TurnConfigError } from '../../../src/lab/turn';
import { ExpectationSchema, type TraceRecord } from '../../../src/shared';
import { redact } from '../../../src/shared/trace/serialize';
import { evaluateExpectation } from '../../../src/shared/check/expectations';
import { waitFor } from '../../helpers/wait';
import { turnAvailable } from './availability';
import { parseClientFault } from '../../../src/shared/model/faults';

/** A UDP echo server on loopback. */
async function echo(): Promise<{ port: number; close: () => Promise<void> }> {
  const s = dgram.createSocket('udp4');
  s.on('message', (buf, r) => s.send(buf, r.port, r.address));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, close: () => new Promise((r) => s.close(() => r())) };
}

/** A client socket that counts echoes from one address. */
async function client(): Promise<{
  port: number;
  send: (port: number) => void;
  got: () => number;
  close: () => Promise<void>;
}> {
  const s = dgram.createSocket('udp4');
  let n = 0;
  s.on('message', () => n++);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return {
    port: s.address().port,
    send: (port) => s.send(Buffer.from('x'), port, '127.0.0.1'),
    got: () => n,
    close: () => new Promise((r) => s.close(() => r())),
  };
}

describe('FaultInjector with a TURN server behind it', () => {
  it('blocks direct UDP and TURN/UDP separately, and lets TURN relay endpoints through', async () => {
    const media = await echo();
    const turnUdp = await echo();
    const c = await client();
    // The "relay endpoint" is a client socket whose port the injector is told is server-side.
    const relayEndpoint = await client();
    let relayPort = -1;
    const injector = new FaultInjector({
      serverHost: '127.0.0.1',
      serverPort: 1,
      turn: { host: '127.0.0.1', port: turnUdp.port, isRelaySource: (_a, p) => p === relayPort },
    });
    await injector.start();
    try {
      const endpoints = (await injector.turnEndpoints())!;
      expect(endpoints.tcp.port).toBeGreaterThan(0);
      const direct = (await injector.mapRemoteCandidate({
        candidate: `candidate:1 1 udp 2130706431 127.0.0.1 ${media.port} typ host`,
      }))!;
      const directPort = Number(direct.candidate.split(' ')[5]);
      const roundTrip = async (sock: typeof c, port: number, blocked: boolean) => {
        const before = sock.got();
        for (let i = 0; i < 5; i++) sock.send(port);
        if (blocked) {
          // Give the datagrams time to be dropped, then check none came back.
          await new Promise((r) => setTimeout(r, 200));
          expect(sock.got()).toBe(before);
        } else {
          await waitFor(() => sock.got() > before, `an echo through port ${port}`, 5000);
        }
      };
      await roundTrip(c, directPort, false);
      await roundTrip(c, endpoints.udp.port, false);

      const d = injector.apply(parseClientFault({ kind: 'block-direct-udp' }));
      await roundTrip(c, directPort, true);
      await roundTrip(c, endpoints.udp.port, false);
      relayPort = relayEndpoint.port;
      await roundTrip(relayEndpoint, directPort, false); // server side: not blocked
      const t = injector.apply(parseClientFault({ kind: 'block-turn-udp' }));
      await roundTrip(c, endpoints.udp.port, true);
      expect(injector.counters().udp.blocked).toBeGreaterThan(0);
      injector.clear(d);
      injector.clear(t);
      await roundTrip(c, directPort, false);
      await roundTrip(c, endpoints.udp.port, false);
      expect(() => injector.apply(parseClientFault({ kind: 'block-turn-tcp' }))).not.toThrow();
      expect(injector.counters().turnTcp).not.toBeNull();
    } finally {
      await injector.dispose();
      await Promise.all([media.close(), turnUdp.close(), c.close(), relayEndpoint.close()]);
    }
  });
});

describe('LabTurn configuration', () => {
  it('refuses a bad external configuration with a clear error', async () => {
    await expect(
      LabTurn.start({ kind: 'external', urls: [], username: 'u', credential: 'c' }),
    ).rejects.toBeInstanceOf(TurnConfigError);
    await expect(
      LabTurn.start({ kind: 'external', urls: ['http://x'], username: 'u', credential: 'c' }),
    ).rejects.toThrow(/not a turn: or turns: URL/);
    await expect(LabTurn.start({ kind: 'other' } as never)).rejects.toThrow(/embedded' or 'external/);
  });

  it('hands an external server to the clients as given', async () => {
    const turn = await LabTurn.start({
      kind: 'external',
      urls: ['turn:turn.example:3478?transport=udp'],
      username: 'u',
      credential: 'c',
    });
    expect(turn.target()).toBeNull();
    expect(await turn.iceFor(null, 'wrtc')).toEqual({
      iceServers: [{ urls: ['turn:turn.example:3478?transport=udp'], username: 'u', credential: 'c' }],
    });
    expect(turn.describe()).not.toMatch(/example|"c"/);
    expect(turn.warningFor('werift')).toMatch(/need wrtc/);
    expect(turn.warningFor('wrtc')).toBeNull();
    await turn.dispose();
  });
});

describe.runIf(turnAvailable)('a lab with the embedded TURN server', () => {
  it('starts coturn, keeps credentials out of the trace and stops it on dispose', async () => {
    const lab = await Lab.create({ turn: { kind: 'embedded' } });
    const pids = lab.childPids();
    expect(pids).toHaveLength(2);
    await lab.addParticipant({ uid: 1 });
    await lab.dispose();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    const text = JSON.stringify(lab.recorder.snapshot());
    expect(text).toMatch(/TURN: coturn on 127\.0\.0\.1:\d+/);
    expect(text).not.toMatch(/credential|username/);
  });
});

describe('trace and check', () => {
  it('redacts credential and password fields', () => {
    const out = redact({
      type: 'log',
      raw: { iceServers: [{ urls: 'turn:x', credential: 'c', password: 'p' }] },
    });
    expect(JSON.stringify(out)).not.toMatch(/"c"|"p"|credential|password/);
  });

  it('judges a candidate-pair expectation against media records', () => {
    const e = ExpectationSchema.parse({ uid: 1, pc: 'pub', candidatePair: 'relay/udp', withinMs: [0, 5000] });
    const rec = (seq: number, t: number, value: string): TraceRecord =>
      ({ seq, t, type: 'media', uid: 1, event: 'candidate-pair', pc: 'pub', value }) as TraceRecord;
    const records = [rec(1, 100, 'host/udp'), rec(2, 2000, 'relay/udp')];
    const result = evaluateExpectation(e, 0, {
      records,
      faults: [],
      timeScale: 1,
      vocabulary: 'current',
      unscaledJitterMs: 200,
      timelineStartT: 0,
      stalls: [],
      stallLookbackMs: 4500,
    });
    expect(result.verdict).toBe('pass');
    expect(result.match?.seq).toBe(2);
    expect(result.label).toMatch(/relay\/udp candidate pair/);
    expect(() => ExpectationSchema.parse({ candidatePair: 'relay/udp', withinMs: [0, 1] })).toThrow(
      /needs `uid`/,
    );
    expect(() =>
      ExpectationSchema.parse({ uid: 1, state: 'CONNECTED', candidatePair: 'relay/udp', withinMs: [0, 1] }),
    ).toThrow(/either a peer `event`/);
  });
});
