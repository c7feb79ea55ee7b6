/**
 * A one-page WebRTC call for the import tests: served from loopback by the test, it opens the
 * (fake) camera and microphone, connects two RTCPeerConnections of the same page through the
 * given ICE servers, and notes with `Date.now()` every ICE and PC state change it sees, so a test
 * can hold the browser's own dumps against what the page saw.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGE = `<!doctype html><meta charset="utf-8"><title>faultline call</title><script>
window.seen = [];
window.call = async (iceServers) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const config = { iceServers, iceTransportPolicy: 'relay' };
  const caller = new RTCPeerConnection(config);
  const callee = new RTCPeerConnection(config);
  const note = (pc, name) => {
    pc.addEventListener('iceconnectionstatechange', () =>
      seen.push({ pc: name, event: 'ice-state', value: pc.iceConnectionState, at: Date.now() }));
    pc.addEventListener('connectionstatechange', () =>
      seen.push({ pc: name, event: 'pc-state', value: pc.connectionState, at: Date.now() }));
  };
  note(caller, 1);
  note(callee, 2);
  caller.onicecandidate = (e) => { if (e.candidate) callee.addIceCandidate(e.candidate); };
  callee.onicecandidate = (e) => { if (e.candidate) caller.addIceCandidate(e.candidate); };
  for (const track of stream.getTracks()) caller.addTrack(track, stream);
  await caller.setLocalDescription(await caller.createOffer());
  await callee.setRemoteDescription(caller.localDescription);
  await callee.setLocalDescription(await callee.createAnswer());
  await caller.setRemoteDescription(callee.localDescription);
  window.pcs = [caller, callee];
};
window.received = async () => {
  let n = 0;
  (await window.pcs[1].getStats()).forEach((r) => { if (r.type === 'inbound-rtp') n += r.packetsReceived || 0; });
  return n;
};
</script>`;

/** Serves the page on 127.0.0.1; resolves to its URL and a stop function. */
export async function serveCallPage(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
