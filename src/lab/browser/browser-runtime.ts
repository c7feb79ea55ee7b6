/**
 * The browser engine as a client sees it ({@link WebRtcRuntime}): peer connections and media
 * in one page of a {@link BrowserHost}, which the client owns from now on (closing the client
 * closes its page).
 */
import { hasTurnServer, type IceConfig } from '../clients/engines';
import type { WebRtcRuntime } from '../clients/webrtc-runtime';
import type { AgentPage } from './agent-protocol';
import { BrowserMedia } from './browser-media';
import { BrowserPeerConnection } from './browser-peer-connection';

/**
 * @param page an open agent page (one per participant)
 * @param ice the lab's ICE servers and policy
 * @param onError where failures of calls nobody awaits are reported (becomes a `log` record)
 */
export function browserRuntime(
  page: AgentPage,
  ice: IceConfig,
  onError: (message: string) => void,
): WebRtcRuntime {
  return {
    engine: 'browser',
    relayConfigured: hasTurnServer(ice),
    createPeerConnection: () => new BrowserPeerConnection(page, ice, onError),
    createMedia: () => new BrowserMedia(page, onError),
    describe: () => ({ browser: `Chromium ${page.browserVersion}` }),
    dispose: () => page.close(),
  };
}
