/**
 * Native open/save dialogs for traces (File → Open trace…, Export trace…, and the
 * `trace:open` / `trace:export` channels). An opened trace goes to the renderer as the
 * `trace:opened` event, whichever way it was asked for. The page's "Open trace…" button passes
 * a request id, so the open shows a progress bar and Cancel; File → Open trace… in the menu asks
 * the page to do the same (`app:menu`), and comes here directly only while no window is up.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { LabService } from '../../app';
import { defaultExportName, exportSupport } from '../../app';
import type { TraceDialogs } from '../../app';
import { openChosenFile } from './open-chosen';

const OPEN_FILTERS = [
  { name: 'Bundles, traces and browser dumps', extensions: ['zip', 'ndjson', 'gz', 'json', 'txt'] },
  { name: 'All files', extensions: ['*'] },
];
const TRACE_FILTERS = [
  { name: 'Faultline traces', extensions: ['ndjson', 'gz'] },
  { name: 'All files', extensions: ['*'] },
];
const BUNDLE_FILTERS = [
  { name: 'Support bundles', extensions: ['zip'] },
  { name: 'All files', extensions: ['*'] },
];

/** The desktop shell's {@link TraceDialogs}, parented to the main window. */
export function electronTraceDialogs(service: LabService, window: () => BrowserWindow | null): TraceDialogs {
  return {
    async exportTrace(exportOptions) {
      const trace = service.currentTrace();
      const defaultPath = defaultExportName(trace?.header.startedAt, exportOptions.format);
      const win = window();
      const bundle = exportOptions.format === 'bundle';
      const options = {
        title: bundle ? 'Export support bundle' : 'Export trace',
        defaultPath,
        filters: bundle ? BUNDLE_FILTERS : TRACE_FILTERS,
      };
      const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return { path: null, bytes: 0 };
      return exportSupport(service, choice.filePath, exportOptions);
    },
    async openTrace(control) {
      const win = window();
      const options = {
        title: 'Open trace or bundle',
        filters: OPEN_FILTERS,
        properties: ['openFile' as const],
      };
      const choice = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      const path = choice.filePaths[0];
      if (choice.canceled || !path) return false;
      control?.signal?.throwIfAborted();
      await openChosenFile(service.events, path, control);
      return true;
    },
  };
}
