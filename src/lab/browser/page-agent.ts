/**
 * The script a browser participant's page runs: Chromium's own `RTCPeerConnection`, fake camera
 * and microphone from `getUserMedia`, and `getStats()`, driven from the lab by remote calls.
 *
 * It is kept as plain JavaScript source (not a TypeScript function) because it is injected into
 * a page by whichever host runs it (playwright's Chromium, or a hidden Electron window): no
 * bundler or transpiler helper may leak into it. The protocol is small and typed on the lab side
 * (`agent-protocol.ts`):
 *
 * - `window.__faultline.call(method, args)` runs one call and resolves with its JSON result;
 *   calls on one peer connection run in the order they arrive (one promise chain per PC).
 * - Events go out through `window.__faultlineEmit(event)` (a function the host installs), each a
 *   JSON object `{ pc, kind, ...snapshot }` carrying the PC's states after the change.
 * - The page measures its own event loop as the lab's processes do (a 20 ms timer and how late it
 *   runs) and emits `{ kind: 'stall', ms }` for every lateness of 50 ms or more (`spin(ms)`
 *   blocks the page on purpose, to prove it).
 */
export const PAGE_AGENT_SOURCE = String.raw`
(() => {
  'use strict';
  const pcs = new Map();
  const chains = new Map();
  const tracks = new Map();
  const streams = { audio: null, video: null };

  function emit(event) {
    try {
      if (typeof window.__faultlineEmit === 'function') window.__faultlineEmit(JSON.stringify(event));
    } catch (err) {
      // the host went away: nothing to tell
    }
  }

  function snapshot(pc) {
    return {
      connectionState: pc.connectionState,
      iceConnectionState: pc.iceConnectionState,
      signalingState: pc.signalingState,
      localDescription: pc.localDescription ? { type: pc.localDescription.type, sdp: pc.localDescription.sdp } : null,
      remoteDescription: pc.remoteDescription ? { type: pc.remoteDescription.type, sdp: pc.remoteDescription.sdp } : null,
      transceivers: pc.getTransceivers().map((t) => ({
        mid: t.mid,
        kind: t.receiver.track ? t.receiver.track.kind : null,
        senderTrack: t.sender.track ? t.sender.track.__faultlineId || null : null,
        receiverTrack: t.receiver.track ? t.receiver.track.id : null,
      })),
    };
  }

  function pcOf(id) {
    const pc = pcs.get(id);
    if (!pc) throw new Error('no peer connection ' + id + ' in this page');
    return pc;
  }

  function onPc(id, task) {
    const previous = chains.get(id) || Promise.resolve();
    const run = previous.then(task, task);
    chains.set(id, run.catch(() => undefined));
    return run;
  }

  async function deviceTrack(kind) {
    if (!streams[kind] || streams[kind].getTracks().every((t) => t.readyState === 'ended')) {
      const constraints = kind === 'audio'
        ? { audio: true, video: false }
        : { audio: false, video: { width: 320, height: 240, frameRate: 15 } };
      streams[kind] = await navigator.mediaDevices.getUserMedia(constraints);
    }
    return streams[kind].getTracks()[0].clone();
  }

  const methods = {
    info() {
      return { userAgent: navigator.userAgent, secure: window.isSecureContext };
    },
    // Blocks this page for ms (at most 5 s): proves its stall monitor in tests.
    spin(ms) {
      const until = performance.now() + Math.min(5000, Math.max(0, Number(ms) || 0));
      while (performance.now() < until) {
        // busy on purpose
      }
      return null;
    },
    createPc(id, config) {
      if (pcs.has(id)) throw new Error('peer connection ' + id + ' exists');
      const pc = new RTCPeerConnection(config || {});
      pcs.set(id, pc);
      pc.onicecandidate = (e) => emit({
        pc: id,
        kind: 'icecandidate',
        candidate: e.candidate
          ? { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex, usernameFragment: e.candidate.usernameFragment }
          : null,
      });
      pc.oniceconnectionstatechange = () => emit(Object.assign({ pc: id, kind: 'iceconnectionstatechange' }, snapshot(pc)));
      pc.onconnectionstatechange = () => emit(Object.assign({ pc: id, kind: 'connectionstatechange' }, snapshot(pc)));
      pc.onsignalingstatechange = () => emit(Object.assign({ pc: id, kind: 'signalingstatechange' }, snapshot(pc)));
      pc.ontrack = (e) => emit(Object.assign({ pc: id, kind: 'track', trackKind: e.track.kind, trackId: e.track.id, mid: e.transceiver ? e.transceiver.mid : null }, snapshot(pc)));
      return snapshot(pc);
    },
    createOffer(id, options) {
      return onPc(id, async () => {
        const d = await pcOf(id).createOffer(options || {});
        return { type: d.type, sdp: d.sdp };
      });
    },
    createAnswer(id) {
      return onPc(id, async () => {
        const d = await pcOf(id).createAnswer();
        return { type: d.type, sdp: d.sdp };
      });
    },
    setLocalDescription(id, description) {
      return onPc(id, async () => {
        const pc = pcOf(id);
        await pc.setLocalDescription(description);
        return snapshot(pc);
      });
    },
    setRemoteDescription(id, description) {
      return onPc(id, async () => {
        const pc = pcOf(id);
        await pc.setRemoteDescription(description);
        return snapshot(pc);
      });
    },
    addIceCandidate(id, candidate) {
      return onPc(id, async () => {
        await pcOf(id).addIceCandidate(candidate);
        return null;
      });
    },
    addTransceiver(id, trackOrKind, init) {
      return onPc(id, async () => {
        const pc = pcOf(id);
        const target = trackOrKind.track ? await tracks.get(trackOrKind.track) : trackOrKind.kind;
        if (!target) throw new Error('no track ' + trackOrKind.track + ' in this page');
        pc.addTransceiver(target, init || {});
        return snapshot(pc);
      });
    },
    replaceTrack(id, index, trackId) {
      return onPc(id, async () => {
        const pc = pcOf(id);
        const t = pc.getTransceivers()[index];
        if (!t) throw new Error('no transceiver ' + index + ' on ' + id);
        const track = trackId === null ? null : await tracks.get(trackId);
        await t.sender.replaceTrack(track || null);
        return snapshot(pc);
      });
    },
    getStats(id) {
      return onPc(id, async () => {
        const report = await pcOf(id).getStats();
        const out = [];
        report.forEach((s) => out.push(Object.assign({}, s)));
        return out;
      });
    },
    closePc(id) {
      const pc = pcs.get(id);
      if (!pc) return null;
      pcs.delete(id);
      chains.delete(id);
      pc.onicecandidate = pc.oniceconnectionstatechange = pc.onconnectionstatechange = null;
      pc.onsignalingstatechange = pc.ontrack = null;
      pc.close();
      return null;
    },
    createTrack(trackId, kind) {
      const made = deviceTrack(kind).then((track) => {
        track.__faultlineId = trackId;
        return track;
      });
      tracks.set(trackId, made);
      return made.then((track) => ({ id: trackId, kind: track.kind, label: track.label }));
    },
    stopTrack(trackId) {
      const made = tracks.get(trackId);
      tracks.delete(trackId);
      if (made) made.then((track) => track.stop(), () => undefined);
      return null;
    },
  };

  const STALL_TICK_MS = 20;
  const STALL_FLOOR_MS = 50;
  let stallExpected = performance.now() + STALL_TICK_MS;
  function stallTick() {
    const now = performance.now();
    const late = now - stallExpected;
    if (late >= STALL_FLOOR_MS) emit({ kind: 'stall', ms: Math.round(late * 10) / 10 });
    stallExpected = now + STALL_TICK_MS;
    setTimeout(stallTick, STALL_TICK_MS);
  }
  setTimeout(stallTick, STALL_TICK_MS);

  window.__faultline = {
    async call(method, args) {
      const fn = methods[method];
      if (typeof fn !== 'function') throw new Error('unknown agent method ' + method);
      return fn.apply(null, args || []);
    },
  };
})();
`;

/**
 * The URL agent pages load. Its host serves it from memory (it is never fetched) and refuses
 * every other request; `localhost` makes the page a secure context, which `getUserMedia` needs.
 */
export const AGENT_URL = 'http://localhost/faultline-participant';

/** The page a browser participant loads: nothing but the agent, under a strict CSP. */
export function pageAgentHtml(): string {
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'unsafe-inline\'">',
    '<title>Faultline browser participant</title></head><body>',
    `<script>${PAGE_AGENT_SOURCE}</script>`,
    '</body></html>',
  ].join('');
}
