/**
 * The composition root of one diagnostic session: the channel server (embedded in its own
 * process, or remote), one connection manager per local UID behind its own fault injector,
 * the trace recorder, and the fault bookkeeping. Electron-free: the CLI, the tests and the
 * desktop app all drive a lab through this class.
 */
import { randomBytes } from 'node:crypto';
import type { ClientFault, LabTiming, LabTimingInput, MediaKind, Scenario } from '../shared';
import { resolveTiming, scaled } from '../shared';
import { LabStalls } from './lab-stalls';
import { Client } from './clients/client';
import { preloadEngines } from './clients/engines';
import type { SyntheticMediaOptions } from './clients/synthetic-media';
import { FaultInjector } from './faults/fault-injector';
import { ServerProcess } from './server/server-process';
import { signToken } from './server/tokens';
import { TraceRecorder } from './trace/recorder';
import type { JournalRotation } from './trace/journal';
import { FaultController, type ActiveFault } from './fault-controller';
import { applyClientFault } from './client-fault';
import { appInfo, environmentInfo } from './environment';
import { openImpostorLogin } from './impostor';
import { DirectPath } from './network-path';
import type { EngineName } from '../shared/model/engines';
import { withoutUserinfo } from '../shared/ipc/server-url';
import type { BrowserHost } from './browser/agent-protocol';
import { LabBrowsers } from './browser/lab-browsers';
import { preloadPlaywright } from './browser/chromium-host';
import { LabTurn, type TurnChoice } from './turn/lab-turn';

/** Which WebRTC implementation a client uses (see src/shared/model/engines.ts). */
export type { EngineName } from '../shared/model/engines';

export type { TurnChoice } from './turn/lab-turn';

/** Where the channel server is. */
export type ServerChoice = { kind: 'embedded' } | { kind: 'remote'; url: string; secret: string | null };

/** Everything a lab needs to start. */
export interface LabOptions {
  timing?: LabTimingInput;
  engine?: EngineName;
  channel?: string;
  server?: ServerChoice;
  /** How many records the trace ring keeps in memory (default 100 000; the journal keeps all). */
  ringCapacity?: number;
  /** Journal file for the trace; none keeps it in memory only. */
  journalPath?: string;
  /** How the journal rotates into segments, and its size cap (see trace/journal.ts). */
  journal?: JournalRotation;
  /** The scenario being run, stored in the trace header. */
  scenario?: Scenario | null;
  /** Put a fault injector in each client's path (default true). */
  injectFaults?: boolean;
  /**
   * Where `browser` participants run (the desktop app passes hidden windows); default a
   * headless Debian Chromium started on the first browser participant. Not owned by the lab
   * when given.
   */
  browserHost?: BrowserHost;
  /**
   * A TURN server for every client: `embedded` starts coturn on loopback behind each client's
   * fault injector; `external` hands its URLs to the clients as given. Default: embedded when
   * the scenario says `turn: true`, none otherwise.
   */
  turn?: TurnChoice;
}

/** How one local participant is set up. */
export interface ParticipantOptions {
  uid: number;
  engine?: EngineName;
  autoSubscribe?: boolean;
  role?: 'host' | 'audience';
  /** Overrides the lab-issued token (e.g. a bad or expired one, to test refusals). */
  token?: string | (() => string);
  /** What a Node engine's synthetic media sends (frame rate, size); the engine's default otherwise. */
  media?: SyntheticMediaOptions;
}

interface Participant {
  client: Client;
  injector: FaultInjector | null;
  role: 'host' | 'audience';
}

/** One diagnostic session. Create with {@link Lab.create}; always {@link Lab.dispose}. */
export class Lab {
  readonly recorder: TraceRecorder;
  readonly faults: FaultController;
  private readonly participants = new Map<number, Participant>();
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private readonly browsers: LabBrowsers;
  private turn: LabTurn | null = null;
  private disposed = false;

