/** Starting the lab's Node children in any runtime: the launcher seam and the child's side. */
export { childLauncher, useChildLauncher } from './launcher';
export type { ChildExit, ChildHandle, ChildLaunchOptions, ChildLauncher } from './launcher';
export { forkLauncher } from './fork-launcher';
export { parentChannel, type ParentChannel } from './parent-channel';
export { resolveChildEntry, type ChildEntry } from './entry';
export { pidAlive } from './pid-alive';
