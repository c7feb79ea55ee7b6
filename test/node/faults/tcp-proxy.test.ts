import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nextSynRetransmit, TcpProxy } from '../../../src/lab/faults/tcp-proxy';
import { sleep, waitFor } from './helpers';
import { dial, TcpSink } from './tcp-helpers';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(echo = false, opts: { holdCapBytes?: number } = {}) {
  const sink = await TcpSink.open(echo);
  const proxy = new TcpProxy({ target: { host: '127.0.0.1', port: sink.port }, ...opts });
  cleanups.push(
    () => sink.close(),
    () => proxy.close(),
  );
  const port = await proxy.listen();
  return { sink, proxy, port };
}

describe('TcpProxy forwarding', () => {
  it('forwards bytes both ways and carries a FIN', async () => {
    const { sink, proxy, port } = await setup(true);
    const c = await dial(port);
    c.socket.write('ping');
    await waitFor(() => c.text === 'ping', 2000, 'echo');
    c.socket.end();
    await waitFor(() => sink.conns[0]?.ended === true, 2000, 'FIN at server');
    expect(proxy.counters()).toMatchObject({ accepted: 1, open: 1 });
    sink.conns[0]!.socket.end();
    await waitFor(() => c.closed, 2000, 'client closed');
    await waitFor(() => proxy.counters().open === 0, 2000, 'connection forgotten');
    expect(proxy.counters().up.deliveredBytes).toBe(4);
    expect(proxy.counters().down.deliveredBytes).toBe(4);
  });

  it('connects new connections to the new target after setTarget', async () => {
    const { proxy, port } = await setup();
    const other = await TcpSink.open();
    cleanups.push(() => other.close());
    proxy.setTarget('127.0.0.1', other.port);
    const c = await dial(port);
    c.socket.write('x');
    await waitFor(() => other.conns[0]?.text === 'x', 2000, 'bytes at the new target');
    expect(() => proxy.setTarget('127.0.0.1', 70000)).toThrow('not 1-65535');
  });

  it('resets the client promptly when the server is down', async () => {
    const { sink, port } = await setup();
    await sink.close();
    const t0 = performance.now();
    const c = await dial(port);
    await waitFor(() => c.closed, 2000, 'client reset');
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe('TcpProxy blackhole', () => {
  it('holds bytes and a FIN while active, then delivers them on clear', async () => {
    const { sink, proxy, port } = await setup();
    const c = await dial(port);
    c.socket.write('before|');
    await waitFor(() => sink.conns[0]?.text === 'before|', 2000, 'first bytes');
    const server = sink.conns[0]!;
    proxy.rules.add('bh', 'both', { kind: 'blackhole' });
    c.socket.write('during');
    c.socket.end();
    server.socket.write('down');
    await sleep(300);
    expect(server.text).toBe('before|');
    expect(server.ended).toBe(false);
    expect(server.closed).toBe(false);
    expect(c.bytes).toBe(0);
    expect(proxy.counters().up.held).toBeGreaterThanOrEqual(2);
    proxy.rules.remove('bh');
    await waitFor(() => server.ended, 2000, 'FIN after clear');
    expect(server.text).toBe('before|during');
    await waitFor(() => c.text === 'down', 2000, 'held bytes down');
  });

  it('does not carry a close (RST) while blackholed: the server notices nothing', async () => {
    const { sink, proxy, port } = await setup();
    const c = await dial(port);
    await waitFor(() => sink.conns.length === 1, 2000, 'upstream connection');
    proxy.rules.add('bh', 'both', { kind: 'blackhole' });
    c.socket.resetAndDestroy();
    await sleep(300);
    expect(sink.conns[0]!.closed).toBe(false);
    expect(proxy.counters().open).toBe(1);
    proxy.rules.remove('bh');
    await waitFor(() => sink.conns[0]!.closed, 2000, 'reset after clear');
    await waitFor(() => proxy.counters().open === 0, 2000, 'connection forgotten');
  });

  it('direction up only blocks client → server', async () => {
    const { sink, proxy, port } = await setup();
    const c = await dial(port);
    await waitFor(() => sink.conns.length === 1, 2000, 'upstream connection');
    proxy.rules.add('bh', 'up', { kind: 'blackhole' });
    c.socket.write('up');
    sink.conns[0]!.socket.write('down');
    await waitFor(() => c.text === 'down', 2000, 'down still flows');
    await sleep(100);
    expect(sink.conns[0]!.bytes).toBe(0);
    proxy.rules.remove('bh');
    await waitFor(() => sink.conns[0]!.text === 'up', 2000, 'up after clear');
  });

  it('holds a new handshake (never connects upstream) until cleared', async () => {
    const { sink, proxy, port } = await setup(true);
    proxy.rules.add('bh', 'down', { kind: 'blackhole' });
    const c = await dial(port); // the kernel accepts
    c.socket.write('hello');
    await sleep(300);
    expect(sink.conns).toHaveLength(0);
    expect(proxy.counters().pending).toBe(1);
    proxy.rules.remove('bh');
    await waitFor(() => c.text === 'hello', 2000, 'echo after clear');
    expect(sink.conns).toHaveLength(1);
  });

  it('completes a held handshake at its next SYN retransmission, not the instant the path is back', async () => {
    const { sink, proxy, port } = await setup();
    proxy.rules.add('bh', 'both', { kind: 'blackhole' });
    const dialed = performance.now();
    await dial(port);
    await sleep(100);
    proxy.rules.remove('bh');
    await waitFor(() => sink.conns.length === 1, 3000, 'the retransmitted handshake');
    // Linux retransmits the first SYN 1 s after it was sent (scale 1, the default).
    expect(performance.now() - dialed).toBeGreaterThanOrEqual(950);
  });

  it('a client that gives up during the blackhole never reaches the server', async () => {
    const { sink, proxy, port } = await setup();
    proxy.rules.add('bh', 'both', { kind: 'blackhole' });
    const c = await dial(port);
    c.socket.destroy();
    await waitFor(() => proxy.counters().open === 0, 2000, 'pending connection forgotten');
    proxy.rules.remove('bh');
    await sleep(100);
    expect(sink.conns).toHaveLength(0);
  });

  it('resets a held handshake that sends more than the cap before connecting', async () => {
    const { sink, proxy, port } = await setup(false, { holdCapBytes: 10_000 });
    proxy.rules.add('bh', 'down', { kind: 'blackhole' }); // up is open: bytes wait for the handshake
    const c = await dial(port);
    c.socket.write(Buffer.alloc(20_000));
    await waitFor(() => c.closed, 2000, 'client reset');
    proxy.rules.remove('bh');
    await sleep(100);
    expect(sink.conns).toHaveLength(0);
  });

  it('resets a connection whose held bytes pass the cap', async () => {
    const { sink, proxy, port } = await setup(false, { holdCapBytes: 10_000 });
    const c = await dial(port);
    await waitFor(() => sink.conns.length === 1, 2000, 'upstream connection');
    proxy.rules.add('bh', 'up', { kind: 'blackhole' });
    c.socket.write(Buffer.alloc(20_000));
    await waitFor(() => c.closed && sink.conns[0]!.closed, 2000, 'both sides reset');
    expect(sink.conns[0]!.bytes).toBe(0);
  });
});

describe('TcpProxy reset and refuse', () => {
  it('reset closes every open connection on both sides', async () => {
    const { sink, proxy, port } = await setup();
    const a = await dial(port);
    const b = await dial(port);
    await waitFor(() => sink.conns.length === 2, 2000, 'two upstream connections');
    expect(proxy.resetAll()).toBe(2);
    await waitFor(() => a.closed && b.closed, 2000, 'clients closed');
    await waitFor(() => sink.conns.every((s) => s.closed), 2000, 'server sides closed');
    expect(a.error ?? b.error).toBe('ECONNRESET');
    expect(proxy.counters()).toMatchObject({ resets: 2, open: 0 });
  });

  it('refuse resets new connections while open ones keep working', async () => {
    const { sink, proxy, port } = await setup(true);
    const old = await dial(port);
    await waitFor(() => sink.conns.length === 1, 2000, 'upstream connection');
    proxy.setRefusing(true);
    const refused = net.connect({ host: '127.0.0.1', port });
    const outcome = await new Promise<string>((resolve) => {
      refused.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      refused.on('close', () => resolve('closed'));
    });
    expect(['ECONNRESET', 'ECONNREFUSED', 'closed']).toContain(outcome);
    old.socket.write('still');
    await waitFor(() => old.text === 'still', 2000, 'old connection works');
    expect(sink.conns).toHaveLength(1);
    expect(proxy.counters().refused).toBe(1);
    proxy.setRefusing(false);
    const fresh = await dial(port);
    fresh.socket.write('new');
    await waitFor(() => fresh.text === 'new', 2000, 'new connection after clear');
  });
});

describe('TcpProxy latency and bandwidth', () => {
  it('latency delays each direction and keeps byte order under jitter', async () => {
    const { proxy, port } = await setup(true);
    const c = await dial(port);
    c.socket.write('warm');
    await waitFor(() => c.text === 'warm', 2000, 'warm-up echo');
    proxy.rules.add('lat', 'both', { kind: 'latency', ms: 50, jitterMs: 30 });
    const t0 = performance.now();
    let expected = 'warm';
    for (let i = 0; i < 100; i++) {
      const piece = `${i},`;
      expected += piece;
      c.socket.write(piece);
      if (i % 10 === 0) await sleep(3);
    }
    await waitFor(() => c.text === expected, 5000, 'ordered echo');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(40);
    const t1 = performance.now();
    c.socket.write('!');
    await waitFor(() => c.text.endsWith('!'), 5000, 'single echo');
    expect(performance.now() - t1).toBeGreaterThanOrEqual(38); // ≥ 2 × (50 - 30) ms
  });

  it('a 256 kbps limit paces a bulk transfer near that rate, without loss', async () => {
    const { sink, proxy, port } = await setup();
    const c = await dial(port);
    await waitFor(() => sink.conns.length === 1, 2000, 'upstream connection');
    proxy.rules.add('bw', 'up', { kind: 'bandwidth', kbps: 256 });
    const total = 48_000; // 1.5 s at 256 kbps
    const t0 = performance.now();
    c.socket.write(Buffer.alloc(total, 7));
    await waitFor(() => sink.conns[0]!.bytes === total, 10_000, 'all bytes');
    const kbps = (total * 8) / (performance.now() - t0);
    expect(kbps).toBeGreaterThan(150);
    expect(kbps).toBeLessThan(350);
    expect(proxy.counters().up.dropped).toBe(0);
  });
});

describe('TcpProxy close', () => {
  it('closes the listener and every connection; the port is free again', async () => {
    const sink = await TcpSink.open();
    cleanups.push(() => sink.close());
    const proxy = new TcpProxy({ target: { host: '127.0.0.1', port: sink.port } });
    const port = await proxy.listen();
    const c = await dial(port);
    proxy.rules.add('lat', 'both', { kind: 'latency', ms: 500, jitterMs: 0 });
    c.socket.write('x');
    await proxy.close();
    await waitFor(() => c.closed, 2000, 'client closed');
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(proxy.listen()).rejects.toThrow('already closed');
  });
});

describe('nextSynRetransmit', () => {
  it('follows the doubling schedule (+1 s, +3 s, +7 s, …), scaled', () => {
    expect(nextSynRetransmit(0, 0, 1)).toBe(1000);
    expect(nextSynRetransmit(0, 1000, 1)).toBe(1000);
    expect(nextSynRetransmit(0, 1001, 1)).toBe(3000);
    expect(nextSynRetransmit(0, 5000, 1)).toBe(7000);
    expect(nextSynRetransmit(100, 150, 0.1)).toBe(200);
    expect(nextSynRetransmit(0, 42, 0)).toBe(42);
  });
});
