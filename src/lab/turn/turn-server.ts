/**
 * A real TURN server for one lab: Debian's `coturn` (`turnserver`) started as a child process on
 * loopback with its own temporary directory (configuration, log, pid file, user db), long-term
 * credentials made up per run, UDP and TCP listeners on one free port, and relay endpoints drawn
 * from a small port range below the kernel's ephemeral range, so that a datagram from a relay
 * endpoint can be told apart from one of a client's own sockets ({@link TurnServer.isRelaySource}).
 *
 * The credential is in a configuration file of mode 0600 in the 0700 temp dir (`-c`), never on
 * coturn's command line, which every user of the machine can read. coturn runs under a watchdog
 * that stops it and removes the directory when this process ends, even by SIGKILL
 * ({@link spawnWatched}); each start also removes the temp dirs of processes that are gone
 * ({@link sweepStaleTurnDirs}). `dispose()` stops coturn (SIGTERM, SIGKILL after 3 s) and
 * removes the directory.
 */
import { type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import dgram from 'node:dgram';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { makeTurnDir, sweepStaleTurnDirs, writeTurnConfig } from './turn-dir';
import { spawnWatched } from './turn-watchdog';
import { CodedError } from '../../shared/errors';

/** Thrown when `turnserver` is not installed. */
export class TurnServerMissingError extends CodedError<'TURN_SERVER_MISSING'> {
  override readonly name = 'TurnServerMissingError';
  constructor() {
    super(
      'TURN_SERVER_MISSING',
      'turnserver (coturn) was not found on PATH: install coturn (e.g. `apt-get install coturn`)',
    );
  }
}

/** Thrown when coturn exits or does not listen in time; `logTail` is the end of its log. */
export class TurnServerStartError extends CodedError<'TURN_SERVER_START_FAILED'> {
  override readonly name = 'TurnServerStartError';
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super('TURN_SERVER_START_FAILED', logTail ? `${message}; coturn log ends with: ${logTail}` : message);
  }
}

/** One ICE server entry (W3C RTCIceServer). */
export interface TurnIceServer {
  urls: string[];
  username: string;
  credential: string;
}

/** Options of {@link TurnServer.start}. */
export interface TurnServerOptions {
  /** The binary (default: `turnserver` found on PATH, /usr/bin or /usr/sbin). */
  binary?: string;
  /** Directories searched for `turnserver` when `binary` is not given (default PATH and the usual ones). */
  searchPath?: string[];
  /** How long to wait for the listeners (default 10 s). */
  startTimeoutMs?: number;
  /** Number of relay ports (default 200). */
  relayPortCount?: number;
  /** Where the run's temp dir goes and stale ones are swept (default the OS temp dir). */
  tempRoot?: string;
}

