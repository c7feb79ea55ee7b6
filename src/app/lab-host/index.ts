/** The lab in a process of its own: the host (child side) and the client its parent drives. */
export { LabHostClient, resolveLabHostEntry, type LabHostClientOptions, type LabHostStop } from './client';
export { runLabHost, type LabHost } from './host';
export { LAB_HOST_OPTIONS_ENV, type LabHostOptions } from './protocol';
