/**
 * The lab's real pairing through the relay: a @roamhq/wrtc client and a werift peer set up the
 * way the channel server's SFU sets up its own (one UDP host candidate on 127.0.0.1). The
 * werift side learns the client as a peer-reflexive candidate from the relay's address.
 *
 * Measured quirk (werift 0.24.4), why the ip-change case only checks client → server: after
 * the relay rebinds, werift accepts the client's packets from the new address but keeps
 * SENDING to the old one (it does not follow the latest consent check), so server → client
 * stays dead until an ICE restart — while the client's consent checks keep succeeding.
 */
import { RTCPeerConnection as WeriftPeerConnection, type RTCDataChannel as WeriftChannel } from 'werift';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../src/lab/faults/fault-injector';
import type { CandidateInit } from '../../../src/lab/network-path';
import { offerAnswer, sleep, waitFor } from './helpers';
import { RTCPeerConnection } from './w3c';
import { parseClientFault } from '../../../src/shared/model/faults';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function connect(inj: FaultInjector) {
  const pcC = new RTCPeerConnection({ iceServers: [] });
  const pcS = new WeriftPeerConnection({
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
  cleanups.push(
    () => pcC.close(),
    () => pcS.close(),
  );
  const queue: CandidateInit[] = [];
  let remoteSet = false;
  const toClient = async (c: CandidateInit) => {
    const mapped = await inj.mapRemoteCandidate(c);
    if (!mapped) return;
    if (remoteSet) await pcC.addIceCandidate(mapped);
    else queue.push(mapped);
  };
  pcS.onIceCandidate.subscribe((c) => {
    if (c) void toClient(c.toJSON() as CandidateInit);
  });
  let dcS: WeriftChannel | undefined;
  pcS.onDataChannel.subscribe((c) => (dcS = c));
  const dcC = pcC.createDataChannel('probe');

  await offerAnswer(pcC, pcS);
  remoteSet = true;
  for (const c of queue.splice(0)) await pcC.addIceCandidate(c);
  await waitFor(() => dcC.readyState === 'open' && dcS?.readyState === 'open', 15_000, 'channels open');

  const got = { atServer: 0, atClient: 0 };
  dcS!.onMessage.subscribe(() => (got.atServer += 1));
  dcC.onmessage = () => (got.atClient += 1);
  let n = 0;
  const ticker = setInterval(() => {
    if (++n > 1500) return;
    if (dcC.readyState === 'open') dcC.send(`c${n}`);
    if (dcS!.readyState === 'open') dcS!.send(`s${n}`);
  }, 20);
  cleanups.push(() => clearInterval(ticker));
  await waitFor(() => got.atServer > 5 && got.atClient > 5, 5000, 'data both ways');
  return got;
}

describe('wrtc client and werift peer through the UDP relay', () => {
  it('connects via a peer-reflexive candidate; a media blackhole stops data; clear resumes it', async () => {
    const inj = new FaultInjector({ serverHost: '127.0.0.1', serverPort: 1, seed: 5 });
    cleanups.push(() => inj.dispose());
    await inj.start();
    const got = await connect(inj);
    expect(inj.counters().udp.mappings).toBe(1);

    const id = inj.apply(parseClientFault({ kind: 'blackhole', path: 'media' }));
    await sleep(150);
    const frozen = { ...got };
    await sleep(1000);
    expect(got).toEqual(frozen);
    inj.clear(id);
    await waitFor(
      () => got.atServer > frozen.atServer + 5 && got.atClient > frozen.atClient + 5,
      20_000,
      'data after clear',
    );
  });

  it('after an ip-change the client still reaches werift from its new address', async () => {
    const inj = new FaultInjector({ serverHost: '127.0.0.1', serverPort: 1, seed: 6 });
    cleanups.push(() => inj.dispose());
    await inj.start();
    const got = await connect(inj);
    const before = inj.mediaSourceAddresses();
    inj.apply(parseClientFault({ kind: 'ip-change' }));
    const mark = got.atServer;
    await waitFor(() => got.atServer > mark + 5, 10_000, 'client → server data after ip-change');
    const after = inj.mediaSourceAddresses();
    expect(after.length).toBeGreaterThan(0);
    for (const a of after) expect(before).not.toContainEqual(a);
  });
});
