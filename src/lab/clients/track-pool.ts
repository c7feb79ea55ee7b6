/**
 * What every synthetic source shares: the live tracks per kind, one frame clock per kind that
 * runs only while a track of that kind is live, counters, and dispose.
 */
import type { MediaKind } from '../../shared';
import type { FrameClock } from './frame-clock';
import type { SyntheticMediaCounters } from './synthetic-media';

/** The least a generated track must offer. */
export interface StoppableTrack {
  stop(): void;
}

/** Base of the per-engine sources; subclasses make tracks and push frames. */
export abstract class TrackPool<T extends StoppableTrack> {
  protected readonly live = { audio: new Set<T>(), video: new Set<T>() };
  protected readonly count: SyntheticMediaCounters = { audioFrames: 0, videoFrames: 0 };
  private disposed = false;

  protected abstract readonly clocks: Record<MediaKind, FrameClock>;

  /** An engine-native track of `kind`. */
  protected abstract newTrack(kind: MediaKind): T;

  createTrack(kind: MediaKind): unknown {
    if (this.disposed) throw new Error('synthetic media is disposed');
    const track = this.newTrack(kind);
    this.live[kind].add(track);
    this.clocks[kind].start();
    return track;
  }

  releaseTrack(track: unknown): void {
    for (const kind of ['audio', 'video'] as const) {
      if (this.live[kind].delete(track as T)) {
        (track as T).stop();
        if (this.live[kind].size === 0) this.clocks[kind].stop();
      }
    }
  }

  counters(): SyntheticMediaCounters {
    return { ...this.count };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clocks.audio.stop();
    this.clocks.video.stop();
    for (const set of Object.values(this.live)) {
      for (const track of set) track.stop();
      set.clear();
    }
  }
}