/** Where `turnserver` is, or null. */
export function findTurnserver(
  dirs: string[] = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'],
): string | null {
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, 'turnserver');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** See the module comment. */
export class TurnServer {
  /** The realm of the long-term credentials. */
  static readonly REALM = 'faultline';
  readonly host = '127.0.0.1';
  private exited: Promise<void>;
  private disposed = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly coturnPid: number | undefined,
    readonly port: number,
    readonly username: string,
    readonly credential: string,
    readonly relayPorts: { min: number; max: number },
    readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  /**
   * Starts coturn and waits until both listeners answer: its TCP listener accepts a connection
   * and its UDP listener answers a STUN Binding request. coturn opens the UDP one 8–11 ms after
   * the TCP one (measured here); a TURN/UDP allocation sent in between would be refused.
   */
  static async start(options: TurnServerOptions = {}): Promise<TurnServer> {
    const binary = options.binary ?? findTurnserver(options.searchPath);
    if (!binary) throw new TurnServerMissingError();
    const port = await freeUdpTcpPort();
    const count = options.relayPortCount ?? 200;
    // Below Linux's ephemeral range (32768-60999): client sockets never come from here.
    const min = randomInt(20_000, 30_000 - count);
    const relayPorts = { min, max: min + count - 1 };
    const username = `u${randomBytes(6).toString('hex')}`;
    const credential = randomBytes(18).toString('base64url');
    const root = options.tempRoot ?? tmpdir();
    sweepStaleTurnDirs(root);
    const dir = makeTurnDir(root);
    const config = writeTurnConfig(dir, {
      'listening-ip': '127.0.0.1',
      'relay-ip': '127.0.0.1',
      'listening-port': port,
      'min-port': relayPorts.min,
      'max-port': relayPorts.max,
      'lt-cred-mech': true,
      user: `${username}:${credential}`,
      realm: TurnServer.REALM,
      'no-tls': true,
      'no-dtls': true,
      'no-cli': true,
      'allow-loopback-peers': true,
      'no-software-attribute': true,
      userdb: join(dir, 'turndb'),
      'log-file': join(dir, 'turn.log'),
      'simple-log': true,
      'no-stdout-log': true,
      pidfile: join(dir, 'turnserver.pid'),
    });
    const { watchdog: child, pid } = spawnWatched(binary, ['-c', config], dir);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const server = new TurnServer(child, await pid, port, username, credential, relayPorts, dir);
    const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
    for (;;) {
      const failure = await Promise.race([
        spawnError,
        server.exited.then(() => new Error(`coturn exited with ${child.exitCode ?? child.signalCode}`)),
        listening(server.host, port).then((ok) => (ok ? null : undefined)),
      ]);
      if (failure === null) return server;
      if (failure instanceof Error || Date.now() > deadline) {
        const tail = `${server.logTail()} ${stderr}`.trim();
        await server.dispose();
        throw new TurnServerStartError(
          failure instanceof Error ? failure.message : 'coturn did not listen in time',
          tail,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The coturn process id (not its watchdog's). */
  get pid(): number | undefined {
    return this.coturnPid;
  }

  /** Whether the process still runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Path of coturn's log file (inside the temp dir, removed on dispose). */
  get logPath(): string {
    return join(this.dir, 'turn.log');
  }

  /**
   * ICE servers reaching this TURN server at the given addresses (default: directly), over UDP
   * and over TCP.
   */
  iceServer(
    udp: { host: string; port: number } = this,
    tcp: { host: string; port: number } = this,
  ): TurnIceServer {
    return {
      urls: [`turn:${udp.host}:${udp.port}?transport=udp`, `turn:${tcp.host}:${tcp.port}?transport=tcp`],
      username: this.username,
      credential: this.credential,
    };
  }

  /** True for a datagram source that is one of this server's relay endpoints. */
  isRelaySource(address: string, port: number): boolean {
    return address === this.host && port >= this.relayPorts.min && port <= this.relayPorts.max;
  }

  /** The last lines of coturn's log (for errors). */
  logTail(lines = 5): string {
    try {
      return readFileSync(this.logPath, 'utf8').trim().split('\n').slice(-lines).join(' | ');
    } catch {
      return '';
    }
  }

  /**
   * Closes the watchdog's stdin, as this process's exit would: coturn gets SIGTERM, SIGKILL
   * after 3 s. Should the watchdog not be done 5 s later, both get SIGKILL from here. Then the
   * temp dir goes. Idempotent.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.running) {
      this.child.stdin?.end();
      const timer = setTimeout(() => {
        if (this.coturnPid) killQuietly(this.coturnPid);
        this.child.kill('SIGKILL');
      }, 5000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** True when coturn answers on both transports (see {@link TurnServer.start}). */
async function listening(host: string, port: number): Promise<boolean> {
  return (await tcpReachable(host, port)) && (await stunAnswers(host, port));
}

/** STUN (RFC 8489) magic cookie. */
const STUN_MAGIC_COOKIE = 0x2112a442;

/**
 * True when a STUN Binding request to `host:port` over UDP gets a response carrying its
 * transaction id within `timeoutMs`.
 */
export function stunAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
    request.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
    const transaction = randomBytes(12);
    transaction.copy(request, 8);
    let finished = false;
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('message', (msg) => {
      // A response (class bit C1: success or error) to our transaction.
      if (msg.length >= 20 && (msg.readUInt16BE(0) & 0x0100) !== 0 && msg.subarray(8, 20).equals(transaction))
        done(true);
    });
    // ICMP port unreachable surfaces as an error on a later send/receive: not listening yet.
    socket.on('error', () => done(false));
    socket.send(request, port, host);
  });
}

function tcpReachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A port free for both TCP and UDP on 127.0.0.1 (coturn listens on both). */
async function freeUdpTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = net.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
    const udp = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((r) => {
      try {
        udp.close(() => r());
      } catch {
        r(); // never bound
      }
    });
    await new Promise<void>((r) => server.close(() => r()));
    if (ok) return port;
  }
  throw new Error('no port free for both TCP and UDP on 127.0.0.1');
}
