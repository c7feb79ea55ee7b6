/** Replay and compare (pure): state at t, a playback clock, and a two-trace comparison. */
export * from './timeline';
export type { ReceiveRates } from './receiving';
export * from './playback';
export * from './compare';
