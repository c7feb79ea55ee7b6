/**
 * The error codes the main-process services answer with. Each becomes an `IpcError` on the
 * renderer's side (`{name, message, code}`), so the dashboard can branch on the code and show
 * the message to a person as it is.
 */
import { errorCode } from '../../shared/errors';
import { IpcError } from '../../shared/ipc/contract';

/** Codes of errors raised by the services themselves (lab errors keep their own codes). */
export type ServiceErrorCode =
  /** The request does not match its schema, or names no channel of the contract. */
  | 'BAD_REQUEST'
  /** The action needs a running lab and none runs. */
  | 'NO_LAB'
  /** The uid is not a participant of the running lab. */
  | 'UNKNOWN_UID'
  /** The uid is already a participant. */
  | 'DUPLICATE_UID'
  /** No active fault has that id. */
  | 'UNKNOWN_FAULT'
  /** No built-in scenario has that name. */
  | 'UNKNOWN_SCENARIO'
  /** A lab is starting or stopping, or a scenario run owns the lab. */
  | 'LAB_BUSY'
  /** The action is not available here (remote server, browser mode). */
  | 'NOT_SUPPORTED'
  /** A file is not a trace this version can read (the message says why). */
  | 'BAD_TRACE'
  /** The embedded server is stopped (start it first). */
  | 'SERVER_DOWN'
  /** A lab operation failed for another reason (the message says which). */
  | 'LAB_ERROR'
  /** An export is too large to send over the wire (the message says where to export instead). */
  | 'TOO_LARGE'
  /** A chart image for a bundle is not a PNG, is too large, or has a bad or repeated name. */
  | 'BAD_CHART'
  /** Too many opens at once (e.g. chunked uploads): wait for one to finish, then try again. */
  | 'BUSY'
  /** A channel server that is not on this machine, without the person's confirmation (`allowRemote`). */
  | 'REMOTE_NOT_CONFIRMED'
  /** The channel server did not answer a WebSocket handshake (refused, timed out, not WebSocket). */
  | 'SERVER_UNREACHABLE';

/** An {@link IpcError} with one of the service codes. */
export function serviceError(code: ServiceErrorCode, message: string): IpcError {
  return new IpcError(message, code, 'LabServiceError');
}

/** What a code the lab's errors pass through looks like (`TOKEN_EXPIRE`, `SERVER_DOWN`, `EADDRINUSE`). */
const PASSED_CODE = /^[A-Z][A-Z_]+$/;

/**
 * Types an error thrown by the lab by its code, never its message: a coded error (a
 * `CodedError`, or the plain copy of one that crossed from the server child) keeps its code —
 * the trace's own vocabulary (TOKEN_EXPIRE, INVALID_STATE), SERVER_DOWN when the server is
 * stopped; anything else is LAB_ERROR. The message is passed on as it is.
 */
export function labError(error: unknown): IpcError {
  if (error instanceof IpcError) return error;
  const e = error as { name?: unknown; message?: unknown } | null | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const code = errorCode(error);
  return new IpcError(message, code !== null && PASSED_CODE.test(code) ? code : 'LAB_ERROR', name);
}
