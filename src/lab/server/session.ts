/**
 * One WebSocket connection to the channel server: frame checks, JSON and schema parsing,
 * sending. It knows nothing about channels; the signaling layer decides what a message means.
 * Input rules (documented in docs/PROTOCOL.md, "Extensions"):
 * - binary frame, text larger than 64 KiB, invalid JSON, a non-object, or an unknown `type`
 *   → close 4000 (protocol error);
 * - a known `type` whose fields break the schema → `error` BAD_REQUEST, socket kept.
 */
import type { RawData, WebSocket } from 'ws';
import {
  ClientMessageSchema,
  CloseCode,
  MAX_FRAME_BYTES,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
} from '../../shared/protocol/messages';
import type { InputSource } from './input-errors';
import { monotonicMs } from './watchdogs';

const KNOWN_TYPES = new Set<string>(ClientMessageSchema.options.map((option) => option.shape.type.value));

/** What a frame turned out to be. */
export type ParsedFrame =
  | { kind: 'message'; message: ClientMessage }
  | { kind: 'bad-request'; id?: string; type: string; message: string }
  | { kind: 'protocol-error'; message: string };

/**
 * Classifies one frame (see the module comment). Pure: used by {@link ClientSession} and by
 * tests. `isBinary` frames are always protocol errors.
 */
export function parseFrame(data: RawData, isBinary: boolean): ParsedFrame {
  if (isBinary) return { kind: 'protocol-error', message: 'binary frames are not allowed' };
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (buffer.length > MAX_FRAME_BYTES) {
    return { kind: 'protocol-error', message: `frame of ${buffer.length} bytes exceeds ${MAX_FRAME_BYTES}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(buffer.toString('utf8'));
  } catch {
    return { kind: 'protocol-error', message: 'frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'protocol-error', message: 'frame is not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : 'missing';
    return { kind: 'protocol-error', message: `unknown message type ${shown}` };
  }
  const parsed = ClientMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'message';
    const id = typeof record.id === 'string' && record.id.length <= 64 ? record.id : undefined;
    return {
      kind: 'bad-request',
      id,
      type,
      message: `bad ${type}: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { kind: 'message', message: parsed.data };
}

let nextSessionId = 1;

/** One client socket: sends server messages, closes with protocol codes, remembers its peer. */
export class ClientSession {
  /** Small number for logs ("session 12"). */
  readonly id = nextSessionId++;
  /**
   * Monotonic time since which this socket is not joined (its open, its `leave`, its
   * membership's removal); feeds the join deadline, which only counts while it is unjoined.
   */
  unjoinedSince = monotonicMs();
  /** This socket as a source of input errors (sampling key and log label). */
  readonly source: InputSource;
  private closed = false;

  /**
   * @param socket an open `ws` socket
   * @param remote `address:port` of the client, for logs
   */
  constructor(
    private readonly socket: WebSocket,
    readonly remote: string,
  ) {
    this.source = { key: `session:${this.id}`, label: `session ${this.id} (${remote})` };
    socket.once('close', () => {
      this.closed = true;
    });
  }

  /** True until the socket is closed or closing. */
  get open(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  /** Sends one message; silently does nothing when the socket is no longer open. */
  send(message: ServerMessage): void {
    if (this.open) this.sendEncoded(JSON.stringify(message));
  }

  /**
   * Sends a message already serialized with `JSON.stringify` (a broadcast encodes once for
   * every recipient); silently does nothing when the socket is no longer open.
   */
  sendEncoded(text: string): void {
    if (!this.open) return;
    try {
      this.socket.send(text);
    } catch {
      // The socket died between the check and the send; its close handler cleans up.
    }
  }

  /** Sends an `error` reply (with the request's `id` when there was one). */
  sendError(code: ErrorCode, message: string, id?: string): void {
    this.send(id === undefined ? { type: 'error', code, message } : { type: 'error', code, message, id });
  }

  /** Closes with a code and a short reason (cut to fit a close frame). */
  close(code: number = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close(code, reason.slice(0, 100));
    } catch {
      this.socket.terminate();
    }
    // A peer that never answers the close handshake must not hold the socket forever.
    const force = setTimeout(() => this.socket.terminate(), 2000);
    this.socket.once('close', () => clearTimeout(force));
  }

  /** Closes with 4000 (protocol error). */
  protocolError(reason: string): void {
    this.close(CloseCode.PROTOCOL_ERROR, reason);
  }

  /** Drops the connection without a close handshake. */
  terminate(): void {
    this.closed = true;
    this.socket.terminate();
  }
}
