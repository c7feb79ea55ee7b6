/**
 * Channel tokens (PROTOCOL.md "Tokens"): `base64url(JSON payload) + "." +
 * base64url(HMAC-SHA256(secret, first part))`. The server verifies every `join` and
 * `renew-token` with {@link verifyToken}; the lab issues tokens to its own clients with
 * {@link signToken}.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TokenPayloadSchema, type TokenPayload } from '../../shared/protocol/messages';

/** Outcome of {@link verifyToken}: the payload, or why the token is refused. */
export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; code: 'INVALID_TOKEN' | 'TOKEN_EXPIRE'; message: string };

/** Longest token accepted (the protocol schema caps it too); guards the decoder. */
const MAX_TOKEN_CHARS = 4096;
/** A non-empty base64url text (no padding). */
export const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** True when `text` is exactly how its bytes encode (no stray bits in the last character). */
function isCanonical(text: string): boolean {
  return Buffer.from(text, 'base64url').toString('base64url') === text;
}

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/**
 * Signs a payload. Throws when the secret is empty or the payload is not a valid
 * {@link TokenPayload} — a programming error, not bad input from the network.
 */
export function signToken(secret: string, payload: TokenPayload): string {
  if (!secret) throw new Error('signToken: the secret must not be empty');
  const valid = TokenPayloadSchema.parse(payload);
  const body = Buffer.from(JSON.stringify(valid), 'utf8').toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/**
 * Checks a token's signature (constant-time), shape and expiry (`exp` in unix seconds,
 * compared with `nowMs`). Never throws: any defect is an `INVALID_TOKEN` with a specific message;
 * a well-signed token past its `exp` is `TOKEN_EXPIRE`.
 */
export function verifyToken(secret: string, token: string, nowMs: number = Date.now()): TokenCheck {
  const invalid = (message: string): TokenCheck => ({ ok: false, code: 'INVALID_TOKEN', message });
  if (typeof token !== 'string' || token.length === 0) return invalid('token is empty');
  if (token.length > MAX_TOKEN_CHARS) return invalid('token is too long');
  const parts = token.split('.');
  if (parts.length !== 2) return invalid('token must have two dot-separated parts');
  const [body, signature] = parts as [string, string];
  if (!BASE64URL.test(body) || !BASE64URL.test(signature)) return invalid('token is not base64url');
  // One text per token: the decoder ignores a last character's unused bits, so a variant that
  // flips them would decode alike and slip past a list of expired token texts.
  if (!isCanonical(body) || !isCanonical(signature)) return invalid('token is not canonical base64url');
  if (!secret) return invalid('server has no secret to verify tokens');
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid('token signature does not match');
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return invalid('token payload is not JSON');
  }
  const parsed = TokenPayloadSchema.safeParse(decoded);
  if (!parsed.success)
    return invalid(`token payload is malformed: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
  if (parsed.data.exp * 1000 <= nowMs) {
    return {
      ok: false,
      code: 'TOKEN_EXPIRE',
      message: `token expired at ${new Date(parsed.data.exp * 1000).toISOString()}`,
    };
  }
  return { ok: true, payload: parsed.data };
}
