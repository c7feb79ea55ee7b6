/**
 * The one table from invoke channel to service method, and the transport-neutral dispatcher
 * both transports call: it checks the channel is in the contract, parses the request with the
 * channel's zod schema, runs the handler and answers with the envelope. It never throws.
 */
import {
  IpcError,
  isInvokeChannel,
  invokeContract,
  type InvokeChannel,
  type InvokeParsed,
  type InvokeResponse,
  type IpcErrorShape,
} from '../../shared/ipc/contract';
import { serviceError } from '../services/errors';
import type { LabService } from '../services/lab-service';
import { OpenUploads } from '../services/open-uploads';
import { exportBundleBase64, type ExportOptions, type OpenControl } from '../services/trace-files';

/** What a transport sends back for one invoke. */
export type Envelope = { ok: true; value: unknown } | { ok: false; error: IpcErrorShape };

/** One handler per invoke channel, taking the parsed request. */
export type Handlers = {
  [C in InvokeChannel]: (request: InvokeParsed<C>) => InvokeResponse<C> | Promise<InvokeResponse<C>>;
};

/** Native file dialogs for traces; only the desktop shell has them. */
export interface TraceDialogs {
  /** Asks where to save and writes a bundle or the trace; `path` null when cancelled. */
  exportTrace(options: ExportOptions): Promise<{ path: string | null; bytes: number }>;
  /**
   * Asks for any support file and sends it as `trace:opened`; false when the dialog was
   * dismissed. `control` (signal, progress) is passed on to the open: an aborted signal rejects
   * with ABORTED and sends nothing.
   */
  openTrace(control?: OpenControl): Promise<boolean>;
}

const noDialogs = (): never => {
  throw serviceError(
    'NOT_SUPPORTED',
    'Native file dialogs exist only in the desktop app: download or upload the trace in the page instead.',
  );
};

/** The export options of a `trace:export` request (the deprecated `gzip` picks a bare trace). */
export function exportOptions(r: InvokeParsed<'trace:export'>): ExportOptions {
  const format = r.gzip === undefined ? r.format : r.gzip ? 'ndjson.gz' : 'ndjson';
  return {
    format,
    redact: r.redact,
    pseudonymizeIds: r.pseudonymizeIds,
    ...(r.charts === undefined ? {} : { charts: r.charts }),
  };
}

/**
 * Maps every invoke channel to the service (and to the dialogs, when the shell has them).
 * `uploads` runs opens with progress and cancel — uploads, and the dialog's open when
 * `trace:open` names a `requestId` (one is made over the service's events when not given; its
 * temp files go when each open ends, is cancelled or sits idle; the caller who passes one
 * disposes it at shutdown).
 */
export function createHandlers(
  service: LabService,
  dialogs?: TraceDialogs,
  uploads: OpenUploads = new OpenUploads({ events: service.events }),
): Handlers {
  return {
    'app:get-info': () => service.info(),
    'lab:start': (r) => service.start(r),
    'lab:stop': () => service.stop(),
    'lab:get-status': () => service.status(),
    'participant:add': (r) => service.addParticipant(r),
    'client:join': (r) => service.join(r),
    'client:leave': (r) => service.leave(r),
    'client:publish': (r) => service.publish(r),
    'client:unpublish': (r) => service.unpublish(r),
    'fault:apply': (r) => service.applyFault(r),
    'fault:clear': (r) => service.clearFault(r),
    'server:run-action': (r) => service.serverAction(r),
    'scenario:list': () => service.listScenarios(),
    'scenario:run': (r) => service.runScenario(r),
    'scenario:cancel': () => service.cancel(),
    'trace:get-snapshot': (request) => service.snapshot(request),
    'trace:add-mark': (r) => service.addMark(r),
    'trace:export': (r) => (dialogs ? dialogs.exportTrace(exportOptions(r)) : noDialogs()),
    'trace:open': async (r) => {
      if (!dialogs) return noDialogs();
      const opened =
        r.requestId === undefined
          ? await dialogs.openTrace()
          : await uploads.run(r.requestId, (control) => dialogs.openTrace(control));
      return { opened };
    },
    'trace:export-bundle': (r) => exportBundleBase64(service, r),
    'trace:open-bytes': (r) => uploads.openBytes(r),
    'trace:open-chunk': (r) => uploads.chunk(r),
    'trace:open-upload': (r) => uploads.openUpload(r),
    'trace:open-cancel': (r) => uploads.cancel(r.requestId),
    'recovery:list': () => service.listRecoverable(),
    'recovery:open': (r) => service.openRecovered(r),
    'recovery:discard': (r) => service.discardRecovered(r),
  };
}

/** Calls a channel's handler with a payload not yet trusted; resolves with the envelope. */
export type Dispatch = (channel: unknown, payload: unknown) => Promise<Envelope>;

/** The dispatcher over a handler table: channel check, zod parse, call, envelope. */
export function createDispatcher(handlers: Handlers): Dispatch {
  return async (channel, payload) => {
    try {
      if (!isInvokeChannel(channel))
        throw serviceError('BAD_REQUEST', `"${String(channel).slice(0, 64)}" is not a channel of this app.`);
      const request = invokeContract[channel].request.parse(payload ?? {});
      const handler = handlers[channel] as (request: unknown) => unknown;
      return { ok: true, value: await handler(request) };
    } catch (error) {
      return { ok: false, error: IpcError.serialize(error) };
    }
  };
}
