/**
 * The one place the SFU gets werift from: its CommonJS build (the same one the lab's clients
 * load), with ICE consent freshness tuned to survive a busy server. Every SFU file imports
 * werift's values and types from here, so classes of the ESM and the CJS build never mix.
 *
 * Why the tuning (docs/DEVELOPMENT.md "SFU liveness under load"): werift sends a consent check every
 * 4–6 s on each PC's selected pair and waits for its reply only max(0.5 s, 2 × RTT + 0.2 s),
 * one shot, no retransmission; consent expires — and the PC goes `failed` — 30 s after the last
 * reply that made it in time. A reply read after a stall of the server's event loop comes after
 * its timer fired and is dropped, so on a loaded server (stalls of 0.6–1.9 s measured with 10
 * publishers fully meshed on 2 shared cores) server PCs went `failed` ~30 s after connecting
 * although every peer was answering (all of them in the scale bench; 3 of 20 within 30 s in
 * test/node/scale/fifty-members.test.ts). RFC 7675 only asks that consent expire 30 s after the last
 * response; here a reply counts if it is read within {@link CONSENT_REPLY_WINDOW_MS} (the next
 * check, 4–6 s later, supersedes it anyway). The 30 s expiry and the 5 s cadence stay, so a
 * dead path is still declared `failed` after ~30 s — and the SFU's RTP watchdogs notice one
 * much sooner.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The werift namespace (typed from its declarations; loaded from the CJS build). */
export type WeriftModule = typeof import('werift');

/** How long a consent check waits for its reply (werift's default: 0.5–1 s). */
export const CONSENT_REPLY_WINDOW_MS = 4000;

/** The writable exports of werift's `ice/src/iceBase` module (CJS: read at every use). */
interface IceBaseExports {
  CONSENT_INTERVAL: number;
  CONSENT_TIMEOUT: number;
  CONSENT_RESPONSE_TIMEOUT: number;
  CONSENT_RESPONSE_TIMEOUT_MIN: number;
}

const require = createRequire(import.meta.url);

/**
 * werift's `ice/src/iceBase` module. It is not in the package's exports map: reached next to
 * the main file, it is the same module instance werift's ICE code reads its constants from.
 */
function iceBaseModule(): IceBaseExports {
  const main = require.resolve('werift');
  const iceBase = require(join(dirname(main), '../../ice/src/iceBase.js')) as Partial<IceBaseExports>;
  if (typeof iceBase.CONSENT_RESPONSE_TIMEOUT !== 'number' || typeof iceBase.CONSENT_TIMEOUT !== 'number') {
    throw new Error(`werift's ICE constants were not found next to ${main} (werift upgraded?)`);
  }
  return iceBase as IceBaseExports;
}

/** Loads werift's CJS build and sets the consent timing (idempotent). */
function load(): WeriftModule {
  const werift = require('werift') as WeriftModule;
  const iceBase = iceBaseModule();
  iceBase.CONSENT_RESPONSE_TIMEOUT = CONSENT_REPLY_WINDOW_MS;
  iceBase.CONSENT_RESPONSE_TIMEOUT_MIN = CONSENT_REPLY_WINDOW_MS;
  iceBase.CONSENT_TIMEOUT = 30;
  iceBase.CONSENT_INTERVAL = 5;
  return werift;
}

const werift = load();

/** The consent timing in effect (for tests and diagnostics). */
export function consentTiming(): Readonly<IceBaseExports> {
  const iceBase = iceBaseModule();
  return {
    CONSENT_INTERVAL: iceBase.CONSENT_INTERVAL,
    CONSENT_TIMEOUT: iceBase.CONSENT_TIMEOUT,
    CONSENT_RESPONSE_TIMEOUT: iceBase.CONSENT_RESPONSE_TIMEOUT,
    CONSENT_RESPONSE_TIMEOUT_MIN: iceBase.CONSENT_RESPONSE_TIMEOUT_MIN,
  };
}

/** werift's peer connection (CJS build). */
export const RTCPeerConnection = werift.RTCPeerConnection;
/** A werift peer connection. */
export type RTCPeerConnection = InstanceType<WeriftModule['RTCPeerConnection']>;
/** werift's RTCP payload-specific feedback class (PLI/FIR), for `instanceof`-free type checks. */
export const RtcpPayloadSpecificFeedback = werift.RtcpPayloadSpecificFeedback;
/** Opus codec parameters. */
export const useOPUS = werift.useOPUS;
/** VP8 codec parameters. */
export const useVP8 = werift.useVP8;

/** An RTP packet (CJS build). */
export const RtpPacket = werift.RtpPacket;
/** An RTP packet. */
export type RtpPacket = InstanceType<WeriftModule['RtpPacket']>;
/** An RTP header (CJS build). */
export const RtpHeader = werift.RtpHeader;
/** An RTP header. */
export type RtpHeader = InstanceType<WeriftModule['RtpHeader']>;

export type { MediaStreamTrack, PeerConfig, RTCRtpReceiver, RTCRtpSender } from 'werift';
