/**
 * Dispatch of parsed client messages: `ping` and `join` work on any socket, everything else
 * needs a joined socket (NOT_JOINED otherwise, socket kept). Channel rules live in
 * {@link Membership}, media in the {@link MediaPlane}; this file only routes and answers.
 */
import type { ClientMessage } from '../../shared/protocol/messages';
import type { ServerEventHub } from './events';
import type { InputErrorSampler } from './input-errors';
import type { MediaPlane } from './media-plane';
import type { Membership } from './membership';
import type { ClientSession } from './session';

/** Routes each client message to the rule or media handler it belongs to. */
export class Signaling {
  constructor(
    private readonly membership: Membership,
    private readonly media: MediaPlane,
    private readonly events: ServerEventHub,
    private readonly inputErrors: InputErrorSampler,
  ) {}

  /** Handles one parsed message from a socket. Never throws. */
  handle(session: ClientSession, message: ClientMessage): void {
    if (message.type === 'ping') {
      this.membership.memberOf(session)?.touch();
      session.send({ type: 'pong', ts: message.ts, serverTs: Date.now(), ...idOf(message) });
      return;
    }
    if (message.type === 'join') {
      this.membership.join(session, message);
      return;
    }
    const member = this.membership.memberOf(session);
    if (!member) {
      session.sendError('NOT_JOINED', `${message.type} needs a joined socket; send join first`, message.id);
      this.inputErrors.report(session.source, 'NOT_JOINED', {
        type: 'protocol-error',
        level: 'info',
        code: 'NOT_JOINED',
        closed: false,
        message: `${message.type} before join from ${session.remote}`,
      });
      return;
    }
    member.touch();
    switch (message.type) {
      case 'leave':
        this.membership.leave(member);
        return;
      case 'publish':
        this.membership.publish(member, message.kinds, message.id);
        return;
      case 'unpublish':
        this.membership.unpublish(member, message.kinds);
        return;
      case 'subscribe': {
        const peer = this.membership.peer(member, message.peer);
        if (!peer) {
          session.sendError(
            'BAD_REQUEST',
            `uid ${message.peer} is not a host in ${member.channel}`,
            message.id,
          );
          return;
        }
        for (const kind of message.kinds) this.media.subscribe(member, peer, kind);
        return;
      }
      case 'unsubscribe':
        for (const kind of message.kinds) this.media.unsubscribe(member, message.peer, kind);
        return;
      case 'sdp':
        this.media.handleSdp(member, message.pc, message.description).then(
          (error) => {
            if (error) session.sendError('BAD_REQUEST', error, message.id);
          },
          (error: unknown) => {
            // werift throws on SDP it cannot apply: the client's input, not a server fault.
            session.sendError('BAD_REQUEST', `sdp rejected: ${String(error)}`, message.id);
            this.events.emit({
              type: 'protocol-error',
              code: 'BAD_REQUEST',
              closed: false,
              channel: member.channel,
              uid: member.uid,
              level: 'warn',
              message: `${member.channel}/${member.uid} ${message.pc} sdp rejected: ${String(error)}`,
            });
          },
        );
        return;
      case 'candidate':
        this.media.handleCandidate(member, message.pc, message.candidate);
        return;
      case 'renew-token':
        this.membership.renewToken(member, message.token, message.id);
        return;
    }
  }
}

function idOf(message: ClientMessage): { id?: string } {
  return message.id === undefined ? {} : { id: message.id };
}
