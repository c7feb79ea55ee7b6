/**
 * Opening support files (bundles, traces, browser dumps) in the main process and showing them:
 * through the desktop app's native dialog, from a picked file's bytes, or uploaded in chunks
 * with progress and cancel. An opened file replaces the live trace on screen until
 * `showLive`; the Compare panel can keep one aside as its second trace instead.
 */
import { shallowRef, type ShallowRef } from 'vue';
import type { EventPayload } from '../../../shared/ipc';
import type { OpenedTrace } from '../trace/file';
import { bytesToBase64 } from '../trace/base64';
import { openInMain, openNativeInMain, type OpenInMainOptions } from '../trace/upload';
import { requireConnection, unlessUnsupported, type ConnectionSlot } from './trace-connection';
import type { LiveTrace } from './trace-live';

/** What {@link useTraceFiles} gives the trace store. */
export interface TraceFiles {
  /** A trace the Compare panel should take as its second trace (B), e.g. the run before a Reproduce. */
  compareTarget: ShallowRef<OpenedTrace | null>;
  /** Shows an opened trace file instead of the live trace (until `showLive`). */
  openFile: (file: EventPayload<'trace:opened'>) => void;
  /**
   * Asks the main process to open a trace through its native dialog, with progress and cancel
   * (the file arrives as a `trace:opened` event): `dismissed` when no file was chosen,
   * `unsupported` in browser mode (the page reads a picked file itself). Rejects with the
   * IpcError (ABORTED when cancelled: nothing is replaced).
   */
  openNative: (
    options?: Pick<OpenInMainOptions, 'onProgress' | 'signal'>,
  ) => Promise<'opened' | 'dismissed' | 'unsupported'>;
  /**
   * Opens a picked or dropped file's bytes in the main process and shows it. Rejects with the
   * IpcError (code + message) when it cannot be opened.
   */
  openBytes: (name: string, bytes: Uint8Array) => Promise<EventPayload<'trace:opened'>>;
  /**
   * Opens a picked or dropped File in the main process with progress and cancel; shows it
   * unless `show` is false (the Compare panel keeps it aside). Rejects with the IpcError
   * (ABORTED when cancelled: nothing is replaced).
   */
  openUpload: (
    file: File,
    options?: OpenInMainOptions & { show?: boolean },
  ) => Promise<EventPayload<'trace:opened'>>;
}

/** See the file comment; opened files are shown through `live`. */
export function useTraceFiles(slot: ConnectionSlot, live: LiveTrace): TraceFiles {
  const compareTarget = shallowRef<OpenedTrace | null>(null);

  function openFile(file: EventPayload<'trace:opened'>): void {
    live.source.value = {
      kind: 'file',
      name: file.name,
      truncated: file.truncated,
      warnings: file.warnings,
      opened: file.kind ?? 'trace',
    };
    live.load(file.header, file.records);
  }

  async function openNative(
    options: Pick<OpenInMainOptions, 'onProgress' | 'signal'> = {},
  ): Promise<'opened' | 'dismissed' | 'unsupported'> {
    const result = await unlessUnsupported(slot, (c) => openNativeInMain(c.api, options));
    if (result === 'unsupported') return result;
    return result.opened ? 'opened' : 'dismissed';
  }

  async function openBytes(name: string, bytes: Uint8Array): Promise<EventPayload<'trace:opened'>> {
    const { api } = requireConnection(slot);
    const opened = await api.invoke('trace:open-bytes', { name, base64: bytesToBase64(bytes) });
    openFile(opened);
    return opened;
  }

  async function openUpload(
    file: File,
    options: OpenInMainOptions & { show?: boolean } = {},
  ): Promise<EventPayload<'trace:opened'>> {
    const { api } = requireConnection(slot);
    const opened = await openInMain(api, file, options);
    if (options.show !== false) openFile(opened);
    return opened;
  }

  return { compareTarget, openFile, openNative, openBytes, openUpload };
}