  private constructor(
    readonly timing: LabTiming,
    readonly channel: string,
    readonly engine: EngineName,
    private readonly server: ServerProcess | null,
    private readonly serverUrl: URL,
    private readonly secret: string | null,
    private readonly injectFaults: boolean,
    recorder: TraceRecorder,
    givenBrowserHost: BrowserHost | null,
    /** The lab's own stalls (src/lab/lab-stalls.ts). */
    readonly stalls: LabStalls,
  ) {
    this.recorder = recorder;
    this.faults = new FaultController(recorder.sink, timing, (msg) => this.log('error', msg));
    this.browsers = new LabBrowsers(givenBrowserHost, recorder.sink, (uid, ms) =>
      stalls.note('page', uid, ms),
    );
    stalls.attach(recorder.sink);
  }

  /** Starts the server (when embedded) and the recorder. */
  static async create(options: LabOptions = {}): Promise<Lab> {
    const timing = resolveTiming({ ...options.scenario?.config, ...options.timing });
    // Measures the lab process from its first moment, so the start itself is measured too;
    // stalls before the recorder exists count toward the worst but are not recorded. The
    // engines' one-time module loads come first: they say nothing about this machine's load.
    const engines = [
      options.engine ?? 'wrtc',
      ...(options.scenario?.participants.flatMap((p) => p.engine ?? []) ?? []),
    ];
    preloadEngines(engines);
    if (engines.includes('browser') && !options.browserHost) await preloadPlaywright();
    const stalls = new LabStalls(timing);
    try {
      return await Lab.start(options, timing, stalls);
    } catch (err) {
      stalls.stop();
      throw err;
    }
  }

  private static async start(options: LabOptions, timing: LabTiming, stalls: LabStalls): Promise<Lab> {
    const engine = options.engine ?? 'wrtc';
    const channel = options.channel ?? options.scenario?.channel ?? 'faultline';
    const choice = options.server ?? { kind: 'embedded' };
    const turnChoice = options.turn ?? (options.scenario?.turn ? { kind: 'embedded' } : undefined);
    const turn = turnChoice ? await LabTurn.start(turnChoice) : null;
    let server: ServerProcess | null = null;
    let url: URL;
    let secret: string | null;
    if (choice.kind === 'embedded') {
      secret = randomBytes(32).toString('base64url');
      server = await ServerProcess.start({ host: '127.0.0.1', port: 0, secret, timing }).catch(
        async (err: unknown) => {
          await turn?.dispose();
          throw err;
        },
      );
      url = new URL(server.url);
    } else {
      url = new URL(choice.url);
      secret = choice.secret;
    }
    const recorder = new TraceRecorder({
      journalPath: options.journalPath,
      ...(options.ringCapacity ? { ringCapacity: options.ringCapacity } : {}),
      ...(options.journal ? { journal: options.journal } : {}),
      header: {
        startedAt: new Date().toISOString(),
        timeScale: timing.timeScale,
        app: appInfo(),
        env: environmentInfo(engine),
        config: { ...timing, channel, server: choice.kind },
        scenario: options.scenario ?? null,
      },
    });
    const lab = new Lab(
      timing,
      channel,
      engine,
      server,
      url,
      secret,
      options.injectFaults ?? true,
      recorder,
      options.browserHost ?? null,
      stalls,
    );
    lab.turn = turn;
    server?.onEvent((event) => {
      if (event.type === 'stall') stalls.note('server', null, event.ms, event.cpuMs);
      else lab.log(event.level === 'error' ? 'error' : 'info', `server: ${event.message}`);
    });
    // The URL's user info (`ws://user:password@…`) reaches the server, never the trace.
    lab.log('info', `lab started: server ${withoutUserinfo(url.href)} (${choice.kind}), engine ${engine}`);
    if (turn) lab.log('info', turn.describe());
    return lab;
  }

