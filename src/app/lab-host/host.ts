/**
 * The lab host: the one service (lab, scenario runs, trace feed, opens, exports, recovery)
 * running in a process of its own, driven over a {@link ParentChannel}. The desktop app starts
 * it with `utilityProcess`, browser mode with `fork`; both parents speak the same protocol
 * (`protocol.ts`) through a `LabHostClient`, so the path the app takes is the one the Node
 * tests take. What only the parent can do — hidden participant windows, native dialogs,
 * starting Node children with the RunAsNode fuse off — the host asks for.
 */
import { useChildLauncher, type ParentChannel } from '../../lab';
import { createDispatcher, createHandlers } from '../ipc/handlers';
import { installProcessGuards } from '../process-guards';
import { LabService } from '../services/lab-service';
import { OpenUploads } from '../services/open-uploads';
import { pickerDialogs, type PathPicker } from '../services/picker-dialogs';
import { PendingCalls } from './pending-calls';
import {
  LabHostOptionsSchema,
  ParentMessageSchema,
  type HostMessage,
  type HostRequestMethod,
  type LabHostOptions,
} from './protocol';
import { RemoteBrowserHost } from './remote-browser';
import { RemoteChildren } from './remote-children';

/** How long the parent may take to answer a dialog (a person is choosing a file). */
const PICK_TIMEOUT_MS: number | null = null;

/** A running lab host; {@link LabHost.disposed} settles once it has stopped everything. */
export interface LabHost {
  /** Resolves once a `dispose` (or the parent's going away) has stopped the lab and every open. */
  readonly disposed: Promise<void>;
  /** Stops the lab and every open, tells the parent `disposed`, then calls `exit` (idempotent). */
  dispose(reason: string): Promise<void>;
}

/**
 * Runs the service behind `channel` until the parent says `dispose` or goes away. Sends `ready`
 * with the app info once it can take invokes. `exit` ends the process once disposed (the real
 * entry passes `process.exit`: a process that held wrtc media must not exit by draining).
 */
export function runLabHost(
  channel: ParentChannel,
  input: LabHostOptions,
  exit?: (code: number) => void,
): LabHost {
  const options = LabHostOptionsSchema.parse(input);
  const send = (message: HostMessage, sent?: () => void): void => channel.send(message, sent);
  const requests = new PendingCalls();
  const ask = (method: HostRequestMethod, args: unknown[], timeoutMs: number | null): Promise<unknown> =>
    requests.call(method, timeoutMs, (id) => send({ type: 'request', id, method, args }));

  const children = new RemoteChildren(send);
  if (options.remoteChildren) useChildLauncher(children.launcher);
  const browser = options.remoteBrowser ? new RemoteBrowserHost(ask) : undefined;
  const service = new LabService({
    mode: options.mode,
    ...(options.app ? { app: options.app } : {}),
    ...(options.journalDir !== undefined ? { journalDir: options.journalDir } : {}),
    ...(options.feedIntervalMs !== undefined ? { feedIntervalMs: options.feedIntervalMs } : {}),
    ...(browser ? { browserHost: browser } : {}),
  });
  const uploads = new OpenUploads({ events: service.events });
  const picker: PathPicker = {
    pickSavePath: async (kind, defaultPath) =>
      (await ask('pick.save', [kind, defaultPath], PICK_TIMEOUT_MS)) as string | null,
    pickOpenPath: async () => (await ask('pick.open', [], PICK_TIMEOUT_MS)) as string | null,
  };
  const dispatch = createDispatcher(
    createHandlers(service, options.remoteDialogs ? pickerDialogs(service, picker) : undefined, uploads),
  );
  service.events.onAny((eventChannel, payload) => send({ type: 'event', channel: eventChannel, payload }));
  const removeGuards = installProcessGuards((message) => {
    process.stderr.write(`${message}\n`);
    service.recordProcessProblem(message);
  });

  let resolveDisposed!: () => void;
  const disposed = new Promise<void>((resolve) => (resolveDisposed = resolve));
  let disposing: Promise<void> | null = null;
  const dispose = (reason: string): Promise<void> =>
    (disposing ??= (async () => {
      await Promise.allSettled([service.dispose(), uploads.dispose()]);
      await browser?.dispose();
      requests.close(reason);
      removeGuards();
      resolveDisposed();
      send({ type: 'disposed' }, () => exit?.(0));
    })());

  channel.onMessage((raw) => {
    const parsed = ParentMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'invoke':
        void dispatch(message.channel, message.payload).then((envelope) =>
          send({ type: 'answer', id: message.id, envelope }),
        );
        return;
      case 'problem':
        service.recordProcessProblem(message.message);
        return;
      case 'dispose':
        void dispose('the lab host is shutting down');
        return;
      case 'reply':
        if (message.ok) requests.resolve(message.id, message.value ?? null);
        else requests.reject(message.id, new Error(message.error ?? 'the parent could not do it'));
        return;
      case 'page-event':
        browser?.deliver(message.page, message.event);
        return;
      case 'page-closed':
        browser?.closed(message.page, message.reason);
        return;
      default:
        children.report(message);
    }
  });
  channel.onDisconnect(() => {
    children.lost();
    void dispose('the parent process is gone');
  });
  send({ type: 'ready', info: service.info() });
  return { disposed, dispose };
}
