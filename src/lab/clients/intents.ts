/**
 * What the user of a client asked for, kept across interruptions: the kinds to publish and the
 * remote kinds to subscribe to. A rejoin restores both by itself (docs/MODEL.md "Rejoin
 * (RECONNECTING)": after a rejoin the client republishes and resubscribes).
 */
import { MediaKindSchema, type MediaKind } from '../../shared';
import { ClientError } from './errors';

/** Publish and subscribe intents of one client. */
export class MediaIntents {
  private readonly publish = new Set<MediaKind>();
  private readonly subs = new Map<number, Set<MediaKind>>();

  /** Kinds to publish. */
  published(): MediaKind[] {
    return [...this.publish];
  }

  /** Adds kinds to publish. */
  addPublish(kinds: MediaKind[]): void {
    for (const k of kinds) this.publish.add(k);
  }

  /** Removes kinds to publish. */
  removePublish(kinds: MediaKind[]): void {
    for (const k of kinds) this.publish.delete(k);
  }

  /** True when `peer`'s `kind` is wanted. */
  wants(peer: number, kind: MediaKind): boolean {
    return this.subs.get(peer)?.has(kind) ?? false;
  }

  /** Adds wanted kinds of a peer. */
  addSubscription(peer: number, kinds: MediaKind[]): void {
    const set = this.subs.get(peer) ?? new Set<MediaKind>();
    for (const k of kinds) set.add(k);
    this.subs.set(peer, set);
  }

  /** Removes wanted kinds of a peer (all of them when `kinds` is omitted). */
  removeSubscription(peer: number, kinds?: MediaKind[]): void {
    const set = this.subs.get(peer);
    if (!set) return;
    for (const k of kinds ?? [...set]) set.delete(k);
    if (set.size === 0) this.subs.delete(peer);
  }

  /** Every wanted subscription, as `[peer, kinds]`. */
  subscriptions(): Array<[number, MediaKind[]]> {
    return [...this.subs].map(([peer, kinds]) => [peer, [...kinds]]);
  }

  /** Forgets everything (after leaving the channel). */
  clear(): void {
    this.publish.clear();
    this.subs.clear();
  }
}

/** Validates a kinds argument; throws a BAD_ARGUMENT {@link ClientError} with the bad value. */
export function checkKinds(kinds: unknown): MediaKind[] {
  const parsed = MediaKindSchema.array().min(1).max(2).safeParse(kinds);
  if (!parsed.success) {
    throw new ClientError(
      'BAD_ARGUMENT',
      `kinds must be a non-empty list of 'audio'/'video', got ${JSON.stringify(kinds)}`,
    );
  }
  return [...new Set(parsed.data)];
}

/** Validates a uid argument; throws a BAD_ARGUMENT {@link ClientError}. */
export function checkUid(uid: unknown, what = 'uid'): number {
  if (typeof uid !== 'number' || !Number.isInteger(uid) || uid < 0 || uid > 2 ** 32 - 1) {
    throw new ClientError('BAD_ARGUMENT', `${what} must be an integer in [0, 2^32-1], got ${String(uid)}`);
  }
  return uid;
}