  /** Adds a local client (with its fault injector); it starts DISCONNECTED. */
  async addParticipant(options: ParticipantOptions): Promise<Client> {
    if (this.participants.has(options.uid)) throw new Error(`uid ${options.uid} is already in this lab`);
    let injector: FaultInjector | null = null;
    if (this.injectFaults) {
      injector = new FaultInjector({
        serverHost: this.serverUrl.hostname,
        serverPort: Number(this.serverUrl.port),
        turn: this.turn?.target() ?? undefined,
        log: (level, msg) => this.log(level, `injector: ${msg}`, options.uid),
      });
      await injector.start();
    }
    const role = options.role ?? 'host';
    const engine = options.engine ?? this.engine;
    let runtime;
    let ice;
    try {
      ice = this.turn ? await this.turn.iceFor(injector, engine) : {};
      runtime = engine === 'browser' ? await this.browsers.runtimeFor(options.uid, ice) : undefined;
    } catch (err) {
      await injector?.dispose();
      throw err;
    }
    const client = new Client({
      uid: options.uid,
      channel: this.channel,
      token: options.token ?? (() => this.issueToken(options.uid, role)),
      path: injector ?? new DirectPath(this.serverUrl.href),
      timing: this.timing,
      engine,
      ice,
      runtime,
      media: options.media,
      autoSubscribe: options.autoSubscribe ?? true,
      sink: this.recorder.sink,
    });
    this.participants.set(options.uid, { client, injector, role });
    if (engine !== this.engine && engine !== 'browser')
      this.log('info', `uid ${options.uid} runs on ${engine}`);
    const caveat = this.turn?.warningFor(engine);
    if (caveat) this.log('warn', `uid ${options.uid}: ${caveat}`);
    return client;
  }

  /** The client of a uid; throws a clear error for an unknown one. */
  client(uid: number): Client {
    return this.participant(uid).client;
  }

  /** Uids of the local participants. */
  uids(): number[] {
    return [...this.participants.keys()];
  }

  /** Signs a token for a uid with the lab's secret (empty string when auth is off). */
  issueToken(uid: number, role: 'host' | 'audience' = 'host', ttlMs = this.timing.tokenTtlMs): string {
    if (this.secret === null) return '';
    const exp = Math.floor((Date.now() + scaled(this.timing, ttlMs)) / 1000);
    return signToken(this.secret, { channel: this.channel, uid, role, exp });
  }

  /**
   * Applies a client fault now; returns its id. `fault` is validated where it entered (the IPC
   * contract, a scenario, `parseClientFault`). `forMs` is model time (scaled).
   */
  applyFault(uid: number, fault: ClientFault, forMs?: number, id?: string): string {
    const injector = this.participant(uid).injector;
    if (!injector) throw new Error('this lab runs without fault injectors');
    const faultId = this.faults.reserve(id);
    return this.faults.started(applyClientFault(injector, uid, fault, this.timing, forMs, faultId), faultId);
  }

  /** Clears one fault (recording its end). */
  clearFault(id: string): Promise<boolean> {
    return this.faults.clear(id);
  }

  /** Faults active now. */
  activeFaults(): ActiveFault[] {
    return this.faults.active();
  }

  /** Stops the server gracefully (a fault until it starts again). */
  serverStop(forMs?: number, id?: string): Promise<string> {
    return this.serverOutage('server-stop', (server) => server.stop(), forMs, id);
  }

  /** Kills the server process (SIGKILL): a crash, until it starts again. */
  serverCrash(forMs?: number, id?: string): Promise<string> {
    return this.serverOutage('server-crash', (server) => server.crash(), forMs, id);
  }

  /** Starts a stopped or crashed server again (ending its fault). */
  async serverStart(): Promise<void> {
    const ended = await this.faults.clearTarget(null);
    if (ended.length === 0 && !this.embeddedServer().running) await this.restartServer();
  }

  /** Bans a uid (kick + refuse later joins) or, with `uid` omitted, the whole channel. */
  async serverBan(uid?: number): Promise<void> {
    const server = this.embeddedServer();
    if (uid === undefined) await server.banChannel(this.channel);
    else await server.banUid(this.channel, uid);
    this.log(
      'info',
      uid === undefined ? `server: channel ${this.channel} banned` : `server: uid ${uid} banned`,
    );
  }

