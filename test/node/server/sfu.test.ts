import { RTCPeerConnection as WeriftPc, type MediaStreamTrack, type RTCRtpReceiver } from 'werift';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sfuFactory } from '../../../src/lab/server/sfu/sfu';
import { RECEIVE_BUFFER_BYTES, type SfuPeer } from '../../../src/lab/server/sfu/peer';
import { peerConfig } from '../../../src/lab/server/sfu/werift-config';
import { startServer, waitFor, type Fixture } from './helpers/server';
import { Publisher, Subscriber } from './helpers/wrtc-media';

let fx: Fixture;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await fx?.dispose();
});

describe('SFU', () => {
  it('forwards a wrtc publisher to a wrtc subscriber that decodes it', async () => {
    const peers: SfuPeer[] = [];
    fx = await startServer({ media: sfuFactory({ host: '127.0.0.1', onPeer: (peer) => peers.push(peer) }) });
    const pubSide = await fx.join('room', 1);
    const subSide = await fx.join('room', 2);
    const publisher = new Publisher(pubSide.client, ['audio', 'video']);
    const subscriber = new Subscriber(subSide.client);
    closers.push(publisher, subscriber);
    const keepAlive = setInterval(() => {
      pubSide.client.send({ type: 'ping', ts: 0 });
      subSide.client.send({ type: 'ping', ts: 0 });
    }, 100);
    closers.push({ close: () => clearInterval(keepAlive) });

    const t0 = performance.now();
    publisher.feed(6000);
    await publisher.publish();
    await subSide.client.next('user-published', (m) => m.uid === 1 && m.kind === 'video');
    subscriber.subscribe(1, ['audio', 'video']);
    await waitFor(() => subscriber.framesFrom(1) >= 10, 8000, '10 decoded frames');
    const firstFrameMs = subscriber.firstFrameAt.get(1)! - t0;
    await waitFor(async () => (await subscriber.packetsReceived('audio')) > 20, 5000, 'audio packets');
    expect(subscriber.tracks.map((t) => `${t.kind}:${t.uid}`).sort()).toEqual(['audio:1', 'video:1']);
    console.log(`publish → first decoded frame at subscriber: ${firstFrameMs.toFixed(0)} ms`);
    // Each server socket got the larger receive buffer, as far as the kernel allows (Linux
    // reports twice what it grants; it grants up to net.core.rmem_max).
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    expect(peers.map((p) => p.name).sort()).toEqual(['pub', 'sub']);
    for (const peer of peers)
      expect(peer.receiveBufferBytes, peer.name).toBeGreaterThanOrEqual(
        Math.min(RECEIVE_BUFFER_BYTES, rmemMax),
      );
  });
});

