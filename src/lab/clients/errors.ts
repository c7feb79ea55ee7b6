/**
 * Typed errors of the connection manager. A `join()` that fails rejects with a
 * {@link ClientError} whose `code` is the {@link DisconnectReason} the state machine recorded,
 * so callers (scenario runner, CLI, UI) can branch on the same vocabulary the trace uses.
 */
import type { DisconnectReason, ErrorCode } from '../../shared';
import { CodedError } from '../../shared/errors';

/** Codes a {@link ClientError} can carry: a disconnect reason, or a local usage problem. */
export type ClientErrorCode = DisconnectReason | 'INVALID_STATE' | 'BAD_ARGUMENT' | 'DISPOSED' | 'SIGNALING';

/** An error raised by a `Client` operation; `code` says why in trace vocabulary. */
export class ClientError extends CodedError<ClientErrorCode> {
  override readonly name = 'ClientError';
}

/**
 * A request the server answered with an `error` message (or that never got an answer); `code` is
 * the server's error code, or `TIMEOUT` / `CLOSED` when no answer came.
 */
export class SignalingError extends CodedError<ErrorCode | 'TIMEOUT' | 'CLOSED'> {
  override readonly name = 'SignalingError';
}

/** Server error codes that end a join for good (no retry can fix them without a new token). */
const FINAL_REFUSALS: ReadonlySet<string> = new Set([
  'INVALID_TOKEN',
  'TOKEN_EXPIRE',
  'UID_BANNED',
  'CHANNEL_BANNED',
]);

/** True when a refused (re)join must end in DISCONNECTED rather than be retried. */
export function isFinalRefusal(code: string): boolean {
  return FINAL_REFUSALS.has(code);
}

/**
 * The disconnect reason for a failed join: the server's refusal code when it is one of the
 * model's reasons, `NETWORK_ERROR` when no answer came, `SERVER_ERROR` for anything else.
 */
export function joinFailureReason(err: unknown): DisconnectReason {
  if (err instanceof SignalingError) {
    if (isFinalRefusal(err.code)) return err.code as DisconnectReason;
    if (err.code === 'TIMEOUT' || err.code === 'CLOSED') return 'NETWORK_ERROR';
    return 'SERVER_ERROR';
  }
  if (err instanceof ClientError && err.code === 'NETWORK_ERROR') return 'NETWORK_ERROR';
  return 'NETWORK_ERROR';
}
