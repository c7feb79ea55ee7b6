/**
 * Crash recovery as the service sees it: one live journal for the lab that runs now (marked
 * clean when it ends), and the journals of sessions that did not end cleanly, offered back.
 */
import { JournalStore } from './recovery';
import { serviceError } from './errors';

/** One per service; `store` null turns journaling (and recovery) off. */
export class SessionJournals {
  private live: string | null = null;

  constructor(private readonly store: JournalStore | null) {}

  /** A fresh journal path for the next lab (null without journaling or if the dir is unusable). */
  async next(): Promise<string | null> {
    await this.closeLive();
    if (!this.store) return null;
    this.live = await this.store.create().catch(() => null);
    return this.live;
  }

  /** Marks the live journal closed cleanly. */
  async closeLive(): Promise<void> {
    const path = this.live;
    this.live = null;
    if (path && this.store) await this.store.markClean(path);
  }

  /** Journals of sessions that did not close cleanly (never the live one). */
  list(): ReturnType<JournalStore['list']> | Promise<[]> {
    if (!this.store) return Promise.resolve([]);
    return this.store.list(new Set(this.live ? [this.live] : []));
  }

  /** Reads a recovered journal. */
  open(id: string): ReturnType<JournalStore['open']> {
    return this.required().open(id);
  }

  /** Deletes a recovered journal. */
  discard(id: string): ReturnType<JournalStore['discard']> {
    return this.required().discard(id);
  }

  private required(): JournalStore {
    if (!this.store)
      throw serviceError('NOT_SUPPORTED', 'Crash recovery is off: this app keeps no journals.');
    return this.store;
  }
}
