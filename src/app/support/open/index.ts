/** Opening anything support receives: bundles, traces and browser dumps. */
export * from './open';
export * from './context';
export * from './manifest';
export { openBundle } from './bundle';
export type { OpenedBundle } from './bundle';
export { listZip, readZipEntry, MAX_ZIP_ENTRIES } from './zip';
export type { ZipEntry, ReadEntryOptions } from './zip';
export { SupportOpenError } from '../../../shared/support/import/errors';
export type { SupportOpenErrorCode } from '../../../shared/support/import/errors';
export { openSupportFileInWorker, outOfMemory, DEFAULT_OPEN_HEAP_MIB } from './worker-host';
export type { WorkerOpenOptions, OpenMemory } from './worker-host';
