/**
 * The parent's handle on a lab host: starts it (through the parent's launcher: `fork` in Node,
 * `utilityProcess` in the desktop app), forwards the page's invokes to it and its events to the
 * page, serves its requests (see `parent-services.ts`), and stops it within a bound. It offers
 * what the transports need from a service — `dispatch`, `events`, `info()` — so browser mode
 * and the Electron IPC adapter drive it as they drove an in-process service.
 */
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEventChannel, isInvokeChannel, type InvokeResponse } from '../../shared/ipc/contract';
import {
  resolveChildEntry,
  type BrowserHost,
  type ChildEntry,
  type ChildExit,
  type ChildHandle,
  type ChildLauncher,
} from '../../lab';
import type { Dispatch, Envelope } from '../ipc/handlers';
import { ServiceEvents } from '../services/events';
import type { PathPicker } from '../services/picker-dialogs';
import { PendingCalls } from './pending-calls';
import { HostChildren, HostRequests } from './parent-services';
import { HostMessageSchema, LAB_HOST_OPTIONS_ENV, type LabHostOptions, type ParentMessage } from './protocol';

/** Options of {@link LabHostClient.start}. */
export interface LabHostClientOptions {
  /** How this parent starts the host process. */
  launcher: ChildLauncher;
  /** The host's own options (mode, journals, what it asks the parent for). */
  host: LabHostOptions;
  /** Where the host's entry script is (default: next to this bundle, or the source). */
  entry?: ChildEntry;
  /** The parent's browser host, when `host.remoteBrowser` (the desktop app's hidden windows). */
  browserHost?: BrowserHost;
  /** The parent's dialogs, when `host.remoteDialogs`. */
  picker?: PathPicker;
  /** How the parent starts the host's children, when `host.remoteChildren`. */
  childLauncher?: ChildLauncher;
  /** Where the host's output lines go (default: this process's stderr, prefixed). */
  log?: (line: string) => void;
  /** How long the host may take to be ready (default 60 s: a cold start loads wrtc and werift). */
  startTimeoutMs?: number;
}

/** How a host stopped: whether it said `disposed` in time, and how its process ended. */
export interface LabHostStop {
  clean: boolean;
  exit: ChildExit;
}

type AppInfo = InvokeResponse<'app:get-info'>;

/** The entry of the lab host: `lab-host.js` beside the built bundle, else `host-main.ts`. */
export function resolveLabHostEntry(bundleDir?: string): ChildEntry {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolveChildEntry('lab-host', bundleDir ?? here, join(here, 'host-main.ts'));
}

/** A started lab host. Always {@link LabHostClient.dispose}. */
export class LabHostClient {
  /** The host's events, for the transports to forward. */
  readonly events = new ServiceEvents();
  private readonly invokes = new PendingCalls<Envelope>();
  private readonly requests: HostRequests;
  private readonly children: HostChildren;
  private appInfo: AppInfo | null = null;
  private exit: ChildExit | null = null;
  private readonly exited: Promise<ChildExit>;
  private disposedSeen = false;
  private disposing: Promise<LabHostStop> | null = null;

  private constructor(
    private readonly child: ChildHandle,
    options: LabHostClientOptions,
    private readonly ready: (error: Error | null) => void,
  ) {
    const send = (message: ParentMessage): void => child.send(message);
    this.requests = new HostRequests(send, options.browserHost, options.picker);
    this.children = new HostChildren(send, options.childLauncher);
    const log = options.log ?? ((line: string) => process.stderr.write(`lab host: ${line}\n`));
    for (const input of [child.stdout, child.stderr]) if (input) createInterface({ input }).on('line', log);
    child.onMessage((raw) => this.receive(raw));
    child.onError((error) => log(`error: ${error.message}`));
    this.exited = new Promise((resolve) =>
      child.onExit((exit) => {
        this.exit = exit;
        this.invokes.close(`the lab host exited (code ${exit.code}, signal ${exit.signal})`);
        this.children.killAll();
        void this.requests.closePages();
        this.ready(
          new Error(`the lab host exited before it was ready (code ${exit.code}, signal ${exit.signal})`),
        );
        resolve(exit);
      }),
    );
  }

