/**
 * Media for a browser participant: Chromium's fake camera (a moving test pattern, encoded by
 * Chromium's own VP8) and fake microphone (a beep, Opus), captured in the page with
 * `getUserMedia`. The lab holds only handles ({@link BrowserTrackHandle}); generation and
 * encoding happen in the browser, so there are no lab-side frame counters (`counters()` is null;
 * the `media-source` and `outbound-rtp` stats carry the figures).
 */
import type { MediaKind } from '../../shared';
import type { SyntheticMedia } from '../clients/synthetic-media';
import type { AgentPage } from './agent-protocol';
import type { BrowserTrackHandle } from './browser-peer-connection';

let nextTrackId = 1;

/** Tracks from the page's fake devices. */
export class BrowserMedia implements SyntheticMedia {
  readonly engine = 'browser' as const;
  private readonly live = new Set<BrowserTrackHandle>();
  private disposed = false;

  /**
   * @param page the participant's page
   * @param onError where a failed capture is reported (the track then sends nothing)
   */
  constructor(
    private readonly page: AgentPage,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  createTrack(kind: MediaKind): unknown {
    if (this.disposed) throw new Error('browser media is disposed');
    const handle: BrowserTrackHandle = { id: `track${nextTrackId++}`, kind };
    this.live.add(handle);
    this.page
      .call('createTrack', [handle.id, kind])
      .catch((err: Error) => this.onError(`browser ${kind} capture failed: ${err.message}`));
    return handle;
  }

  releaseTrack(track: unknown): void {
    const handle = track as BrowserTrackHandle;
    if (!this.live.delete(handle)) return;
    this.page.call('stopTrack', [handle.id]).catch(() => undefined);
  }

  counters(): null {
    return null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const handle of [...this.live]) this.releaseTrack(handle);
  }
}
