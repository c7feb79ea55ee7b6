/**
 * The channel server in its own process (werift's DTLS work blocks its event loop, so it
 * never shares one with the lab or a UI). The parent side: start, graceful stop, a real crash
 * (SIGKILL), restart on the same port, admin commands over IPC, and server events. The
 * child's stdout/stderr become `log` events, never terminal output.
 */
import { createInterface } from 'node:readline';
import { CodedError } from '../../shared/errors';
import type { LabTiming } from '../../shared/model/config';
import { ServerEventHub, type ServerEvent } from './events';
import { childLauncher, type ChildHandle } from '../child';
import type { ChannelLimitsInput } from './limits';
import { resolveServerEntry } from './resolve-entry';
import { ChildMessageSchema, SERVER_OPTIONS_ENV, type ChildOptions, type ParentCommand } from './server-ipc';

/** Options of {@link ServerProcess.start}. */
export interface ServerProcessOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port, kept for restarts). */
  port?: number;
  /** Token secret, or null for auth "none". */
  secret: string | null;
  timing: LabTiming;
  /** Run the SFU (default true); false = signaling only. */
  media?: boolean;
  /** Overrides of the server's input limits (see `ChannelLimits`). */
  limits?: ChannelLimitsInput;
  /** How long to wait for the child to listen (default 20 s). */
  startTimeoutMs?: number;
  /**
   * Log sink for every event (server events, lifecycle, child stdout/stderr), from the first
   * start on — unlike `onEvent`, it also sees why a start failed.
   */
  log?: (level: ServerEvent['level'], message: string) => void;
}

type Command = ParentCommand extends infer C ? (C extends ParentCommand ? Omit<C, 'id'> : never) : never;

const STOP_TIMEOUT_MS = 5000;
const ACK_TIMEOUT_MS = 5000;
/** How long `restart()` retries while the old port is still held (EADDRINUSE). */
const RESTART_RETRY_MS = 3000;

/** A command was sent while the server child is stopped or crashed (start it first). */
export class ServerDownError extends CodedError<'SERVER_DOWN'> {
  override readonly name = 'ServerDownError';
  constructor(readonly command: string) {
    super('SERVER_DOWN', `server is not running (${command})`);
  }
}

/** A channel server child process. */
export class ServerProcess {
  private readonly events = new ServerEventHub();
  private child: ChildHandle | null = null;
  private exited: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private disposed = false;
  private _port: number;
  private _url = '';

  private constructor(private readonly opts: ServerProcessOptions) {
    this._port = opts.port ?? 0;
    const { log } = opts;
    if (log) this.events.on((event) => log(event.level, event.message));
  }

  /** Forks the server and resolves once it listens; rejects with the child's reason otherwise. */
  static async start(opts: ServerProcessOptions): Promise<ServerProcess> {
    const server = new ServerProcess(opts);
    await server.launch(server._port);
    return server;
  }

  /** The port the server listens on (the same across restarts). */
  get port(): number {
    return this._port;
  }

  /** `ws://host:port/v1/channel`. */
  get url(): string {
    return this._url;
  }

  /** The child's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True while the child process is alive. */
  get running(): boolean {
    return this.child !== null;
  }

