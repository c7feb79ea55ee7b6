/**
 * What happens to each frame a socket sends, before the signaling layer sees it: nothing is
 * read once the socket or the server is closing; a frame over the socket's rate limit closes
 * it with 4005; the rest are parsed ({@link parseFrame}) and either handled or answered as bad
 * input. Every frame is counted as handled or dropped, and input errors go through the
 * {@link InputErrorSampler}.
 */
import type { RawData, WebSocket } from 'ws';
import { CloseCode } from '../../shared/protocol/messages';
import type { ServerEvent } from './events';
import type { InputErrorSampler } from './input-errors';
import type { ChannelLimits } from './limits';
import type { Membership } from './membership';
import { parseFrame, type ClientSession } from './session';
import type { Signaling } from './signaling';
import { TokenBucket } from './token-bucket';

/** Frame counters of a server since it started (they only grow). */
export interface FrameCounts {
  /** Frames that reached the server: messages the WebSocket layer delivered or refused. */
  received: number;
  /** Frames read and acted on: handled, answered with an error, or closing the socket. */
  handled: number;
  /** Frames dropped unread: over the socket's rate limit, or after its session began closing. */
  dropped: number;
}

/** What a {@link FrameIntake} works with. */
export interface FrameIntakeDeps {
  limits: Pick<ChannelLimits, 'frameRate' | 'frameBurst'>;
  inputErrors: InputErrorSampler;
  signaling: Signaling;
  membership: Membership;
  /** True once the server shuts down. */
  closing: () => boolean;
  emit: (event: ServerEvent) => void;
}

/** Reads every session's frames; one per server. */
export class FrameIntake {
  /** The counters; see {@link FrameCounts}. */
  readonly counts: FrameCounts = { received: 0, handled: 0, dropped: 0 };

  constructor(private readonly deps: FrameIntakeDeps) {}

  /** Starts reading a new session's socket. */
  attach(session: ClientSession, socket: WebSocket): void {
    const bucket = new TokenBucket(this.deps.limits.frameRate, this.deps.limits.frameBurst);
    socket.on('message', (data, isBinary) => this.frame(session, bucket, data, isBinary));
    socket.on('error', (error) => {
      // ws refuses oversize and broken frames (close 1009 / 1002 / 1007) here; the socket then closes.
      this.counts.received++;
      this.counts.handled++;
      this.inputError(session, 'PROTOCOL_ERROR', error.message, true);
    });
  }

  private frame(session: ClientSession, bucket: TokenBucket, data: RawData, isBinary: boolean): void {
    this.counts.received++;
    if (!session.open || this.deps.closing()) {
      this.drop(session, 'closing');
      return;
    }
    if (!bucket.take()) {
      this.drop(session, 'rate');
      const { frameRate, frameBurst } = this.deps.limits;
      const reason = `rate limit: more than ${frameBurst} frames at once or ${frameRate} per second`;
      this.inputError(session, 'RATE_LIMITED', reason, true, CloseCode.RATE_LIMITED);
      session.close(CloseCode.RATE_LIMITED, reason);
      return;
    }
    this.counts.handled++;
    const frame = parseFrame(data, isBinary);
    if (frame.kind === 'protocol-error') {
      this.inputError(session, 'PROTOCOL_ERROR', frame.message, true);
      session.protocolError(frame.message);
      return;
    }
    if (frame.kind === 'bad-request') {
      session.sendError('BAD_REQUEST', frame.message, frame.id);
      this.inputError(session, 'BAD_REQUEST', frame.message, false);
      return;
    }
    try {
      this.deps.signaling.handle(session, frame.message);
    } catch (error) {
      session.sendError('SERVER_ERROR', 'internal error', frame.message.id);
      this.deps.emit({
        type: 'log',
        level: 'error',
        message: `handling ${frame.message.type}: ${String(error)}`,
      });
    }
  }

  private drop(session: ClientSession, reason: 'closing' | 'rate'): void {
    this.counts.dropped++;
    this.deps.inputErrors.dropped(session.source, reason);
  }

  private inputError(
    session: ClientSession,
    code: string,
    message: string,
    closed: boolean,
    closeCode: number = CloseCode.PROTOCOL_ERROR,
  ): void {
    const member = this.deps.membership.memberOf(session);
    const who = member ? `${member.channel}/${member.uid}` : session.remote;
    this.deps.inputErrors.report(session.source, code, {
      type: 'protocol-error',
      level: 'warn',
      code,
      closed,
      ...(member ? { channel: member.channel, uid: member.uid } : {}),
      message: `${code} from ${who}: ${message}${closed ? ` (closed ${closeCode})` : ''}`,
    });
  }
}
