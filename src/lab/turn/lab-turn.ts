/**
 * A lab's TURN configuration: the embedded coturn ({@link TurnServer}) reached through each
 * client's fault injector, or an external TURN server whose URLs go to the clients unchanged.
 * It hands every client its ICE servers; credentials stay here (never in a record).
 */
import type { IceConfig } from '../clients/engines';
import type { EngineName } from '../../shared/model/engines';
import type { FaultInjector, TurnTarget } from '../faults/fault-injector';
import { TurnServer } from './turn-server';
import { CodedError } from '../../shared/errors';

/** Which TURN server a lab gives its clients. */
export type TurnChoice =
  { kind: 'embedded' } | { kind: 'external'; urls: string[]; username: string; credential: string };

/** Thrown for an external TURN configuration that cannot work. */
export class TurnConfigError extends CodedError<'INVALID_TURN_CONFIG'> {
  override readonly name = 'TurnConfigError';
  constructor(message: string) {
    super('INVALID_TURN_CONFIG', `TURN configuration: ${message}`);
  }
}

const TURN_URL = /^turns?:[^\s?]+(\?transport=(udp|tcp))?$/i;

/** See the module comment. Create with {@link LabTurn.start}; always `dispose()`. */
export class LabTurn {
  private constructor(
    private readonly server: TurnServer | null,
    private readonly external: Extract<TurnChoice, { kind: 'external' }> | null,
  ) {}

  /** Starts coturn (embedded) or checks the external configuration. */
  static async start(choice: TurnChoice): Promise<LabTurn> {
    if (choice.kind === 'embedded') return new LabTurn(await TurnServer.start(), null);
    if (choice.kind !== 'external') {
      throw new TurnConfigError(`kind must be 'embedded' or 'external', got ${JSON.stringify(choice)}`);
    }
    const { urls, username, credential } = choice;
    if (!Array.isArray(urls) || urls.length === 0) throw new TurnConfigError('urls must be a non-empty list');
    for (const url of urls) {
      if (typeof url !== 'string' || !TURN_URL.test(url)) {
        throw new TurnConfigError(`"${String(url)}" is not a turn: or turns: URL`);
      }
    }
    if (typeof username !== 'string' || typeof credential !== 'string') {
      throw new TurnConfigError('username and credential must be strings');
    }
    return new LabTurn(null, { kind: 'external', urls: [...urls], username, credential });
  }

  /** The TURN server a fault injector should sit in front of (embedded only). */
  target(): TurnTarget | null {
    const s = this.server;
    if (!s) return null;
    return { host: s.host, port: s.port, isRelaySource: (address, port) => s.isRelaySource(address, port) };
  }

  /**
   * The ICE configuration of one client: the embedded server through the client's injector
   * (directly without one), or the external URLs as given.
   */
  async iceFor(injector: FaultInjector | null, _engine: EngineName): Promise<IceConfig> {
    if (this.external) {
      const { urls, username, credential } = this.external;
      return { iceServers: [{ urls, username, credential }] };
    }
    const server = this.server!;
    const endpoints = injector ? await injector.turnEndpoints() : null;
    return { iceServers: [server.iceServer(endpoints?.udp, endpoints?.tcp)] };
  }

  /** A caveat to record when a client on `engine` joins a lab with TURN, or null. */
  warningFor(engine: EngineName): string | null {
    return engine === 'werift'
      ? 'werift uses only the first TURN URL (UDP) and does not move an established call to a relay pair when the direct path fails; the TURN fallback scenarios need wrtc'
      : null;
  }

  /** One line for the trace (no credentials). */
  describe(): string {
    if (this.server) {
      return `TURN: coturn on ${this.server.host}:${this.server.port} (udp+tcp), behind each client's injector`;
    }
    return `TURN: external server (${this.external!.urls.length} URL(s))`;
  }

  /** The coturn process id (embedded only). */
  get pid(): number | undefined {
    return this.server?.pid;
  }

  /** Stops the embedded coturn. Idempotent. */
  async dispose(): Promise<void> {
    await this.server?.dispose();
  }
}
