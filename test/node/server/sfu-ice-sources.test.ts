/**
 * Where the SFU takes ICE traffic from. Bound to loopback, it answers checks only from loopback
 * sources: a local client's socket on the machine's LAN address (which every libwebrtc client
 * opens and checks from) must not become a peer-reflexive pair that the server then keeps
 * selected while the client moved on — its consent checks went unanswered and the server PC
 * failed 30 s after connecting, under load (see `acceptsIceFrom`).
 */
import { createSocket, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { Message, RTCPeerConnection, classes, methods, parseMessage } from 'werift';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptsIceFrom, peerConfig } from '../../../src/lab/server/sfu/werift-config';

describe('acceptsIceFrom', () => {
  it('takes only loopback sources when the SFU listens on loopback, any source otherwise', () => {
    for (const host of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1'])
      expect(acceptsIceFrom('127.0.0.1', host), host).toBe(true);
    for (const host of ['192.0.2.2', '10.0.0.7', 'fe80::1', '::ffff:192.168.1.1', '0.0.0.0'])
      expect(acceptsIceFrom('127.0.0.1', host), host).toBe(false);
    for (const host of ['127.0.0.1', '192.0.2.2', '10.0.0.7'])
      expect(acceptsIceFrom('10.0.0.5', host), host).toBe(true);
  });
});

/** A non-loopback IPv4 address of this machine, if it has one (the LAN socket a client opens). */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

const sockets: Socket[] = [];
let pc: RTCPeerConnection | null = null;
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await pc?.close();
  pc = null;
});

/** A UDP socket bound to `address` that collects the STUN messages it receives. */
async function stunSocket(address: string): Promise<{ socket: Socket; received: Message[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const received: Message[] = [];
  socket.on('message', (data) => {
    const message = parseMessage(data);
    if (message) received.push(message);
  });
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return { socket, received };
}

/** A binding request as a controlled peer with ufrag `peer` sends it to the server's candidate. */
function bindingRequest(serverUfrag: string, serverPwd: string): Message {
  const request = new Message(methods.BINDING, classes.REQUEST);
  request
    .setAttribute('USERNAME', `${serverUfrag}:peer`)
    .setAttribute('PRIORITY', 1_853_817_087)
    .setAttribute('ICE-CONTROLLED', BigInt(1));
  request.addMessageIntegrity(Buffer.from(serverPwd, 'utf8'));
  request.addFingerprint();
  return request;
}

describe.skipIf(!lanAddress)(`an SFU peer connection on 127.0.0.1 (LAN address: ${lanAddress})`, () => {
  it('answers a binding request from loopback and ignores the same request from the LAN address', async () => {
    pc = new RTCPeerConnection(peerConfig('127.0.0.1'));
    pc.addTransceiver('video', { direction: 'sendonly' });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const ufrag = /a=ice-ufrag:(\S+)/.exec(offer.sdp)![1]!;
    const pwd = /a=ice-pwd:(\S+)/.exec(offer.sdp)![1]!;
    const local = pc.iceTransports[0]!.connection.localCandidates;
    expect(local.map((c) => `${c.host} ${c.type}`)).toEqual(['127.0.0.1 host']);
    const port = local[0]!.port;

    const lan = await stunSocket(lanAddress!);
    const loopback = await stunSocket('127.0.0.1');
    const fromLan = bindingRequest(ufrag, pwd);
    const fromLoopback = bindingRequest(ufrag, pwd);
    // The LAN request goes first: the server reads its one socket in order, so an answer to it
    // would be sent before the loopback one's.
    lan.socket.send(fromLan.bytes, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 50));
    loopback.socket.send(fromLoopback.bytes, port, '127.0.0.1');
    const deadline = Date.now() + 10_000;
    while (loopback.received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(loopback.received.map((m) => [m.messageClass, m.transactionIdHex])).toEqual([
      [classes.RESPONSE, fromLoopback.transactionIdHex],
    ]);
    // Both answers would have travelled the same loopback device; give the first one a moment more.
    await new Promise((r) => setTimeout(r, 200));
    expect(lan.received).toEqual([]);
    // Nor did the LAN source become a candidate pair.
    const pairs = pc.iceTransports[0]!.connection.checkList;
    expect(pairs.map((p) => p.remoteCandidate.host)).not.toContain(lanAddress);
  });
});
