/** Pure importers of support files (usable by the renderer and the main process alike). */
export * from './errors';
export * from './build';
export * from './stats';
export * from './detect';
export * from './webrtc-internals';
export * from './webrtc-internals-stream';
export * from './rtcstats';
export * from './peer-connections';
export * from './json-tokenizer';
export * from './json-walker';
