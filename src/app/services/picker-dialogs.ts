/**
 * The work behind the `trace:open` / `trace:export` channels once a person has picked a path:
 * export the current trace there, or open the chosen support file and send it as
 * `trace:opened`. Only the picking is native (the desktop shell's dialogs); the rest runs
 * wherever the lab runs, so the lab host does it next to the trace it exports.
 */
import type { TraceDialogs } from '../ipc/handlers';
import type { LabService } from './lab-service';
import type { ServiceEvents } from './events';
import { defaultExportName, exportSupport, openSupport, type OpenControl } from './trace-files';

/** Asks a person for a path: the desktop app's native dialogs. */
export interface PathPicker {
  /** Where to save an export (`bundle`: a support bundle, else a trace); null when dismissed. */
  pickSavePath(kind: 'bundle' | 'trace', defaultPath: string): Promise<string | null>;
  /** Which support file to open; null when dismissed. */
  pickOpenPath(): Promise<string | null>;
}

/**
 * Opens `path` (bundle, trace or browser dump) with `control` and emits it as `trace:opened`.
 * A cancelled open rejects with ABORTED and emits nothing, even when the cancel comes as the
 * parse ends.
 */
export async function openChosenFile(
  events: ServiceEvents,
  path: string,
  control: OpenControl = {},
): Promise<void> {
  const opened = await openSupport(path, path, undefined, control);
  control.signal?.throwIfAborted();
  events.emit('trace:opened', opened);
}

/** The {@link TraceDialogs} of a service whose paths a {@link PathPicker} picks. */
export function pickerDialogs(service: LabService, picker: PathPicker): TraceDialogs {
  return {
    async exportTrace(options) {
      const trace = service.currentTrace();
      const defaultPath = defaultExportName(trace?.header.startedAt, options.format);
      const path = await picker.pickSavePath(options.format === 'bundle' ? 'bundle' : 'trace', defaultPath);
      if (!path) return { path: null, bytes: 0 };
      return exportSupport(service, path, options);
    },
    async openTrace(control) {
      const path = await picker.pickOpenPath();
      if (!path) return false;
      control?.signal?.throwIfAborted();
      await openChosenFile(service.events, path, control);
      return true;
    },
  };
}
