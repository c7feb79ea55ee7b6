/**
 * Publish state of members as others see it: `publish` / `unpublish`, and the media watchdog
 * (a published kind with no RTP for mediaTimeoutMs → `user-unpublished` reason `no-media`;
 * RTP again → `user-published`). Audience members cannot publish.
 */
import type { MediaKind, ServerMessage } from '../../shared/protocol/messages';
import type { ServerEventHub } from './events';
import type { MediaPlane } from './media-plane';
import type { Member } from './members';
import { monotonicMs } from './watchdogs';

/** Sends a message to every other member of `from`'s channel. */
export type Broadcast = (from: Member, message: ServerMessage) => void;

/** Announces what members publish; one per server. */
export class Publishing {
  constructor(
    private readonly media: MediaPlane,
    private readonly events: ServerEventHub,
    private readonly broadcast: Broadcast,
  ) {}

  /** Handles `publish`: each newly announced kind becomes visible and watched. */
  publish(member: Member, kinds: MediaKind[], id?: string): void {
    if (!member.visible) {
      member.session?.sendError('BAD_REQUEST', 'audience members cannot publish', id);
      return;
    }
    for (const kind of new Set(kinds)) {
      if (member.announced.has(kind)) continue;
      member.announced.add(kind);
      member.watchMedia(kind);
      this.media.setPublishing(member, kind, true);
      this.announce(member, kind, true);
    }
  }

  /** Handles `unpublish`: others get `user-unpublished` reason `unpublish` for visible kinds. */
  unpublish(member: Member, kinds: MediaKind[]): void {
    for (const kind of new Set(kinds)) {
      if (!member.announced.has(kind)) continue;
      const wasVisible = !member.noMedia.has(kind);
      member.announced.delete(kind);
      member.noMedia.delete(kind);
      member.unwatchMedia(kind);
      this.media.setPublishing(member, kind, false);
      if (wasVisible) this.announce(member, kind, false, 'unpublish');
    }
  }

  /** An RTP packet arrived (from the media plane): feeds the watchdog, ends `no-media`. */
  rtpSeen(member: Member, kind: MediaKind): void {
    member.lastRtp[kind] = monotonicMs();
    if (member.noMedia.has(kind) && member.announced.has(kind)) {
      member.noMedia.delete(kind);
      member.watchMedia(kind);
      this.announce(member, kind, true);
    }
  }

  /** No RTP for mediaTimeoutMs: others get `user-unpublished` reason `no-media`. */
  mediaTimeout(member: Member, kind: MediaKind): void {
    if (!member.announced.has(kind) || member.noMedia.has(kind)) return;
    member.noMedia.add(kind);
    this.announce(member, kind, false, 'no-media');
  }

  /** The member's session ended without `leave` (same-UID login): others see its kinds go. */
  withdrawAll(member: Member): void {
    for (const kind of member.published()) this.announce(member, kind, false, 'unpublish');
  }

  private announce(
    member: Member,
    kind: MediaKind,
    published: boolean,
    reason?: 'unpublish' | 'no-media',
  ): void {
    if (member.visible) {
      this.broadcast(
        member,
        published
          ? { type: 'user-published', uid: member.uid, kind }
          : { type: 'user-unpublished', uid: member.uid, kind, reason: reason ?? 'unpublish' },
      );
    }
    this.events.emit({
      type: 'publish',
      event: published ? 'published' : 'unpublished',
      level: 'info',
      channel: member.channel,
      uid: member.uid,
      kind,
      reason,
      message: `${member.channel}/${member.uid} ${kind} ${published ? 'published' : `unpublished (${reason})`}`,
    });
  }
}
