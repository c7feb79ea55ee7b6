/**
 * The SFU's werift: the CommonJS build (one class family for every SFU file) with consent
 * checks that accept a reply read up to 4 s late (src/lab/server/sfu/werift.ts), while the
 * 30 s consent expiry and the 5 s check cadence stay as RFC 7675 has them.
 */
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { SfuPeer } from '../../../src/lab/server/sfu/peer';
import { CONSENT_REPLY_WINDOW_MS, consentTiming } from '../../../src/lab/server/sfu/werift';

const require = createRequire(import.meta.url);

it('tunes only the consent reply window', () => {
  expect(consentTiming()).toEqual({
    CONSENT_INTERVAL: 5,
    CONSENT_TIMEOUT: 30,
    CONSENT_RESPONSE_TIMEOUT: CONSENT_REPLY_WINDOW_MS,
    CONSENT_RESPONSE_TIMEOUT_MIN: CONSENT_REPLY_WINDOW_MS,
  });
  // Longer than the server's stalls under load (≤ ~2 s), within the shortest check interval
  // (0.8 × 5 s: the next check supersedes a pending one anyway).
  expect(CONSENT_REPLY_WINDOW_MS).toBeGreaterThanOrEqual(2000);
  expect(CONSENT_REPLY_WINDOW_MS).toBeLessThanOrEqual(4000);
});

it('builds SFU peer connections from the CommonJS build', async () => {
  const cjs = require('werift') as typeof import('werift');
  const esm = await import('werift');
  const peer = new SfuPeer('pub', {
    mediaAddress: '127.0.0.1',
    signal: () => undefined,
    onState: () => undefined,
    log: () => undefined,
  });
  try {
    expect(peer.pc).toBeInstanceOf(cjs.RTCPeerConnection);
    if (esm.RTCPeerConnection !== cjs.RTCPeerConnection) {
      expect(peer.pc).not.toBeInstanceOf(esm.RTCPeerConnection);
    }
  } finally {
    await peer.close();
  }
});
