export { stream, streamWorkletOptions, Streamer, type StreamOptions, type StreamState } from './streamer.js';
export { StreamBlockProcessor, type StreamWorkletOptions } from './worklet-processor.js';
export { StreamError } from './stream-error.js';
export { compileStreamPlan, type CompileOptions } from './compile.js';
export { PlanBuilder, packConvWeights, type StreamPlan, type PlanValue, type PlanConv } from './plan.js';
export { JsStreamEngine, type StreamEngine } from './engine-js.js';
export { WasmStreamEngine } from './engine-wasm.js';
export { muLawEncode, muLawDecode } from './mu-law.js';
export { generate, type GenerateOptions, type Generated } from './generate.js';
