/**
 * Native open/save dialogs for traces (File → Open trace…, Export trace…, and the
 * `trace:open` / `trace:export` channels). An opened trace goes to the renderer as the
 * `trace:opened` event, whichever way it was asked for.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { LabService } from '../services/lab-service';
import { defaultTraceName, exportTrace, openTrace } from '../services/trace-files';
import type { TraceDialogs } from './handlers';

const FILTERS = [
  { name: 'Faultline traces', extensions: ['ndjson', 'gz'] },
  { name: 'All files', extensions: ['*'] },
];

/** The desktop shell's {@link TraceDialogs}, parented to the main window. */
export function electronTraceDialogs(service: LabService, window: () => BrowserWindow | null): TraceDialogs {
  return {
    async exportTrace(gzip) {
      const trace = service.currentTrace();
      const defaultPath = defaultTraceName(trace?.header.startedAt, gzip);
      const win = window();
      const options = { title: 'Export trace', defaultPath, filters: FILTERS };
      const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return { path: null, bytes: 0 };
      return exportTrace(service, choice.filePath, /\.gz$/i.test(choice.filePath));
    },
    async openTrace() {
      const win = window();
      const options = { title: 'Open trace', filters: FILTERS, properties: ['openFile' as const] };
      const choice = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      const path = choice.filePaths[0];
      if (choice.canceled || !path) return false;
      service.events.emit('trace:opened', await openTrace(path));
      return true;
    },
  };
}
