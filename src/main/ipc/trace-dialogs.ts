/**
 * The desktop shell's native open/save dialogs for traces (File → Open trace…, Export trace…,
 * and the `trace:open` / `trace:export` channels), as a {@link PathPicker}: they only pick the
 * path; the lab host exports to it or opens it (`pickerDialogs`). An opened trace goes to the
 * renderer as the `trace:opened` event, whichever way it was asked for.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { PathPicker } from '../../app';

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

/** Native dialogs, parented to the main window when there is one. */
export function electronPathPicker(window: () => BrowserWindow | null): PathPicker {
  return {
    async pickSavePath(kind, defaultPath) {
      const win = window();
      const options = {
        title: kind === 'bundle' ? 'Export support bundle' : 'Export trace',
        defaultPath,
        filters: kind === 'bundle' ? BUNDLE_FILTERS : TRACE_FILTERS,
      };
      const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return choice.canceled || !choice.filePath ? null : choice.filePath;
    },
    async pickOpenPath() {
      const win = window();
      const options = {
        title: 'Open trace or bundle',
        filters: OPEN_FILTERS,
        properties: ['openFile' as const],
      };
      const choice = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      const path = choice.filePaths[0];
      return choice.canceled || !path ? null : path;
    },
  };
}
