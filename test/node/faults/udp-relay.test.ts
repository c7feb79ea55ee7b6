import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpRelay } from '../../../src/lab/faults/udp-relay';
import { echoRtts, quantile, sleep, UdpPeer, waitFor } from './helpers';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A relay, a "server" S and a "client" C, with C's relay address A_S for S. */
async function setup(echo = false, seed = 1) {
  const relay = new UdpRelay({ seed });
  const server = await UdpPeer.open(echo);
  const client = await UdpPeer.open();
  cleanups.push(
    () => relay.close(),
    () => server.close(),
    () => client.close(),
  );
  const a = await relay.mapServerAddress('127.0.0.1', server.port);
  return { relay, server, client, a };
}

describe('UdpRelay forwarding', () => {
  it('forwards both ways like a NAT: the server sees B, replies reach C from A_S', async () => {
    const { relay, server, client, a } = await setup(true);
    expect(a.address).toBe('127.0.0.1');
    expect(a.port).not.toBe(server.port);
    client.send(Buffer.from('hello'), a.port);
    await waitFor(() => client.received.length === 1, 2000, 'echo');
    expect(client.received[0]!.buf.toString()).toBe('hello');
    expect(client.received[0]!.port).toBe(a.port); // reply comes from A_S
    const b = server.received[0]!;
    expect(b.port).not.toBe(client.port); // the server sees the relay, not the client
    expect(relay.serverFacingAddresses()).toEqual([{ address: b.address, port: b.port }]);
    expect(relay.counters()).toMatchObject({ mappings: 1, flows: 1 });
    // The same S maps to the same A_S.
    expect(await relay.mapServerAddress('127.0.0.1', server.port)).toEqual(a);
  });

  it('B only accepts datagrams from the server it talks to', async () => {
    const { server, client, a } = await setup(false);
    client.send(Buffer.from('x'), a.port);
    await waitFor(() => server.received.length === 1, 2000, 'datagram at server');
    const stranger = await UdpPeer.open();
    cleanups.push(() => stranger.close());
    stranger.send(Buffer.from('spoof'), server.received[0]!.port, server.received[0]!.address);
    server.send(Buffer.from('real'), server.received[0]!.port, server.received[0]!.address);
    await waitFor(() => client.received.length >= 1, 2000, 'reply');
    await sleep(50);
    expect(client.received.map((r) => r.buf.toString())).toEqual(['real']);
  });

  it('rejects bad server addresses with clear errors', async () => {
    const relay = new UdpRelay();
    cleanups.push(() => relay.close());
    await expect(relay.mapServerAddress('host.local', 5000)).rejects.toThrow('not an IP address');
    await expect(relay.mapServerAddress('127.0.0.1', 0)).rejects.toThrow('not 1-65535');
    await relay.close();
    await expect(relay.mapServerAddress('127.0.0.1', 5000)).rejects.toThrow('closed');
  });
});

