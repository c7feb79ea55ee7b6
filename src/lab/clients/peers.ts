/**
 * What a client knows about the other members of its channel, from `joined.members` and the
 * server's peer events. Each server event becomes a `peer` record (uid = this client, the
 * observer). On (re)join the member list is compared with what was known: new members and
 * their published kinds are reported as `user-joined` / `user-published` (as the seed SDKs
 * report users already in a channel), members gone meanwhile as `user-left`; those derived
 * records carry `reason: 'member-list'`.
 */
import type { MediaKind, PeerEventName, RecordSink, ServerMessage } from '../../shared';

/** A peer event as listeners get it. */
export interface PeerEvent {
  event: PeerEventName;
  peer: number;
  mediaType?: MediaKind;
  reason?: string;
}

type PeerMessage = Extract<
  ServerMessage,
  { type: 'user-joined' | 'user-published' | 'user-unpublished' | 'user-left' }
>;

/** Remote members and their published kinds. */
export class PeerDirectory {
  private readonly peers = new Map<number, Set<MediaKind>>();
  private readonly listeners = new Set<(e: PeerEvent) => void>();

  constructor(
    private readonly uid: number,
    private readonly sink: RecordSink,
  ) {}

  /** A copy of the directory: uid → published kinds. */
  snapshot(): Map<number, { published: MediaKind[] }> {
    return new Map([...this.peers].map(([uid, kinds]) => [uid, { published: [...kinds] }]));
  }

  /** Kinds a peer publishes now (empty when unknown). */
  published(peer: number): MediaKind[] {
    return [...(this.peers.get(peer) ?? [])];
  }

  /** Subscribes to peer events; returns the unsubscribe function. */
  onEvent(listener: (e: PeerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies one server peer message. */
  apply(message: PeerMessage): void {
    switch (message.type) {
      case 'user-joined':
        if (message.uid === this.uid) return;
        if (!this.peers.has(message.uid)) this.peers.set(message.uid, new Set());
        this.emit({ event: 'user-joined', peer: message.uid });
        return;
      case 'user-published':
        (this.peers.get(message.uid) ?? this.peers.set(message.uid, new Set()).get(message.uid)!).add(
          message.kind,
        );
        this.emit({ event: 'user-published', peer: message.uid, mediaType: message.kind });
        return;
      case 'user-unpublished':
        this.peers.get(message.uid)?.delete(message.kind);
        this.emit({
          event: 'user-unpublished',
          peer: message.uid,
          mediaType: message.kind,
          reason: message.reason,
        });
        return;
      case 'user-left':
        this.peers.delete(message.uid);
        this.emit({ event: 'user-left', peer: message.uid, reason: message.reason });
        return;
    }
  }

  /** Replaces the directory with a `joined` member list, reporting the differences. */
  reconcile(members: Array<{ uid: number; published: MediaKind[] }>): void {
    const next = new Map<number, Set<MediaKind>>();
    for (const m of members) if (m.uid !== this.uid) next.set(m.uid, new Set(m.published));
    for (const [uid, kinds] of this.peers) {
      const now = next.get(uid);
      if (!now) {
        this.peers.delete(uid);
        this.emit({ event: 'user-left', peer: uid, reason: 'member-list' });
        continue;
      }
      for (const kind of kinds) {
        if (!now.has(kind)) {
          kinds.delete(kind);
          this.emit({ event: 'user-unpublished', peer: uid, mediaType: kind, reason: 'member-list' });
        }
      }
    }
    for (const [uid, kinds] of next) {
      let known = this.peers.get(uid);
      if (!known) {
        known = new Set();
        this.peers.set(uid, known);
        this.emit({ event: 'user-joined', peer: uid, reason: 'member-list' });
      }
      for (const kind of kinds) {
        if (!known.has(kind)) {
          known.add(kind);
          this.emit({ event: 'user-published', peer: uid, mediaType: kind, reason: 'member-list' });
        }
      }
    }
  }

  /** Forgets everyone (after leaving the channel), without records. */
  clear(): void {
    this.peers.clear();
  }

  /** Drops every listener. */
  dispose(): void {
    this.listeners.clear();
    this.peers.clear();
  }

  private emit(e: PeerEvent): void {
    this.sink({
      type: 'peer',
      uid: this.uid,
      event: e.event,
      peer: e.peer,
      ...(e.mediaType ? { mediaType: e.mediaType } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
    });
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.sink({ type: 'log', uid: this.uid, level: 'error', msg: `peer listener threw: ${String(err)}` });
      }
    }
  }
}
