import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CandidateParseError } from '../../../src/lab/faults/candidate';
import { FaultInjector } from '../../../src/lab/faults/fault-injector';
import { sleep, UdpPeer, waitFor } from './helpers';
import { parseClientFault } from '../../../src/shared/model/faults';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A WebSocket server on /v1/channel that echoes, recording connections and closes. */
async function wsServer(port = 0) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/v1/channel' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const seen = { connections: 0, closes: 0, remotePorts: [] as number[] };
  wss.on('connection', (ws, req) => {
    seen.connections += 1;
    seen.remotePorts.push(req.socket.remotePort ?? 0);
    ws.on('message', (m) => ws.send(m.toString()));
    ws.on('close', () => (seen.closes += 1));
  });
  const close = () =>
    new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    });
  return { wss, seen, port: (wss.address() as { port: number }).port, close };
}

async function setup() {
  const server = await wsServer();
  const inj = new FaultInjector({ serverHost: '127.0.0.1', serverPort: server.port, seed: 7 });
  cleanups.push(server.close, () => inj.dispose());
  await inj.start();
  return { server, inj };
}

function openWs(url: string): Promise<{ ws: WebSocket; messages: string[]; closed: () => boolean }> {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  let closed = false;
  ws.on('message', (m) => messages.push(m.toString()));
  ws.on('close', () => (closed = true));
  ws.on('error', () => {});
  cleanups.push(async () => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, closed: () => closed }));
    ws.once('error', reject);
  });
}