describe('SFU media rules', () => {
  /** Two members in 'room' on an SFU server, kept alive by pings. */
  async function pair(kinds: Array<'audio' | 'video'> = ['video']) {
    fx = await startServer({ media: sfuFactory({ host: '127.0.0.1' }) });
    const pubSide = await fx.join('room', 1);
    const subSide = await fx.join('room', 2);
    let pubClient = pubSide.client;
    const keepAlive = setInterval(() => {
      pubClient.send({ type: 'ping', ts: 0 });
      subSide.client.send({ type: 'ping', ts: 0 });
    }, 100);
    closers.push({ close: () => clearInterval(keepAlive) });
    const publisher = new Publisher(pubSide.client, kinds);
    const subscriber = new Subscriber(subSide.client);
    closers.push(publisher, subscriber);
    publisher.feed(10_000);
    await publisher.publish();
    subscriber.subscribe(1, kinds);
    await waitFor(() => subscriber.framesFrom(1) >= 5, 8000, 'first frames');
    return {
      pubSide,
      subSide,
      publisher,
      subscriber,
      setPubClient: (c: typeof pubClient) => (pubClient = c),
    };
  }

  it('no RTP for mediaTimeoutMs → user-unpublished no-media; RTP again → user-published and frames', async () => {
    const { subSide, publisher, subscriber } = await pair();
    const from = subSide.client.received.length;
    const stoppedAt = performance.now();
    publisher.stopFeeding();
    const gone = await subSide.client.next('user-unpublished', (m) => m.uid === 1, 4000, from);
    const silentMs = performance.now() - stoppedAt;
    expect(gone).toMatchObject({ kind: 'video', reason: 'no-media' });
    // mediaTimeoutMs 10 000 × 0.05 = 500 ms after the last packet.
    expect(silentMs).toBeGreaterThanOrEqual(450);
    expect(fx.server.members('room').find((m) => m.uid === 1)?.published).toEqual([]);

    const framesBefore = subscriber.framesFrom(1);
    const resumedAt = performance.now();
    publisher.feed(3000);
    await subSide.client.next('user-published', (m) => m.uid === 1 && m.kind === 'video', 3000, from);
    await waitFor(() => subscriber.framesFrom(1) >= framesBefore + 10, 5000, 'frames after resume');
    console.log(`RTP resumed → user-published + 10 frames: ${(performance.now() - resumedAt).toFixed(0)} ms`);
  });

  it('a publisher that rejoins (resume) with a new pub PC keeps feeding the same subscriber track', async () => {
    const { pubSide, subSide, publisher, subscriber, setPubClient } = await pair();
    const offersBefore = subscriber.offers;
    const from = subSide.client.received.length;
    // The publisher's socket drops; it resumes on a new socket and builds a new pub PC.
    pubSide.client.close();
    const again = await fx.join('room', 1, { resume: pubSide.joined.resume });
    setPubClient(again.client);
    expect(again.joined.resumed).toBe(true);
    const old = publisher.link;
    (publisher as unknown as { client: typeof again.client }).client = again.client;
    const replaced = new Publisher(again.client, ['video']);
    closers.push(replaced);
    replaced.feed(4000);
    publisher.stopFeeding();
    old.close();
    const framesBefore = subscriber.framesFrom(1);
    const t0 = performance.now();
    await replaced.publish();
    await waitFor(() => subscriber.framesFrom(1) > framesBefore + 1, 6000, 'a frame from the new pub PC');
    console.log(`new pub PC offered → decoding again: ${(performance.now() - t0).toFixed(0)} ms`);
    await waitFor(() => subscriber.framesFrom(1) >= framesBefore + 15, 6000, 'frames from the new pub PC');
    // One stream at the subscriber (continuity itself is checked in forwarder.test.ts).
    const inbound = await subscriber.inbound('video');
    expect(inbound.packetsLost).toBeLessThan(20);
    expect(inbound.framesDecoded).toBeGreaterThanOrEqual(framesBefore + 15);
    // Same subscriber track, no renegotiation, and nobody saw the publisher leave.
    expect(subscriber.offers).toBe(offersBefore);
    expect(subscriber.tracks.filter((t) => t.kind === 'video')).toHaveLength(1);
    const types = subSide.client.received.slice(from).map((r) => r.msg.type);
    expect(types).not.toContain('user-left');
    expect(types).not.toContain('user-joined');
  });

  it('answers an ICE-restart re-offer on pub and media keeps flowing', async () => {
    const { pubSide, publisher, subscriber } = await pair();
    const from = pubSide.client.received.length;
    const first = pubSide.client.all('sdp').find((m) => m.pc === 'pub')!;
    await publisher.iceRestart();
    const answer = await pubSide.client.next('sdp', (m) => m.pc === 'pub', 5000, from);
    const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
    expect(ufrag(answer.description.sdp)).toBeDefined();
    expect(ufrag(answer.description.sdp)).not.toBe(ufrag(first.description.sdp));
    const framesBefore = subscriber.framesFrom(1);
    await waitFor(() => subscriber.framesFrom(1) >= framesBefore + 15, 6000, 'frames after ICE restart');
  });

  it('a subscriber that resumes gets media-reset sub and a fresh offer, and decodes again', async () => {
    const { subSide, subscriber } = await pair();
    const offersBefore = subscriber.offers;
    // Rebind the subscriber's membership on a new socket (its socket "dropped").
    const again = await fx.join('room', 2, { resume: subSide.joined.resume });
    expect(again.joined.resumed).toBe(true);
    const fresh = new Subscriber(again.client);
    closers.push(fresh);
    await again.client.next('media-reset', (m) => m.pc === 'sub' && m.reason === 'resumed');
    await waitFor(() => fresh.framesFrom(1) >= 5, 6000, 'frames on the new sub PC');
    expect(fresh.offers).toBe(1);
    expect(subscriber.offers).toBe(offersBefore);
  });

  it('unsubscribe parks the track, resubscribe and a returning publisher reuse it without renegotiation', async () => {
    const { pubSide, subSide, publisher, subscriber } = await pair();
    const offers = subscriber.offers;
    subscriber.subscribe(1, ['video']); // already subscribed: nothing happens
    subSide.client.send({ type: 'unsubscribe', peer: 1, kinds: ['video'] });
    await new Promise((r) => setTimeout(r, 300));
    const stopped = subscriber.framesFrom(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(subscriber.framesFrom(1)).toBeLessThanOrEqual(stopped + 1);
    subscriber.subscribe(1, ['video']);
    await waitFor(() => subscriber.framesFrom(1) >= stopped + 10, 5000, 'frames after resubscribe');

    // The publisher leaves and joins again as a new membership: same subscriber track.
    pubSide.client.send({ type: 'leave' });
    await subSide.client.next('user-left', (m) => m.uid === 1 && m.reason === 'Quit');
    publisher.close();
    const back = await fx.join('room', 1);
    await subSide.client.next('user-joined', (m) => m.uid === 1);
    const again = new Publisher(back.client, ['video']);
    closers.push(again);
    again.feed(4000);
    await again.publish();
    await subSide.client.next('user-published', (m) => m.uid === 1, 3000, subSide.client.received.length - 1);
    const before = subscriber.framesFrom(1);
    subscriber.subscribe(1, ['video']);
    await waitFor(() => subscriber.framesFrom(1) >= before + 10, 5000, 'frames from the returning publisher');
    expect(subscriber.offers).toBe(offers);
    expect(subscriber.tracks.filter((t) => t.kind === 'video')).toHaveLength(1);
  });

  it('relays a subscriber PLI to the publisher (werift subscriber)', async () => {
    const { publisher } = await pair();
    // A second subscriber built on werift, which can send a PLI on demand.
    const c = await fx.join('room', 3);
    const keepAlive = setInterval(() => c.client.send({ type: 'ping', ts: 0 }), 100);
    closers.push({ close: () => clearInterval(keepAlive) });
    const pc = new WeriftPc(peerConfig('127.0.0.1')); // loopback-only host candidate, like the server
    closers.push({ close: () => void pc.close() });
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) c.client.send({ type: 'candidate', pc: 'sub', candidate: candidate.toJSON() });
    };
    let video: { track: MediaStreamTrack; receiver: RTCRtpReceiver } | null = null;
    let packets = 0;
    pc.ontrack = ({ track, receiver }) => {
      if (track.kind !== 'video') return;
      video = { track, receiver };
      track.onReceiveRtp.subscribe(() => packets++);
    };
    c.client.onMessage((msg) => {
      if (msg.type === 'candidate' && msg.pc === 'sub' && msg.candidate) {
        void pc.addIceCandidate({
          candidate: msg.candidate.candidate,
          sdpMid: msg.candidate.sdpMid ?? undefined,
        });
      }
      if (msg.type === 'sdp' && msg.pc === 'sub') {
        void (async () => {
          await pc.setRemoteDescription(msg.description);
          const answer = await pc.createAnswer();
          await pc.setLocalDescription(answer);
          c.client.send({
            type: 'sdp',
            pc: 'sub',
            description: { type: 'answer', sdp: answer.sdp },
          });
        })();
      }
    });
    c.client.send({ type: 'subscribe', peer: 1, kinds: ['video'] });
    await waitFor(() => packets > 30, 6000, 'RTP at the werift subscriber');
    await new Promise((r) => setTimeout(r, 800)); // let start-up key-frame requests settle
    const before = await publisher.pliCount();
    for (let i = 0; i < 3; i++) {
      await video!.receiver.sendRtcpPLI(video!.track.ssrc!);
      await new Promise((r) => setTimeout(r, 150));
    }
    await waitFor(async () => (await publisher.pliCount()) > before, 3000, 'a PLI at the publisher');
  });

  it('bad SDP and candidates get BAD_REQUEST and break nothing', async () => {
    const { subSide, subscriber } = await pair();
    const c = (await fx.join('room', 4)).client;
    const keepAlive = setInterval(() => c.send({ type: 'ping', ts: 0 }), 100);
    closers.push({ close: () => clearInterval(keepAlive) });
    const bad: Array<[string, object]> = [
      [
        'garbage offer',
        { type: 'sdp', id: 'g', pc: 'pub', description: { type: 'offer', sdp: 'v=0\r\nnonsense' } },
      ],
      [
        'unusable codec',
        {
          type: 'sdp',
          id: 'h',
          pc: 'pub',
          description: {
            type: 'offer',
            sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 120\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\na=fingerprint:sha-256 AA:BB\r\na=setup:actpass\r\na=rtcp-mux\r\na=rtpmap:120 H265/90000\r\n',
          },
        },
      ],
      ['answer on pub', { type: 'sdp', id: 'a', pc: 'pub', description: { type: 'answer', sdp: 'v=0' } }],
      [
        'unsolicited sub answer',
        { type: 'sdp', id: 's', pc: 'sub', description: { type: 'answer', sdp: 'v=0' } },
      ],
      ['offer on sub', { type: 'sdp', id: 'o', pc: 'sub', description: { type: 'offer', sdp: 'v=0' } }],
    ];
    for (const [, msg] of bad) {
      c.send(msg);
      const id = (msg as { id: string }).id;
      expect(await c.next('error', (m) => m.id === id, 5000)).toMatchObject({ code: 'BAD_REQUEST' });
    }
    c.send({ type: 'candidate', pc: 'pub', candidate: { candidate: 'candidate:garbage', sdpMid: '0' } });
    c.send({ type: 'candidate', pc: 'sub', candidate: null });
    await c.ping();
    const before = subscriber.framesFrom(1);
    await waitFor(() => subscriber.framesFrom(1) >= before + 10, 5000, 'frames still flowing');
    await subSide.client.ping();
  });
});
