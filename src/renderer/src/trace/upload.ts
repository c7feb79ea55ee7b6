/**
 * Opening a picked or dropped file in the main process, with progress and cancel: the page
 * reads the File slice by slice (a small file goes whole as `trace:open-bytes`, a large one in
 * `trace:open-chunk` pieces), main parses it and reports `trace:open-progress`; aborting the
 * signal sends `trace:open-cancel` and rejects with an ABORTED {@link IpcError}. The one
 * parser is main's: bundles, traces and browser dumps all open the same way. The desktop's
 * Open dialog ({@link openNativeInMain}) gets the same progress and cancel.
 */
import {
  IpcError,
  MAX_TRANSFER_BYTES,
  MAX_UPLOAD_BYTES,
  UPLOAD_CHUNK_BYTES,
  type EventPayload,
  type FaultlineApi,
} from '../../../shared/ipc';
import { bytesToBase64 } from './base64';

/** An opened file as main answers it. */
export type OpenedFile = EventPayload<'trace:opened'>;
/** What the progress bar shows. */
export type UploadProgress = Pick<EventPayload<'trace:open-progress'>, 'phase' | 'fraction'>;

/** Options of {@link openInMain}. */
export interface OpenInMainOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /** Bytes per piece (default UPLOAD_CHUNK_BYTES); files up to one piece go whole. */
  chunkBytes?: number;
  /** Largest file (default MAX_UPLOAD_BYTES). */
  maxBytes?: number;
}

let counter = 0;
/** A request id unique within this page. */
function newRequestId(): string {
  counter += 1;
  return `open-${Date.now().toString(36)}-${counter}`;
}

/** The ABORTED error a cancelled open rejects with. */
export function abortedError(name: string): IpcError {
  return new IpcError(`Opening ${name} was cancelled`, 'ABORTED', 'SupportOpenError');
}

/** A File (or Blob with a name) as bytes of one slice. */
async function sliceBytes(file: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

/** The page's part of one open under a request id: report progress, check for a cancel. */
interface OpenRequest {
  requestId: string;
  report: (progress: UploadProgress) => void;
  /** Throws ABORTED once the signal aborted. */
  check: () => void;
}

/**
 * Runs one open under a fresh request id: main's `trace:open-progress` for that id (all but the
 * `uploading` phase, which the page reports itself) goes to `onProgress`, aborting `signal`
 * sends `trace:open-cancel`, and an aborted open rejects with ABORTED for `name`.
 */
async function withOpenRequest<T>(
  api: FaultlineApi,
  name: string,
  options: Pick<OpenInMainOptions, 'onProgress' | 'signal'>,
  run: (request: OpenRequest) => Promise<T>,
): Promise<T> {
  const { signal } = options;
  const requestId = newRequestId();
  const report = (p: UploadProgress): void => {
    try {
      options.onProgress?.(p);
    } catch {
      // A progress display's failure must not fail the open.
    }
  };
  const off = api.on('trace:open-progress', (p) => {
    if (p.requestId === requestId && p.phase !== 'uploading') report(p);
  });
  const onAbort = (): void => {
    void api.invoke('trace:open-cancel', { requestId }).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const check = (): void => {
    if (signal?.aborted) throw abortedError(name);
  };
  try {
    check();
    const result = await run({ requestId, report, check });
    check();
    return result;
  } catch (error) {
    if (signal?.aborted) throw abortedError(name);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    off();
  }
}

/** See the file comment. Never replaces what the page shows: the caller decides. */
export async function openInMain(
  api: FaultlineApi,
  file: File,
  options: OpenInMainOptions = {},
): Promise<OpenedFile> {
  const chunk = Math.min(options.chunkBytes ?? UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES);
  const max = options.maxBytes ?? MAX_UPLOAD_BYTES;
  if (file.size > max)
    throw new IpcError(
      `${file.name} is ${file.size} bytes, over the ${max}-byte limit of the page`,
      'TOO_LARGE',
      'SupportOpenError',
    );
  if (file.size === 0)
    throw new IpcError(`${file.name} is empty; there is nothing to open`, 'EMPTY', 'SupportOpenError');
  return withOpenRequest(api, file.name, options, async ({ requestId, report, check }) => {
    if (file.size <= chunk && file.size <= MAX_TRANSFER_BYTES) {
      report({ phase: 'uploading', fraction: 0 });
      const base64 = bytesToBase64(await sliceBytes(file, 0, file.size));
      check();
      report({ phase: 'uploading', fraction: 1 });
      return api.invoke('trace:open-bytes', { name: file.name, base64, requestId });
    }
    for (let offset = 0; offset < file.size; offset += chunk) {
      report({ phase: 'uploading', fraction: offset / file.size });
      const bytes = await sliceBytes(file, offset, Math.min(file.size, offset + chunk));
      check();
      await api.invoke('trace:open-chunk', {
        requestId,
        offset,
        totalBytes: file.size,
        base64: bytesToBase64(bytes),
      });
      check();
    }
    report({ phase: 'uploading', fraction: 1 });
    return api.invoke('trace:open-upload', { requestId, name: file.name });
  });
}

/**
 * The desktop's Open dialog (`trace:open`) with progress and cancel: main opens the chosen file
 * under a request id and sends it as a `trace:opened` event; this answers whether a file was
 * chosen. Rejects with ABORTED when `signal` aborted (nothing is sent), NOT_SUPPORTED in
 * browser mode.
 */
export function openNativeInMain(
  api: FaultlineApi,
  options: Pick<OpenInMainOptions, 'onProgress' | 'signal'> = {},
): Promise<{ opened: boolean }> {
  return withOpenRequest(api, 'the file', options, ({ requestId }) =>
    api.invoke('trace:open', { requestId }),
  );
}
