#!/usr/bin/env node
/**
 * Reproduces node-webrtc #696 on this machine: reading `RTCPeerConnection.localDescription`
 * (@roamhq/wrtc) while libwebrtc's signaling thread adds gathered candidates to it segfaults
 * the process in `webrtc::SdpSerialize`. Loopback only, no peer: each round makes 4 PCs with an
 * audio and a video transceiver, applies an offer and reads the getter while they gather.
 *
 *   node scripts/repro/wrtc-description-getter.mjs [--no-getter] [--seconds N]
 *
 * Exit 139 (SIGSEGV) is the bug; exit 0 prints how many rounds survived. `--no-getter` runs the
 * same loop without reading the getter (what the lab does since the fix). Bounded: at most
 * `--seconds` (default 40, max 300).
 */
import wrtc from '@roamhq/wrtc';

const args = process.argv.slice(2);
const readGetter = !args.includes('--no-getter');
const secondsAt = args.indexOf('--seconds');
const seconds = Math.min(300, Math.max(1, Number(secondsAt >= 0 ? args[secondsAt + 1] : 40) || 40));
const end = Date.now() + seconds * 1000;
let charsRead = 0;

/** Spins for `ms`, yielding to the event loop, reading the getter if asked. */
async function poke(pc, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (readGetter) charsRead += pc.localDescription?.sdp.length ?? 0;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function round() {
  const pcs = Array.from({ length: 4 }, () => {
    const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
    pc.addTransceiver('audio');
    pc.addTransceiver('video');
    return pc;
  });
  await Promise.all(
    pcs.map(async (pc) => {
      const offer = await pc.createOffer();
      const applied = pc.setLocalDescription(offer);
      await poke(pc, 30);
      await applied;
      await poke(pc, 30);
    }),
  );
  for (const pc of pcs) pc.close();
}

(async () => {
  let rounds = 0;
  while (Date.now() < end) {
    await round();
    rounds += 1;
  }
  console.log(
    `${readGetter ? 'with' : 'without'} the getter: ${rounds} rounds in ${seconds} s, no crash (${charsRead} SDP characters read)`,
  );
  process.exit(0);
})();
