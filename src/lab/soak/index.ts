/** Soak mode: a scenario looped with random faults for a long time, with resources watched. */
export * from './duration';
export * from './fault-plan';
export * from './series';
export * from './sampler';
export * from './report';
export * from './runner';
