/** The lab's trace side: recorder (journal + ring), file codec and streaming reader. */
export * from './recorder';
export * from './journal';
export * from './ring';
export * from './codec';
export * from './reader';
export * from './segments';