  /** While false, the server refuses joins with SERVER_ERROR. */
  async serverSetAccepting(accepting: boolean): Promise<void> {
    await this.embeddedServer().setAcceptingJoins(accepting);
    this.log('info', `server: ${accepting ? 'accepting' : 'refusing'} joins`);
  }

  /** Expires a member's token now (the server kicks it with TOKEN_EXPIRE). */
  async serverExpireToken(uid: number): Promise<void> {
    await this.embeddedServer().expireToken(this.channel, uid);
    this.log('info', `server: token of uid ${uid} expired`);
  }

  /** Gives a client a fresh token (`renew-token`). */
  renewToken(uid: number): Promise<void> {
    return this.client(uid).renewToken(this.issueToken(uid, this.participant(uid).role));
  }

  /** A second login of `uid` from elsewhere; the server kicks the older one. */
  async duplicateLogin(uid: number): Promise<void> {
    const close = await openImpostorLogin(this.serverUrl.href, this.channel, uid, this.issueToken(uid));
    this.cleanups.push(close);
    this.log('info', `second login of uid ${uid}`);
  }

  /** Adds a note to the trace. */
  mark(label: string): void {
    this.recorder.record({ type: 'mark', uid: null, label });
  }

  /** Adds a log line to the trace: the lab's own, or (with `uid`) about one participant. */
  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, uid: number | null = null): void {
    this.recorder.record({ type: 'log', uid, level, msg });
  }

  /** Convenience wrappers used by scenarios and UIs. */
  join(uid: number): Promise<void> {
    return this.client(uid).join();
  }
  leave(uid: number): Promise<void> {
    return this.client(uid).leave();
  }
  publish(uid: number, kinds: MediaKind[]): Promise<void> {
    return this.client(uid).publish(kinds);
  }
  unpublish(uid: number, kinds: MediaKind[]): Promise<void> {
    return this.client(uid).unpublish(kinds);
  }

  /**
   * Where the server is (without the URL's user info) and whether it runs; a remote one is
   * assumed up here (the app's LabService probes it before it reports it up).
   */
  serverInfo(): { kind: 'embedded' | 'remote'; url: string; up: boolean } {
    const url = withoutUserinfo(this.serverUrl.href);
    return this.server
      ? { kind: 'embedded', url, up: this.server.running }
      : { kind: 'remote', url, up: true };
  }

  /** Process ids the lab started (for resource checks and the bench). */
  childPids(): number[] {
    const pids = this.server?.pid === undefined ? [] : [this.server.pid];
    if (this.turn?.pid !== undefined) pids.push(this.turn.pid);
    return [...pids, ...this.browsers.pids()];
  }

  /** Ends every fault, client, injector and the server, then closes the trace. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.stalls.stop();
    await this.faults.dispose();
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
    for (const { client, injector } of this.participants.values()) {
      await client.dispose();
      await injector?.dispose();
    }
    this.participants.clear();
    await this.browsers.dispose();
    await this.server?.dispose();
    await this.turn?.dispose();
    this.log('info', 'lab disposed');
    await this.recorder.close();
  }

  private participant(uid: number): Participant {
    const found = this.participants.get(uid);
    if (!found) throw new Error(`uid ${uid} is not a participant of this lab`);
    return found;
  }

  private embeddedServer(): ServerProcess {
    if (!this.server) throw new Error('server actions need the embedded server (this lab uses a remote one)');
    return this.server;
  }

  /** Records the fault first (the outage starts the moment we act), then stops the server. */
  private async serverOutage(
    kind: 'server-stop' | 'server-crash',
    act: (server: ServerProcess) => Promise<void>,
    forMs: number | undefined,
    id: string | undefined,
  ): Promise<string> {
    const server = this.embeddedServer();
    const faultId = this.faults.started(
      { kind, target: { uid: null }, params: {}, forMs, undo: () => this.restartServer() },
      id,
    );
    await act(server);
    return faultId;
  }

  private async restartServer(): Promise<void> {
    await this.embeddedServer().restart();
    for (const { injector } of this.participants.values())
      injector?.setServerPort(this.embeddedServer().port);
  }
}
