/** The connection model shared by every side: states, reasons, vocabularies, timing. */
export * from './states';
export * from './vocabulary';
export * from './config';
export * from './engines';
export * from './stalls';
