import { describe, expect, it } from 'vitest';
import { measureRelay } from '../../../src/lab/faults/measure';

describe('measureRelay', () => {
  it('reports RTTs of both paths and a forwarding rate', async () => {
    const r = await measureRelay({ rttPackets: 100, throughputPackets: 1000 });
    expect(r.direct).toMatchObject({ count: 100, lost: 0 });
    expect(r.relay).toMatchObject({ count: 100, lost: 0 });
    expect(r.relay.p50).toBeGreaterThan(0);
    expect(r.relay.p99).toBeGreaterThanOrEqual(r.relay.p50);
    expect(r.throughput.echoed).toBe(1000);
    expect(r.throughput.forwardedPerSec).toBeGreaterThan(500);
  });

  it('sees a latency fault in the relay RTT only', async () => {
    const r = await measureRelay({
      rttPackets: 10,
      throughputPackets: 100,
      fault: { kind: 'latency', ms: 30, path: 'media' },
    });
    expect(r.relay.p50).toBeGreaterThanOrEqual(59);
    expect(r.direct.p50).toBeLessThan(30);
  });
});