  /** Starts a host and resolves once it is ready for invokes; rejects with why it is not. */
  static async start(options: LabHostClientOptions): Promise<LabHostClient> {
    const entry = options.entry ?? resolveLabHostEntry();
    const child = options.launcher({
      entry: entry.entry,
      execArgv: entry.execArgv,
      env: { ...process.env, [LAB_HOST_OPTIONS_ENV]: JSON.stringify(options.host) },
      serviceName: 'faultline-lab',
    });
    let settle!: (error: Error | null) => void;
    const ready = new Promise<void>((resolve, reject) => {
      let settled = false;
      settle = (error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
    });
    const client = new LabHostClient(child, options, (error) => settle(error));
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(
      () => settle(new Error(`the lab host was not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await ready;
      return client;
    } catch (error) {
      child.kill();
      await client.exited;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The host's `app:get-info` answer (the transports ask for it without a round trip). */
  info(): AppInfo {
    if (!this.appInfo) throw new Error('the lab host is not ready');
    return this.appInfo;
  }

  /** The host process's pid while it runs. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Pids of the children the parent started for the host (utilityProcess in the app). */
  childPids(): number[] {
    return this.children.pids();
  }

  /** Resolves when the host process has exited, however it ended. */
  whenExited(): Promise<ChildExit> {
    return this.exited;
  }

  /** Forwards one invoke; resolves with the host's envelope (an error one once it is gone). */
  readonly dispatch: Dispatch = async (channel, payload) => {
    if (!isInvokeChannel(channel))
      return {
        ok: false,
        error: {
          name: 'IpcError',
          code: 'BAD_REQUEST',
          message: `"${String(channel).slice(0, 64)}" is not a channel of this app.`,
        },
      };
    if (this.exit || this.disposing) return gone('The lab is shutting down; the app is quitting.');
    try {
      return await this.invokes.call(String(channel), null, (id) =>
        this.child.send({ type: 'invoke', id, channel, payload }),
      );
    } catch (error) {
      return gone((error as Error).message);
    }
  };

  /** Hands a problem the parent's guards caught to the host's trace. */
  recordProcessProblem(message: string): void {
    this.child.send({ type: 'problem', message: message.slice(0, 64 * 1024) });
  }

  /**
   * Stops the host: `dispose` (the lab ends its trace, children and opens go), then waits for
   * the process to exit; after `timeoutMs` it is killed. Idempotent.
   */
  dispose(timeoutMs = 10_000): Promise<LabHostStop> {
    return (this.disposing ??= (async () => {
      if (!this.exit) this.child.send({ type: 'dispose' });
      const timer = setTimeout(() => this.child.kill(), timeoutMs);
      const exit = await this.exited;
      clearTimeout(timer);
      this.events.clear();
      return { clean: this.disposedSeen && exit.signal === null && exit.code === 0, exit };
    })());
  }

  private receive(raw: unknown): void {
    const parsed = HostMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        this.appInfo = message.info as AppInfo;
        this.ready(null);
        return;
      case 'start-failed':
        this.ready(new Error(`the lab host could not start: ${message.message}`));
        return;
      case 'answer':
        this.invokes.resolve(message.id, message.envelope as Envelope);
        return;
      case 'event':
        if (isEventChannel(message.channel)) this.events.emit(message.channel, message.payload as never);
        return;
      case 'disposed':
        this.disposedSeen = true;
        return;
      case 'request':
        this.requests.handle(message);
        return;
      default:
        this.children.handle(message);
    }
  }
}

function gone(message: string): Envelope {
  return { ok: false, error: { name: 'IpcError', code: 'LAB_HOST_GONE', message } };
}
