/**
 * What a client needs from its WebRTC engine, behind one object: peer connections (with the
 * lab's ICE configuration) and media sources. Node engines run in the lab process; the browser
 * engine (src/lab/browser) runs both in a browser page. The connection manager above this
 * seam is the same for every engine, so the checker can treat them alike.
 */
import type { EngineName } from '../../shared/model/engines';
import {
  createPeerConnection,
  hasTurnServer,
  type IceConfig,
  type NodeEngineName,
  type PeerConnectionLike,
} from './engines';
import { createSyntheticMedia, type SyntheticMedia, type SyntheticMediaOptions } from './synthetic-media';

/** One client's engine. */
export interface WebRtcRuntime {
  readonly engine: EngineName;
  /** True when the PCs are given a TURN server (so they should gather relay candidates). */
  readonly relayConfigured: boolean;
  /** A new peer connection. */
  createPeerConnection(): PeerConnectionLike;
  /** The media source for published tracks (one per client). */
  createMedia(): SyntheticMedia;
  /** Figures added to every stats sample's `raw` (e.g. the browser version). */
  describe(): Record<string, unknown>;
  /** Releases what the engine holds for this client (a browser page). Idempotent. */
  dispose(): Promise<void>;
}

/** The runtime of a Node engine (`wrtc`, `werift`); `media` shapes its synthetic source. */
export function nodeRuntime(
  engine: NodeEngineName,
  ice: IceConfig = {},
  media: SyntheticMediaOptions = {},
): WebRtcRuntime {
  return {
    engine,
    relayConfigured: hasTurnServer(ice),
    createPeerConnection: () => createPeerConnection(engine, ice),
    createMedia: () => createSyntheticMedia(engine, media),
    describe: () => ({}),
    dispose: async () => undefined,
  };
}
