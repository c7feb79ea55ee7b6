/**
 * Who may join: the token (Authenticator), the bans (ChannelRegistry) and whether the server
 * accepts joins at all. A refusal says how to answer: a bad token closes the socket (4001),
 * a ban or a closed door answers with an error and keeps it.
 */
import type { ErrorCode } from '../../shared/protocol/messages';
import type { AuthGrant, Authenticator } from './auth';
import type { ChannelRegistry } from './members';

/** A join that must be refused. */
export interface JoinRefusal {
  ok: false;
  code: ErrorCode;
  message: string;
  /** Close the socket with 4001 after the error (bad tokens only). */
  closeSocket: boolean;
}

/** Decides on joins; one per server. */
export class Admission {
  /** While false, joins are refused with SERVER_ERROR. */
  accepting = true;

  constructor(
    private readonly auth: Authenticator,
    private readonly registry: ChannelRegistry,
  ) {}

  /** The grant of a join (role, token expiry), or why it is refused. */
  decide(channel: string, uid: number, token: string): AuthGrant | JoinRefusal {
    const auth = this.auth.check(channel, uid, token);
    if (!auth.ok) return { ...auth, closeSocket: true };
    const refuse = (code: ErrorCode, message: string): JoinRefusal => ({
      ok: false,
      code,
      message,
      closeSocket: false,
    });
    if (this.registry.isChannelBanned(channel))
      return refuse('CHANNEL_BANNED', `channel ${channel} is banned`);
    if (this.registry.isUidBanned(channel, uid))
      return refuse('UID_BANNED', `uid ${uid} is banned from ${channel}`);
    if (!this.accepting) return refuse('SERVER_ERROR', 'the server is not accepting joins');
    return auth;
  }
}
