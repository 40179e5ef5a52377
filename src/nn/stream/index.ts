export { stream, streamWorkletOptions, Streamer, type StreamOptions, type StreamState } from './streamer.js';
export { StreamBlockProcessor, type StreamWorkletOptions } from './worklet-processor.js';
export { StreamError } from './stream-error.js';
export { muLawEncode, muLawDecode } from './mu-law.js';
export { generate, type GenerateOptions, type Generated } from './generate.js';
