import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../../src/lab/server/tokens';
import { Authenticator } from '../../../src/lab/server/auth';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same bytes, spelled otherwise: the last character's unused low bit flipped. */
function variant(part: string): string {
  const last = ALPHABET.indexOf(part[part.length - 1]!);
  return part.slice(0, -1) + ALPHABET[last ^ 1];
}

const secret = 'test-secret';
const now = Date.UTC(2026, 0, 1);
const payload = { channel: 'room', uid: 7, role: 'host' as const, exp: Math.floor(now / 1000) + 60 };

describe('tokens', () => {
  it('accepts a valid token and returns its payload', () => {
    const check = verifyToken(secret, signToken(secret, payload), now);
    expect(check).toEqual({ ok: true, payload });
  });

  it('rejects a tampered payload', () => {
    const [, sig] = signToken(secret, payload).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, uid: 8 })).toString('base64url');
    const check = verifyToken(secret, `${forged}.${sig}`, now);
    expect(check).toMatchObject({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('rejects a tampered signature', () => {
    const token = signToken(secret, payload);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(verifyToken(secret, token.slice(0, -1) + last, now)).toMatchObject({
      ok: false,
      code: 'INVALID_TOKEN',
    });
  });

  it('reports TOKEN_EXPIRE once exp has passed', () => {
    const token = signToken(secret, payload);
    expect(verifyToken(secret, token, payload.exp * 1000 - 1).ok).toBe(true);
    expect(verifyToken(secret, token, payload.exp * 1000)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRE' });
  });

  it('rejects a token signed with another secret', () => {
    expect(verifyToken(secret, signToken('other', payload), now)).toMatchObject({
      ok: false,
      code: 'INVALID_TOKEN',
      message: expect.stringMatching(/signature/),
    });
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['not base64url', 'a+b.c/d'],
    ['huge', 'a'.repeat(10_000) + '.b'],
  ])('rejects garbage (%s) without throwing', (_name, token) => {
    expect(verifyToken(secret, token, now)).toMatchObject({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('rejects a well-signed payload of the wrong shape', () => {
    const body = Buffer.from(JSON.stringify({ channel: '', uid: -1 })).toString('base64url');
    const sig = createHmac('sha256', secret).update(body).digest('base64url');
    expect(verifyToken(secret, `${body}.${sig}`, now)).toMatchObject({
      ok: false,
      code: 'INVALID_TOKEN',
      message: expect.stringMatching(/malformed/),
    });
    const notJson = Buffer.from('{nope').toString('base64url');
    const sig2 = createHmac('sha256', secret).update(notJson).digest('base64url');
    expect(verifyToken(secret, `${notJson}.${sig2}`, now)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/JSON/),
    });
  });

  it('refuses to sign with an empty secret or a bad payload', () => {
    expect(() => signToken('', payload)).toThrow(/secret/);
    expect(() => signToken(secret, { ...payload, uid: -1 })).toThrow();
  });

  it('refuses a non-canonical spelling, so a token the server expired cannot come back as a variant', () => {
    const token = signToken(secret, payload);
    const [body, sig] = token.split('.') as [string, string];
    // 32 signature bytes are 43 characters with 2 bits to spare: the variant decodes alike.
    const forged = `${body}.${variant(sig)}`;
    expect(Buffer.from(variant(sig), 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
    expect(verifyToken(secret, forged, now)).toMatchObject({
      ok: false,
      code: 'INVALID_TOKEN',
      message: 'token is not canonical base64url',
    });
    // The server's forced expiry (its clock is the real one: a token good for an hour from now).
    const live = signToken(secret, { ...payload, exp: Math.floor(Date.now() / 1000) + 3600 });
    const [liveBody, liveSig] = live.split('.') as [string, string];
    const auth = new Authenticator(secret);
    expect(auth.check('room', 7, live)).toMatchObject({ ok: true });
    auth.expire('room', 7, live);
    expect(auth.check('room', 7, live)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRE' });
    // Refused twice over: the expiry knows the decoded token, and the spelling is not canonical.
    expect(auth.check('room', 7, `${liveBody}.${variant(liveSig)}`)).toMatchObject({ ok: false });
    expect(verifyToken(secret, `${liveBody}.${variant(liveSig)}`)).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('remembers a forced expiry by the decoded token, so every spelling of it stays expired', () => {
    const live = signToken(secret, { ...payload, exp: Math.floor(Date.now() / 1000) + 3600 });
    const [body, sig] = live.split('.') as [string, string];
    const auth = new Authenticator(secret);
    auth.expire('room', 7, `${body}.${variant(sig)}`);
    expect(auth.check('room', 7, live)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRE' });
    // With tokens off, nothing else stands in the way of a variant.
    const open = new Authenticator(null);
    open.expire('room', 7, live);
    expect(open.check('room', 7, `${body}.${variant(sig)}`)).toMatchObject({
      ok: false,
      code: 'TOKEN_EXPIRE',
    });
    expect(open.check('room', 7, 'another')).toMatchObject({ ok: true });
    expect(open.check('room', 8, live)).toMatchObject({ ok: true });
  });
});