  /** Graceful stop: `shutdown` (clients get close 4004), then waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    if (child.connected) child.send({ type: 'shutdown', id: this.nextId++ } satisfies ParentCommand);
    else child.terminate();
    const timer = setTimeout(() => child.kill(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** A real crash: SIGKILL, then waits for the exit. Clients see their sockets drop. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    child.kill();
    await exited;
  }

  /** Starts the server again on the same port (retrying briefly while the port is held). */
  async restart(): Promise<void> {
    if (this.disposed) throw new Error('ServerProcess is disposed');
    if (this.child) await this.stop();
    const deadline = Date.now() + RESTART_RETRY_MS;
    for (;;) {
      try {
        await this.launch(this._port);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Kicks a UID (UID_BANNED) and refuses its later joins. Rejects when not running. */
  banUid(channel: string, uid: number): Promise<void> {
    return this.command({ type: 'ban-uid', channel, uid });
  }

  /** Kicks a channel's members (CHANNEL_BANNED) and refuses later joins. */
  banChannel(channel: string): Promise<void> {
    return this.command({ type: 'ban-channel', channel });
  }

  /** Kicks a member with TOKEN_EXPIRE now. */
  expireToken(channel: string, uid: number): Promise<void> {
    return this.command({ type: 'expire-token', channel, uid });
  }

  /** While false, joins are refused with SERVER_ERROR. */
  setAcceptingJoins(accepting: boolean): Promise<void> {
    return this.command({ type: 'accepting', accepting });
  }

  /** Blocks the child's event loop for `ms` (at most 5 s), for tests of its stall monitor. */
  spin(ms: number): Promise<void> {
    return this.command({ type: 'spin', ms });
  }

  /** Server events, plus `log` events for process lifecycle and child output. */
  onEvent(listener: (event: ServerEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** Kills the child if still alive and drops listeners (including `log`); idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const child = this.child;
    if (child) {
      const exited = this.exited;
      child.kill();
      await exited;
    }
    this.events.clear();
  }

  private command(command: Command): Promise<void> {
    const child = this.child;
    if (!child || !child.connected) return Promise.reject(new ServerDownError(command.type));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`server did not acknowledge ${command.type} within ${ACK_TIMEOUT_MS} ms`));
      }, ACK_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ ...command, id } as ParentCommand);
    });
  }

  private launch(port: number): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('ServerProcess is disposed'));
    const { entry, execArgv } = resolveServerEntry();
    const options: ChildOptions = {
      host: this.opts.host ?? '127.0.0.1',
      port,
      secret: this.opts.secret,
      timing: this.opts.timing,
      media: this.opts.media ?? true,
      ...(this.opts.limits ? { limits: this.opts.limits } : {}),
    };
    // `fork` in Node; in the desktop app the main process starts it through `utilityProcess`.
    const child = childLauncher()({
      entry,
      execArgv,
      env: { ...process.env, [SERVER_OPTIONS_ENV]: JSON.stringify(options) },
      serviceName: 'faultline-server',
    });
    this.child = child;
    this.pipeOutput(child);
    let settle: ((error?: Error) => void) | null = null;
    const started = new Promise<void>((resolve, reject) => {
      settle = (error) => {
        settle = null;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
    });
    const timeoutMs = this.opts.startTimeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      settle?.(new Error(`channel server did not start within ${timeoutMs} ms`));
      child.kill();
    }, timeoutMs);

    this.exited = new Promise<void>((resolve) => {
      // Called once the child's stdout/stderr are drained too.
      child.onExit(({ code, signal }) => {
        if (this.child === child) this.child = null;
        for (const [id, pending] of this.pending) {
          clearTimeout(pending.timer);
          pending.reject(new Error('server exited'));
          this.pending.delete(id);
        }
        settle?.(new Error(`channel server exited before listening (code ${code}, signal ${signal})`));
        this.log(
          signal === 'SIGKILL' || code === 0 ? 'info' : 'error',
          `server process exited (code ${code}, signal ${signal})`,
        );
        resolve();
      });
    });
    child.onError((error) => this.log('error', `server process error: ${error.message}`));
    child.onMessage((raw: unknown) => {
      const parsed = ChildMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      switch (message.type) {
        case 'ready':
          this._port = message.port;
          this._url = message.url;
          settle?.();
          return;
        case 'start-failed': {
          const error = Object.assign(new Error(`channel server failed to start: ${message.message}`), {
            code: message.code,
          });
          settle?.(error);
          return;
        }
        case 'ack': {
          const pending = this.pending.get(message.id);
          if (!pending) return;
          this.pending.delete(message.id);
          clearTimeout(pending.timer);
          if (message.ok) pending.resolve();
          else pending.reject(new Error(message.error ?? 'command failed'));
          return;
        }
        case 'event':
          this.events.emit(message.event as ServerEvent);
          return;
      }
    });
    return started.catch(async (error: unknown) => {
      await this.exited;
      throw error;
    });
  }

  private pipeOutput(child: ChildHandle): void {
    for (const [stream, level] of [
      [child.stdout, 'info'],
      [child.stderr, 'warn'],
    ] as const) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => this.log(level, `server output: ${line}`));
    }
  }

  private log(level: ServerEvent['level'], message: string): void {
    this.events.emit({ type: 'log', level, message });
  }
}
