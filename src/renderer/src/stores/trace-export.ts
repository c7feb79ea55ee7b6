/**
 * Exporting the lab's live trace: as a support bundle's bytes (browser mode downloads them) or
 * through the desktop app's native save dialog.
 */
import type { InvokeParsed, InvokeResponse } from '../../../shared/ipc';
import { requireConnection, unlessUnsupported, type ConnectionSlot } from './trace-connection';

/** The choices the native export offers (a bundle by default). */
export type NativeExportOptions = Partial<
  Pick<InvokeParsed<'trace:export'>, 'format' | 'redact' | 'pseudonymizeIds' | 'charts'>
>;

/** What {@link useTraceExport} gives the trace store. */
export interface TraceExport {
  /** The lab's support bundle as base64 zip bytes (browser mode's download). */
  exportBundle: (
    options: InvokeParsed<'trace:export-bundle'>,
  ) => Promise<InvokeResponse<'trace:export-bundle'>>;
  /** Saves the live trace through the native save dialog; `unsupported` in browser mode. */
  exportNative: (
    options?: NativeExportOptions,
  ) => Promise<{ path: string | null; bytes: number } | 'unsupported'>;
}

/** See the file comment. */
export function useTraceExport(slot: ConnectionSlot): TraceExport {
  return {
    exportBundle: async (options) => requireConnection(slot).api.invoke('trace:export-bundle', options),
    exportNative: (options = {}) => unlessUnsupported(slot, (c) => c.api.invoke('trace:export', options)),
  };
}
