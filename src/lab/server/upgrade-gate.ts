/**
 * The channel server's door, before any WebSocket exists: an HTTP upgrade is refused when it
 * asks for another path (400), arrives while the server shuts down (503), comes from a browser
 * origin that is not allowed (403, `ChannelLimits.allowedOrigins`) or from an address that
 * already holds `ChannelLimits.maxSocketsPerAddress` sockets (429). An admitted socket counts
 * against its address until its TCP connection closes, so handshakes under way count too.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROTOCOL_PATH } from '../../shared/protocol/messages';
import type { ChannelLimits } from './limits';

/** Why an upgrade was refused, for the server's event. */
export interface UpgradeRefusal {
  status: 400 | 403 | 429 | 503;
  /** `BAD_PATH`, `SHUTTING_DOWN`, `ORIGIN_NOT_ALLOWED` or `TOO_MANY_SOCKETS`. */
  code: string;
  /** The remote address (without port). */
  address: string;
  /** The text sent in the response body. */
  message: string;
}

const STATUS_TEXT: Record<UpgradeRefusal['status'], string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** The remote address of a request, IPv4-mapped IPv6 written as plain IPv4. */
export function remoteAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '?';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

/** Admits or refuses upgrades and counts open sockets per address; one per server. */
export class UpgradeGate {
  private readonly perAddress = new Map<string, number>();

  /**
   * @param limits the origin allow-list and the per-address cap
   * @param closing true once the server shuts down
   */
  constructor(
    private readonly limits: Pick<ChannelLimits, 'allowedOrigins' | 'maxSocketsPerAddress'>,
    private readonly closing: () => boolean,
  ) {}

  /** Addresses with at least one open socket (0 once every socket closed). */
  get addresses(): number {
    return this.perAddress.size;
  }

  /**
   * Decides on one upgrade. Refused: answers with the HTTP status, ends the socket and returns
   * the refusal. Admitted: counts the socket against its address and returns null.
   */
  admit(request: IncomingMessage, socket: Duplex): UpgradeRefusal | null {
    const refusal = this.check(request);
    if (refusal) {
      refuse(socket, refusal);
      return refusal;
    }
    const address = remoteAddress(request);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    socket.once('close', () => {
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    return null;
  }

  private check(request: IncomingMessage): UpgradeRefusal | null {
    const address = remoteAddress(request);
    const path = (request.url ?? '').split('?')[0];
    if (path !== PROTOCOL_PATH)
      return { status: 400, code: 'BAD_PATH', address, message: `WebSocket only at ${PROTOCOL_PATH}` };
    if (this.closing())
      return { status: 503, code: 'SHUTTING_DOWN', address, message: 'server shutting down' };
    const origin = request.headers.origin;
    const allowed = this.limits.allowedOrigins;
    if (origin !== undefined && allowed !== null && !allowed.includes(origin.toLowerCase())) {
      return {
        status: 403,
        code: 'ORIGIN_NOT_ALLOWED',
        address,
        message: `origin ${JSON.stringify(origin.slice(0, 200))} is not allowed`,
      };
    }
    const open = this.perAddress.get(address) ?? 0;
    if (open >= this.limits.maxSocketsPerAddress) {
      return {
        status: 429,
        code: 'TOO_MANY_SOCKETS',
        address,
        message: `too many sockets from ${address} (limit ${this.limits.maxSocketsPerAddress})`,
      };
    }
    return null;
  }
}

function refuse(socket: Duplex, refusal: UpgradeRefusal): void {
  const body = `${refusal.message}\n`;
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status]}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ].join('\r\n');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.once('error', () => socket.destroy());
  socket.end(`${head}\r\n\r\n${body}`);
}
