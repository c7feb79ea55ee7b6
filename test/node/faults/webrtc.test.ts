/**
 * A real WebRTC check: two @roamhq/wrtc peer connections on loopback whose ICE goes through
 * the injector's UDP relay. The "server" side's candidates are rewritten with
 * mapRemoteCandidate; the "client" side's candidates are never sent (the server learns the
 * relay as a peer-reflexive candidate), exactly as the lab's connection manager does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../src/lab/faults/fault-injector';
import type { CandidateInit } from '../../../src/lab/network-path';
import { offerAnswer, sleep, waitFor } from './helpers';
import { RTCPeerConnection, type Channel, type Pc } from './w3c';
import { parseClientFault } from '../../../src/shared/model/faults';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Connects client → server through `inj`; resolves with both ends of a data channel. */
async function connectThrough(inj: FaultInjector) {
  const pcC = new RTCPeerConnection({ iceServers: [] });
  const pcS = new RTCPeerConnection({ iceServers: [] });
  cleanups.push(
    () => pcC.close(),
    () => pcS.close(),
  );
  let sentLocal = 0;
  pcC.onicecandidate = (e) => {
    if (e.candidate && inj.shouldSendLocalCandidate(e.candidate.toJSON() as CandidateInit)) sentLocal += 1;
  };
  // Remote candidates for the client wait until its remote description is set.
  const queue: CandidateInit[] = [];
  let remoteSet = false;
  const toClient = async (c: CandidateInit) => {
    const mapped = await inj.mapRemoteCandidate(c);
    if (!mapped) return;
    if (remoteSet) await pcC.addIceCandidate(mapped);
    else queue.push(mapped);
  };
  pcS.onicecandidate = (e) => {
    if (e.candidate) void toClient(e.candidate.toJSON() as CandidateInit);
  };
  const dcC = pcC.createDataChannel('probe');
  const dcS = new Promise<Channel>((resolve) => {
    pcS.ondatachannel = (e) => resolve(e.channel);
  });

  await offerAnswer(pcC, pcS);
  remoteSet = true;
  for (const c of queue.splice(0)) await pcC.addIceCandidate(c);

  await waitFor(
    () => pcC.connectionState === 'connected' && pcS.connectionState === 'connected',
    15_000,
    'connected',
  );
  const serverChannel = await dcS;
  await waitFor(
    () => dcC.readyState === 'open' && serverChannel.readyState === 'open',
    10_000,
    'channels open',
  );
  return { pcC, pcS, dcC, dcS: serverChannel, sentLocal: () => sentLocal };
}

/** The remote candidate of the server's selected pair (what the server thinks the client is). */
/**
 * The client as the server's selected candidate pair sees it. The transport's
 * `selectedCandidatePairId` names the pair in use; after a move several pairs can still be
 * nominated and succeeded, so "any nominated pair" may name the old flow.
 */
async function serverSeesClientAs(pcS: Pc) {
  const stats = await pcS.getStats();
  let selected: string | undefined;
  let pairRemoteId: string | undefined;
  stats.forEach((s) => {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string')
      selected = s.selectedCandidatePairId;
  });
  stats.forEach((s) => {
    if (s.type !== 'candidate-pair') return;
    if (selected !== undefined ? s.id === selected : s.nominated && s.state === 'succeeded')
      pairRemoteId = s.remoteCandidateId as string;
  });
  const remote = pairRemoteId ? stats.get(pairRemoteId) : undefined;
  return remote as { candidateType: string; port: number } | undefined;
}

describe('real WebRTC through the UDP relay', () => {
  it('connects, exchanges data, stops under a media blackhole and resumes after clear', async () => {
    const inj = new FaultInjector({ serverHost: '127.0.0.1', serverPort: 1, seed: 3 });
    cleanups.push(() => inj.dispose());
    await inj.start();
    const t0 = performance.now();
    const { pcS, dcC, dcS, sentLocal } = await connectThrough(inj);
    const connectMs = performance.now() - t0;
    expect(sentLocal()).toBe(0);

    // The server's view of the client is the relay (peer-reflexive), not the client's own address.
    const seen = await serverSeesClientAs(pcS);
    expect(seen?.candidateType).toBe('prflx');
    const relayPorts = inj.mediaSourceAddresses().map((a) => a.port);
    expect(relayPorts).toContain(seen!.port);

    // Both directions: a message every 20 ms (bounded count).
    const got = { atServer: 0, atClient: 0 };
    dcS.onmessage = () => (got.atServer += 1);
    dcC.onmessage = () => (got.atClient += 1);
    let n = 0;
    const ticker = setInterval(() => {
      if (++n > 1500) return;
      if (dcC.readyState === 'open') dcC.send(`c${n}`);
      if (dcS.readyState === 'open') dcS.send(`s${n}`);
    }, 20);
    cleanups.push(() => clearInterval(ticker));

    await waitFor(() => got.atServer > 10 && got.atClient > 10, 5000, 'data both ways');

    const id = inj.apply(parseClientFault({ kind: 'blackhole', path: 'media' }));
    await sleep(150);
    const frozen = { ...got };
    const droppedBefore = inj.counters().up.dropped;
    await sleep(1000);
    expect(got).toEqual(frozen);
    expect(inj.counters().up.dropped).toBeGreaterThan(droppedBefore);

    inj.clear(id);
    const tClear = performance.now();
    await waitFor(
      () => got.atServer > frozen.atServer + 5 && got.atClient > frozen.atClient + 5,
      20_000,
      'data after clear',
    );
    const resumeMs = performance.now() - tClear;
    console.log(
      `wrtc through relay: connected in ${connectMs.toFixed(0)} ms; data resumed ${resumeMs.toFixed(0)} ms after clear`,
    );
    expect(inj.counters().down.delivered).toBeGreaterThan(0);
  });

  it('after an ip-change the server sees the client at a new address and data flows again', async () => {
    const inj = new FaultInjector({ serverHost: '127.0.0.1', serverPort: 1, seed: 4 });
    cleanups.push(() => inj.dispose());
    await inj.start();
    const { pcS, dcC, dcS } = await connectThrough(inj);
    const before = await serverSeesClientAs(pcS);
    let atServer = 0;
    dcS.onmessage = () => (atServer += 1);
    let n = 0;
    const ticker = setInterval(() => {
      if (++n <= 1500 && dcC.readyState === 'open') dcC.send(`c${n}`);
    }, 20);
    cleanups.push(() => clearInterval(ticker));
    await waitFor(() => atServer > 5, 5000, 'data before');

    inj.apply(parseClientFault({ kind: 'ip-change' }));
    const t0 = performance.now();
    const mark = atServer;
    await waitFor(() => atServer > mark + 5, 20_000, 'data after ip-change');
    const resumeMs = performance.now() - t0;
    // libwebrtc redacts prflx addresses in stats; the port tells the flows apart. The server's
    // selected pair can lag the move for a stats interval or two, and can pass through the
    // client's other (pre-change) flow first: wait until it names one of the relay's current
    // sources.
    const current = (): number[] => inj.mediaSourceAddresses().map((a) => a.port);
    let after = await serverSeesClientAs(pcS);
    for (let i = 0; i < 50 && (after?.port === before?.port || !current().includes(after?.port ?? -1)); i++) {
      await sleep(100);
      after = await serverSeesClientAs(pcS);
    }
    expect(after?.candidateType).toBe('prflx');
    expect(after!.port).not.toBe(before!.port);
    expect(current()).toContain(after!.port);
    console.log(`wrtc after ip-change: data resumed in ${resumeMs.toFixed(0)} ms`);
  });
});