describe('UdpRelay faults', () => {
  it('20 % loss (fixed seed) drops 15-25 % of 2,000 datagrams', async () => {
    const { relay, server, client, a } = await setup(false, 1234);
    relay.rules.add('loss', 'up', { kind: 'loss', pct: 20 });
    await client.sendPaced(2000, 100, a.port, () => relay.counters().up.packets);
    await waitFor(() => relay.counters().up.packets === 2000, 5000, 'all datagrams at the relay');
    await sleep(100);
    const lossRate = 1 - server.received.length / 2000;
    expect(lossRate).toBeGreaterThan(0.15);
    expect(lossRate).toBeLessThan(0.25);
    expect(relay.counters().up.dropped).toBe(2000 - server.received.length);
  });

  it('burst loss (meanLength 4) comes in runs at about the asked rate', async () => {
    const { relay, server, client, a } = await setup(false, 99);
    relay.rules.add('loss', 'up', { kind: 'loss', pct: 20, meanLength: 4 });
    await client.sendPaced(2000, 100, a.port, () => relay.counters().up.packets);
    await waitFor(() => relay.counters().up.packets === 2000, 5000, 'all datagrams at the relay');
    await sleep(100);
    const got = new Set(server.received.map((r) => r.buf.readUInt32BE(0)));
    const runs: number[] = [];
    let run = 0;
    for (let i = 0; i < 2000; i++) {
      if (!got.has(i)) run += 1;
      else if (run) {
        runs.push(run);
        run = 0;
      }
    }
    if (run) runs.push(run);
    const rate = (2000 - got.size) / 2000;
    expect(rate).toBeGreaterThan(0.1);
    expect(rate).toBeLessThan(0.3);
    expect(runs.reduce((x, y) => x + y, 0) / runs.length).toBeGreaterThan(1.5);
  });

  it('latency 50 ms each way makes the echo RTT ≥ ~100 ms; jitter spreads it', async () => {
    const { relay, client, a } = await setup(true);
    const base = await echoRtts(client, a.port, 20);
    expect(base.lost).toBe(0);
    expect(quantile(base.rtts, 0.5)).toBeLessThan(40);
    relay.rules.add('lat', 'both', { kind: 'latency', ms: 50, jitterMs: 0 });
    const slow = await echoRtts(client, a.port, 10);
    expect(slow.lost).toBe(0);
    expect(Math.min(...slow.rtts)).toBeGreaterThanOrEqual(98);
    relay.rules.remove('lat');
    relay.rules.add('jit', 'both', { kind: 'latency', ms: 40, jitterMs: 30 });
    const jit = await echoRtts(client, a.port, 30);
    expect(jit.lost).toBe(0);
    expect(Math.max(...jit.rtts) - Math.min(...jit.rtts)).toBeGreaterThan(20);
    expect(Math.min(...jit.rtts)).toBeGreaterThanOrEqual(19);
  });

  it('blackhole up passes nothing to the server; down passes nothing back; clear restores', async () => {
    const { relay, server, client, a } = await setup(true);
    relay.rules.add('bh', 'up', { kind: 'blackhole' });
    await client.sendPaced(100, 50, a.port, () => relay.counters().up.packets);
    await sleep(100);
    expect(server.received).toHaveLength(0);
    expect(relay.counters().up.dropped).toBe(100);
    relay.rules.remove('bh');

    relay.rules.add('bh2', 'down', { kind: 'blackhole' });
    const sentBefore = relay.counters().up.packets;
    await client.sendPaced(100, 50, a.port, () => relay.counters().up.packets - sentBefore);
    await waitFor(() => server.received.length === 100, 2000, 'datagrams at server');
    await sleep(100);
    expect(client.received).toHaveLength(0);
    expect(relay.counters().down.dropped).toBe(100);

    relay.rules.remove('bh2');
    const before = relay.counters().down.delivered;
    const upBefore = relay.counters().up.packets;
    await client.sendPaced(20, 50, a.port, () => relay.counters().up.packets - upBefore);
    await waitFor(() => client.received.length === 20, 2000, 'echoes after clear');
    expect(relay.counters().down.delivered).toBe(before + 20);
  });

  it('a 256 kbps limit yields a throughput near 256 kbps', async () => {
    const { relay, server, client, a } = await setup(false);
    relay.rules.add('bw', 'up', { kind: 'bandwidth', kbps: 256 });
    // Offer ~1 Mbit/s (two 1,000-byte datagrams every ~15 ms) for 1.5 s: well above the limit
    // even if a loaded machine stretches the sleeps.
    const t0 = performance.now();
    for (let i = 0; performance.now() - t0 < 1500 && i < 200; i++) {
      client.send(Buffer.alloc(1000), a.port);
      client.send(Buffer.alloc(1000), a.port);
      await sleep(15);
    }
    await sleep(300);
    const r = server.received;
    expect(r.length).toBeGreaterThan(10);
    const secs = (r[r.length - 1]!.at - r[0]!.at) / 1000;
    const kbps = ((r.length - 1) * 1000 * 8) / 1000 / secs;
    expect(kbps).toBeGreaterThan(150);
    expect(kbps).toBeLessThan(350);
    expect(relay.counters().up.dropped).toBeGreaterThan(0);
  });

  it('rebind (ip-change) makes the server see a new source port and address', async () => {
    const { relay, server, client, a } = await setup(true);
    client.send(Buffer.from('1'), a.port);
    await waitFor(() => server.received.length === 1, 2000, 'first datagram');
    const first = server.received[0]!;
    expect(relay.rebind({ newAddress: true })).toBe(1);
    client.send(Buffer.from('2'), a.port);
    await waitFor(() => server.received.length === 2, 2000, 'datagram after rebind');
    const second = server.received[1]!;
    expect(`${second.address}:${second.port}`).not.toBe(`${first.address}:${first.port}`);
    if (process.platform === 'linux') expect(second.address).not.toBe(first.address);
    // Replies to the new B still reach the client; the old B is gone.
    await waitFor(() => client.received.length === 2, 2000, 'echo after rebind');
    expect(relay.counters().rebinds).toBe(1);
  });
});

describe('UdpRelay close', () => {
  it('closes every socket: the ports can be bound again and no handles remain', async () => {
    await sleep(20); // closed handles leave the list a tick after their close callback
    const handlesBefore = process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    const relay = new UdpRelay();
    const server = await UdpPeer.open(true);
    const client = await UdpPeer.open();
    const a = await relay.mapServerAddress('127.0.0.1', server.port);
    relay.rules.add('lat', 'both', { kind: 'latency', ms: 200, jitterMs: 0 });
    client.send(Buffer.from('x'), a.port);
    await sleep(50);
    const b = relay.serverFacingAddresses()[0]!;
    await relay.close();
    await server.close();
    await client.close();
    for (const addr of [a, b]) {
      const s = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(addr.port, addr.address, () => resolve());
      });
      await new Promise<void>((r) => s.close(() => r()));
    }
    await sleep(20);
    const handlesAfter = process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    expect(handlesAfter).toBeLessThanOrEqual(handlesBefore);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(0);
  });
});
