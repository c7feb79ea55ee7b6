/** Replay and compare (pure): state at t, a playback clock, and a two-trace comparison. */
export * from './timeline';
export * from './playback';
export * from './compare';
