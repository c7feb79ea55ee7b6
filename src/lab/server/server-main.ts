/**
 * Child-process entry of the channel server (started by `ServerProcess`: forked in Node, a
 * `utilityProcess` in the desktop app). Reads its options from `FAULTLINE_SERVER_OPTIONS`, runs a
 * {@link ChannelServer}, and talks to the parent over its {@link parentChannel}: `ready` once
 * listening (or `start-failed`), every server event, an `ack` per admin command. Exits when
 * told to shut down or when the parent goes away.
 */
import { STALL_FLOOR_MS } from '../../shared/model/stalls';
import { parentChannel } from '../child/parent-channel';
import { StallMonitor } from '../stall-monitor';
import { ChannelServer } from './channel-server';
import {
  ChildOptionsSchema,
  ParentCommandSchema,
  SERVER_OPTIONS_ENV,
  type ChildMessage,
  type ParentCommand,
} from './server-ipc';

const parent = parentChannel();

function send(message: ChildMessage): void {
  parent?.send(message);
}

function fail(message: string, code?: string): never {
  send({ type: 'start-failed', message, ...(code ? { code } : {}) });
  process.stderr.write(`faultline server: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  if (!parent) fail('server-main must be started by ServerProcess (it needs a message channel)');
  let raw: unknown;
  try {
    raw = JSON.parse(process.env[SERVER_OPTIONS_ENV] ?? '');
  } catch {
    fail(`${SERVER_OPTIONS_ENV} is missing or not JSON`);
  }
  const parsed = ChildOptionsSchema.safeParse(raw);
  if (!parsed.success)
    fail(`bad options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const options = parsed.data;
  const media = options.media ? (await import('./sfu/sfu')).sfuFactory({ host: options.host }) : undefined;
  const server = new ChannelServer({ ...options, media });
  server.onEvent((event) => send({ type: 'event', event }));
  // The parent decides which stalls matter (its threshold follows the timing); it hears them all.
  new StallMonitor(STALL_FLOOR_MS, (ms, cpuMs) =>
    send({
      type: 'event',
      event: {
        type: 'stall',
        level: 'warn',
        message: `event loop stalled ${ms} ms (${cpuMs} ms on CPU)`,
        ms,
        cpuMs,
      },
    }),
  ).start();

  let stopping: Promise<void> | null = null;
  const stop = (code: number): Promise<void> =>
    (stopping ??= server
      .close()
      .catch(() => undefined)
      .then(() => process.exit(code)));

  // werift raises some transport errors asynchronously; one broken peer connection must not
  // take the whole server (and every other member) down. Report them and keep serving.
  process.on('uncaughtException', (error) => reportCrash('uncaught exception', error));
  process.on('unhandledRejection', (error) => reportCrash('unhandled rejection', error));
  parent.onDisconnect(() => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  parent.onMessage((raw: unknown) => {
    const command = ParentCommandSchema.safeParse(raw);
    if (!command.success) return;
    handle(server, command.data, stop);
  });

  try {
    const { port, url } = await server.start();
    send({ type: 'ready', port, url });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    await server.close().catch(() => undefined);
    fail(`cannot listen on ${options.host}:${options.port}: ${err.message}`, err.code);
  }
}

function reportCrash(what: string, error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  send({ type: 'event', event: { type: 'log', level: 'error', message: `${what}: ${text}` } });
}

function handle(server: ChannelServer, command: ParentCommand, stop: (code: number) => Promise<void>): void {
  try {
    switch (command.type) {
      case 'ban-uid':
        server.banUid(command.channel, command.uid);
        break;
      case 'ban-channel':
        server.banChannel(command.channel);
        break;
      case 'expire-token':
        server.expireToken(command.channel, command.uid);
        break;
      case 'accepting':
        server.setAcceptingJoins(command.accepting);
        break;
      case 'spin': {
        const until = performance.now() + command.ms;
        while (performance.now() < until) {
          // busy on purpose: the stall monitor must notice
        }
        break;
      }
      case 'shutdown':
        send({ type: 'ack', id: command.id, ok: true });
        void stop(0);
        return;
    }
    send({ type: 'ack', id: command.id, ok: true });
  } catch (error) {
    send({ type: 'ack', id: command.id, ok: false, error: String(error) });
  }
}

void main().catch((error: unknown) => fail(`server crashed at start: ${String(error)}`));
