/**
 * Who may join and renew: token checks for `join` and `renew-token`, and the tokens the server
 * expired by force (admin `expireToken`), which stay refused even though their `exp` is later.
 */
import type { MemberRole } from './members';
import { BASE64URL, verifyToken } from './tokens';

/** A refusal, as the `error` reply carries it. */
export interface AuthRefusal {
  ok: false;
  code: 'INVALID_TOKEN' | 'TOKEN_EXPIRE';
  message: string;
}

/** An accepted token: the role it grants and when it expires (epoch ms; null = never). */
export interface AuthGrant {
  ok: true;
  role: MemberRole;
  expMs: number | null;
}

/** Forced expiries remembered (oldest forgotten first). */
const MAX_EXPIRED_TOKENS = 1000;

/** Token policy of one server. */
export class Authenticator {
  private readonly expired = new Set<string>();

  /** @param secret HMAC secret, or null for auth "none" (any token; everyone is a host). */
  constructor(private readonly secret: string | null) {}

  /** Whether tokens are checked at all. */
  get enabled(): boolean {
    return this.secret !== null;
  }

  /** Checks a token presented for `channel`/`uid` (join or renewal). */
  check(channel: string, uid: number, token: string): AuthGrant | AuthRefusal {
    if (this.expired.has(key(channel, uid, token))) {
      return { ok: false, code: 'TOKEN_EXPIRE', message: 'this token was expired by the server' };
    }
    if (this.secret === null) return { ok: true, role: 'host', expMs: null };
    const check = verifyToken(this.secret, token);
    if (!check.ok) return check;
    if (check.payload.channel !== channel || check.payload.uid !== uid) {
      return { ok: false, code: 'INVALID_TOKEN', message: 'token is for another channel or uid' };
    }
    return { ok: true, role: check.payload.role, expMs: check.payload.exp * 1000 };
  }

  /** Refuses this exact token for `channel`/`uid` from now on. */
  expire(channel: string, uid: number, token: string): void {
    if (this.expired.size >= MAX_EXPIRED_TOKENS) {
      const oldest = this.expired.values().next().value;
      if (oldest !== undefined) this.expired.delete(oldest);
    }
    this.expired.add(key(channel, uid, token));
  }
}

/**
 * What a forced expiry is remembered by: the channel, the uid and the token's decoded bytes. Two
 * spellings of one token (base64url leaves spare bits in a last character, which the decoder
 * ignores) are one key, so an expired token cannot come back as a variant even where the
 * canonical-spelling check of {@link verifyToken} is not in the way (auth "none").
 */
function key(channel: string, uid: number, token: string): string {
  const parts = token.split('.');
  const decoded =
    parts.length === 2 && parts.every((part) => BASE64URL.test(part))
      ? parts.map((part) => Buffer.from(part, 'base64url').toString('hex')).join('.')
      : `text:${token}`;
  return `${channel}\n${uid}\n${decoded}`;
}
