/**
 * The audio-thread side of streaming: runs a compiled {@link StreamPlan} on blocks of frames as an AudioWorklet
 * delivers them (128 frames per block), with no allocation per block. It needs no model classes — the page
 * compiles the model with {@link streamWorkletOptions} and passes the plan (and the WebAssembly module) to the
 * worklet as `processorOptions`; `atrous/stream-worklet` registers it as the `'atrous-stream'` processor.
 *
 * Channels: input channel `i` is stream `⌊i / inChannels⌋`, model channel `i mod inChannels`; outputs likewise with
 * `outChannels`. A missing input (nothing connected) is silence. The audio thread cannot stop for an exception,
 * so a NaN or infinite sample enters the model as 0 and is counted in `nonFiniteSamples`.
 */
import { checkOptionKeys, optionKeys } from '../../options.js';
import { JsStreamEngine, type StreamEngine } from './engine-js.js';
import { WasmStreamEngine } from './engine-wasm.js';
import type { StreamPlan } from './plan.js';
import { BUFFER_WORDS, B_BASE, B_CHANNELS, B_CURSOR } from './program.js';

/** What the worklet receives: the plan, and the kernel module to run it on (absent: the JavaScript engine). */
export interface StreamWorkletOptions {
  plan: StreamPlan;
  module?: WebAssembly.Module;
  /** Whether `module` is a build that imports shared memory. */
  shared?: boolean;
}

/**
 * Processes AudioWorklet blocks through a stream plan.
 *
 * @example
 * const processor = new StreamBlockProcessor({ plan });         // in the worklet, from processorOptions
 * processor.process(inputs, outputs);                          // from AudioWorkletProcessor.process
 */
export class StreamBlockProcessor {
  /** Samples that were NaN or infinite and entered the model as 0. */
  nonFiniteSamples = 0;
  private readonly engine: StreamEngine;
  private readonly inputEntry: number;
  private readonly outputBase: number;

  constructor(readonly options: StreamWorkletOptions) {
    checkOptionKeys('StreamBlockProcessor', options, optionKeys<StreamWorkletOptions>({ plan: true, module: true, shared: true }));
    const { plan, module } = options;
    this.engine = module ? new WasmStreamEngine(plan, module, options.shared ?? false) : new JsStreamEngine(plan);
    this.inputEntry = (plan.tableAddress >> 2) + plan.inputBuffer * BUFFER_WORDS;
    this.outputBase = this.engine.words[(plan.tableAddress >> 2) + plan.outputBuffer * BUFFER_WORDS + B_BASE] >> 2;
  }

  /** Which engine runs: `'wasm'` or `'js'`. */
  get engineName(): string { return this.engine.name; }

  /**
   * One block: `inputs[0][channel]` frames in, `outputs[0][channel]` frames out (as `AudioWorkletProcessor.process`
   * receives them). Returns true, so the processor stays alive.
   */
  process(inputs: readonly (readonly Float32Array[])[], outputs: readonly (readonly Float32Array[])[]): boolean {
    const plan = this.options.plan;
    const out = outputs[0];
    const input = inputs[0];
    if (!out || out.length === 0) return true;
    const frames = out[0].length;
    const inWidth = plan.batch * plan.inChannels, outWidth = plan.batch * plan.outChannels;
    const floats = this.engine.floats, words = this.engine.words;
    for (let start = 0; start < frames; start += plan.maxSteps) {
      const n = Math.min(plan.maxSteps, frames - start);
      const at = (words[this.inputEntry + B_BASE] >> 2) + words[this.inputEntry + B_CURSOR] * plan.batch * words[this.inputEntry + B_CHANNELS];
      for (let c = 0; c < inWidth; c++) {
        const channel = input && c < input.length ? input[c] : null;
        for (let t = 0; t < n; t++) {
          let v = channel ? channel[start + t] : 0;
          if (!Number.isFinite(v)) { v = 0; this.nonFiniteSamples++; }
          floats[at + t * inWidth + c] = v;
        }
      }
      this.engine.run(n);
      for (let c = 0; c < out.length && c < outWidth; c++) {
        const channel = out[c];
        for (let t = 0; t < n; t++) channel[start + t] = floats[this.outputBase + t * outWidth + c];
      }
    }
    return true;
  }
}