describe('FaultInjector basics', () => {
  it('gives the proxy URL only after start', async () => {
    const inj = new FaultInjector({ serverHost: '127.0.0.1', serverPort: 1 });
    cleanups.push(() => inj.dispose());
    expect(() => inj.signalingUrl()).toThrow('start()');
    await inj.start();
    expect(inj.signalingUrl()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/channel$/);
  });

  it('lists active faults with their own ids, defaults filled', async () => {
    const { inj } = await setup();
    const a = inj.apply(parseClientFault({ kind: 'latency', ms: 20 }));
    const b = inj.apply(parseClientFault({ kind: 'blackhole', path: 'media', direction: 'up' }));
    expect(a).not.toBe(b);
    expect(inj.active().map((f) => [f.id, f.fault.kind])).toEqual([
      [a, 'latency'],
      [b, 'blackhole'],
    ]);
    expect(inj.active()[0]!.fault).toEqual({
      kind: 'latency',
      ms: 20,
      jitterMs: 0,
      path: 'all',
      direction: 'both',
    });
    inj.clear(a);
    inj.clear(a); // unknown ids are ignored
    expect(inj.active().map((f) => f.id)).toEqual([b]);
    inj.clearAll();
    expect(inj.active()).toEqual([]);
  });

  it('takes the id its owner gives, and refuses one already active', async () => {
    const { inj } = await setup();
    expect(inj.apply(parseClientFault({ kind: 'refuse' }), 'lab-7')).toBe('lab-7');
    expect(() => inj.apply(parseClientFault({ kind: 'refuse' }), 'lab-7')).toThrow('already active');
    expect(inj.active().map((f) => f.id)).toEqual(['lab-7']);
  });

  it('maps loopback UDP candidates to relay addresses and drops the rest', async () => {
    const { inj } = await setup();
    expect(inj.shouldSendLocalCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' })).toBe(
      false,
    );
    const c = {
      candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host generation 0',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    const mapped = await inj.mapRemoteCandidate(c);
    expect(mapped).not.toBeNull();
    expect(mapped!.sdpMid).toBe('0');
    expect(mapped!.candidate).toMatch(
      /^candidate:1 1 udp 2122260223 127\.0\.0\.1 \d+ typ host generation 0$/,
    );
    expect(mapped!.candidate).not.toContain(' 5000 ');
    expect(await inj.mapRemoteCandidate(c)).toEqual(mapped);
    expect(
      await inj.mapRemoteCandidate({
        candidate: 'candidate:2 1 tcp 1 127.0.0.1 5000 typ host tcptype passive',
      }),
    ).toBeNull();
    expect(
      await inj.mapRemoteCandidate({ candidate: 'candidate:3 1 udp 1 192.168.1.4 5000 typ host' }),
    ).toBeNull();
    expect(await inj.mapRemoteCandidate({ candidate: '', sdpMid: '0' })).toEqual({
      candidate: '',
      sdpMid: '0',
    });
    await expect(inj.mapRemoteCandidate({ candidate: 'candidate:garbage' })).rejects.toThrow(
      CandidateParseError,
    );
    expect(inj.counters().udp.mappings).toBe(1);
  });
});

describe('FaultInjector on a real WebSocket', () => {
  it('carries signaling; a signaling blackhole hides the client close until cleared', async () => {
    const { server, inj } = await setup();
    const c = await openWs(inj.signalingUrl());
    c.ws.send('hi');
    await waitFor(() => c.messages.includes('hi'), 2000, 'echo');
    const id = inj.apply(parseClientFault({ kind: 'blackhole', path: 'signaling' }));
    c.ws.send('lost?');
    await sleep(200);
    expect(c.messages).toEqual(['hi']);
    c.ws.terminate();
    await sleep(300);
    expect(server.seen.closes).toBe(0);
    inj.clear(id);
    await waitFor(() => server.seen.closes === 1, 3000, 'server sees the close after clear');
  });

  it('a media blackhole leaves signaling alone; latency on signaling slows it', async () => {
    const { inj } = await setup();
    const c = await openWs(inj.signalingUrl());
    inj.apply(parseClientFault({ kind: 'blackhole', path: 'media' }));
    c.ws.send('a');
    await waitFor(() => c.messages.includes('a'), 2000, 'echo under media blackhole');
    inj.apply(parseClientFault({ kind: 'latency', ms: 60, path: 'signaling' }));
    const t0 = performance.now();
    c.ws.send('b');
    await waitFor(() => c.messages.includes('b'), 3000, 'echo under latency');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });

  it('refuse blocks new connections only; reset closes the open one', async () => {
    const { server, inj } = await setup();
    const old = await openWs(inj.signalingUrl());
    const id = inj.apply(parseClientFault({ kind: 'refuse' }));
    await expect(openWs(inj.signalingUrl())).rejects.toThrow();
    old.ws.send('x');
    await waitFor(() => old.messages.includes('x'), 2000, 'old socket works');
    inj.clear(id);
    await openWs(inj.signalingUrl());
    expect(server.seen.connections).toBe(2);
    inj.apply(parseClientFault({ kind: 'reset', path: 'signaling' }));
    await waitFor(() => old.closed(), 2000, 'client closed by reset');
    await waitFor(() => server.seen.closes === 2, 2000, 'server sees both closes');
  });

  it('follows the server to a new port after setServerPort', async () => {
    const { inj } = await setup();
    const other = await wsServer();
    cleanups.push(other.close);
    inj.setServerPort(other.port);
    const c = await openWs(inj.signalingUrl());
    c.ws.send('moved');
    await waitFor(() => c.messages.includes('moved'), 2000, 'echo from the new server');
    expect(other.seen.connections).toBe(1);
  });

  it('ip-change resets signaling (the client reconnects from a new port) and moves media', async () => {
    const { server, inj } = await setup();
    const media = await UdpPeer.open(true);
    const client = await UdpPeer.open();
    cleanups.push(
      () => media.close(),
      () => client.close(),
    );
    const mapped = await inj.mapRemoteCandidate({
      candidate: `candidate:1 1 udp 1 127.0.0.1 ${media.port} typ host`,
    });
    const relayPort = Number(mapped!.candidate.split(' ')[5]);
    client.send(Buffer.from('m1'), relayPort);
    await waitFor(() => media.received.length === 1, 2000, 'media before');
    const c = await openWs(inj.signalingUrl());
    await waitFor(() => server.seen.connections === 1, 2000, 'ws connected');

    inj.apply(parseClientFault({ kind: 'ip-change' }));
    await waitFor(() => c.closed(), 2000, 'ws reset');
    await openWs(inj.signalingUrl());
    await waitFor(() => server.seen.connections === 2, 2000, 'ws reconnected');
    expect(server.seen.remotePorts[1]).not.toBe(server.seen.remotePorts[0]);

    client.send(Buffer.from('m2'), relayPort);
    await waitFor(() => media.received.length === 2, 2000, 'media after');
    const [before, after] = media.received;
    expect(`${after!.address}:${after!.port}`).not.toBe(`${before!.address}:${before!.port}`);
    await waitFor(() => client.received.length === 2, 2000, 'echo to the client after ip-change');
    expect(inj.counters().udp.rebinds).toBe(1);
  });
});

describe('FaultInjector dispose', () => {
  it('closes everything and refuses further use', async () => {
    const server = await wsServer();
    cleanups.push(server.close);
    const inj = new FaultInjector({ serverHost: '127.0.0.1', serverPort: server.port });
    await inj.start();
    const c = await openWs(inj.signalingUrl());
    inj.apply(parseClientFault({ kind: 'latency', ms: 1000, path: 'all' }));
    await inj.mapRemoteCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' });
    await inj.dispose();
    await waitFor(() => c.closed(), 2000, 'client closed on dispose');
    await sleep(20);
    const kinds = process.getActiveResourcesInfo();
    expect(kinds.filter((k) => k === 'UDPWrap')).toHaveLength(0);
    expect(() => inj.apply(parseClientFault({ kind: 'refuse' }))).toThrow('disposed');
    await inj.dispose(); // idempotent
  });
});
