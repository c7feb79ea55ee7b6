/**
 * Synthetic media for publishers, per engine, with bounded timers that stop on dispose.
 * wrtc: real Opus and VP8 from libwebrtc's encoders (wrtc-media.ts); werift, which has no
 * encoders: well-formed RTP at a realistic packet rate (werift-media.ts).
 * Generation runs only while a track of that kind is live.
 */
import type { MediaKind } from '../../shared';
import type { EngineName, NodeEngineName } from './engines';
import { WeriftSyntheticMedia } from './werift-media';
import { WrtcSyntheticMedia } from './wrtc-media';

/** Options of a synthetic source. */
export interface SyntheticMediaOptions {
  /** Video frame rate (wrtc: 1–30, default 15; werift always sends its 30 fps loop). */
  videoFps?: number;
  /** Video size for wrtc (default 320×240; even numbers). */
  width?: number;
  height?: number;
}

/** Counters of what was generated, for tests and `raw` stats. */
export interface SyntheticMediaCounters {
  audioFrames: number;
  videoFrames: number;
}

/** A source of engine-native tracks carrying generated audio and video. */
export interface SyntheticMedia {
  readonly engine: EngineName;
  /** A new engine-native track of `kind`, fed by this source until released or disposed. */
  createTrack(kind: MediaKind): unknown;
  /** Stops a track made by {@link createTrack}; generation pauses when no track of a kind is left. */
  releaseTrack(track: unknown): void;
  /** What has been generated so far; null when generation happens elsewhere (a browser's devices). */
  counters(): SyntheticMediaCounters | null;
  /** Stops every track and timer. Idempotent. */
  dispose(): void;
}

/** A source generated in the lab process: its counters are always there. */
export interface NodeSyntheticMedia extends SyntheticMedia {
  counters(): SyntheticMediaCounters;
}

/** Creates the synthetic source for a Node engine. */
export function createSyntheticMedia(
  engine: NodeEngineName,
  options: SyntheticMediaOptions = {},
): NodeSyntheticMedia {
  return engine === 'wrtc' ? new WrtcSyntheticMedia(options) : new WeriftSyntheticMedia();
}
