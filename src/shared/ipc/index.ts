/** The typed contract between renderer and main, and browser mode's wire format. */
export * from './contract';
export * from './wire';
export * from './transfer';
export * from './bridge';
