/** Pure TypeScript shared by the lab, the main process and the renderer. No Node, no DOM. */
export * from './model';
export * from './model/faults';
export * from './trace/records';
export * from './trace/sink';
export * from './protocol/messages';
export * from './scenario/schema';
export * from './scenario/validate';
