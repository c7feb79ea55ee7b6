/** Pure importers of support files (usable by the renderer and the main process alike). */
export * from './errors';
export * from './build';
export * from './stats';
export * from './detect';
export * from './webrtc-internals';
export * from './rtcstats';
export * from './peer-connections';
