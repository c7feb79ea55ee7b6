/**
 * A one-page WebRTC call for the import tests: served from loopback by the test, it opens the
 * (fake) camera and microphone, connects two RTCPeerConnections of the same page through the
 * given ICE servers, and notes every ICE and PC state change it sees, so a test can hold the
 * browser's own dumps against what the page saw. Each change is timed by its event's creation
 * (`performance.timeOrigin + event.timeStamp`), not by when the listener ran (`heardAt`): the
 * event is made as the change happens, where the browser also logs it for webrtc-internals and
 * rtcstats, and dispatched from a task of its own, so a busy renderer runs the listener late.
 * Measured: the listener's `Date.now()` lay 50.8 ms from the dumps' time on a loaded machine (a
 * failing run of the 50 ms check); under load, event times lay within 2.1 ms of the dumps where
 * the listener's lay within 5.9 ms.
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
    const at = (e) => performance.timeOrigin + e.timeStamp;
    pc.addEventListener('iceconnectionstatechange', (e) =>
      seen.push({ pc: name, event: 'ice-state', value: pc.iceConnectionState, at: at(e), heardAt: Date.now() }));
    pc.addEventListener('connectionstatechange', (e) =>
      seen.push({ pc: name, event: 'pc-state', value: pc.connectionState, at: at(e), heardAt: Date.now() }));
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
