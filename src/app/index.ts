/**
 * The app layer's one door: what the Electron shell, browser mode and the CLI share (the lab
 * service behind the IPC handlers, trace files and recovery, the support bundle, open and report,
 * the process guards). Code outside `src/app` imports from here only (`house/import-boundaries`).
 */
export {
  createDispatcher,
  createHandlers,
  type Dispatch,
  type Envelope,
  type TraceDialogs,
} from './ipc/handlers';
export { installProcessGuards } from './process-guards';
export type { ServiceEvents } from './services/events';
export { LabService } from './services/lab-service';
export { OpenUploads } from './services/open-uploads';
export { electronJournalDir, homeJournalDir } from './services/recovery';
export { defaultExportName, exportSupport, openSupport, type OpenControl } from './services/trace-files';
export { writeBundle } from './support/bundle';
export {
  SupportOpenError,
  openSupportFile,
  openSupportFileInWorker,
  type OpenedSupportFile,
} from './support/open';
export { renderReport } from './support/report/render';
export { LabHostClient, resolveLabHostEntry, type LabHostClientOptions, type LabHostStop } from './lab-host';
export { openChosenFile, pickerDialogs, type PathPicker } from './services/picker-dialogs';
