/**
 * `stream(model, { batch })`: a causal model run one time step (or one chunk) at a time for `batch` independent
 * streams, computing the same numbers as the model's full forward over the whole signal (zeros before the first
 * step, as causal padding), with per-layer history instead of recomputation.
 */
import { checkOptionKeys } from '../../options.js';
import { OptionError, ShapeError, describeValue } from '../../errors.js';
import { getBackend } from '../../kernels/index.js';
import { wasmRuntime } from '../../kernels/wasm/wasm-runtime.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../module.js';
import { compileStreamPlan } from './compile.js';
import { JsStreamEngine, type StreamEngine } from './engine-js.js';
import { WasmStreamEngine } from './engine-wasm.js';
import type { StreamPlan } from './plan.js';
import { BUFFER_WORDS, B_BASE, B_CHANNELS, B_CURSOR, B_HISTORY } from './program.js';
import { StreamError } from './stream-error.js';
import type { StreamWorkletOptions } from './worklet-processor.js';

/** Options of {@link stream}. */
export interface StreamOptions {
  /** Independent streams stepped together (default 1). */
  batch?: number;
  /** A conditioned WaveNet's global condition: `[batch, conditionChannels]` (a Tensor or row-major numbers). */
  condition?: Tensor | ArrayLike<number>;
  /** Time steps per engine call in `process` (default 128): longer chunks run in pieces of this length. */
  maxSteps?: number;
  /** `'wasm'` (default where the WASM backend is active) or `'js'` (plain JavaScript, the reference). */
  engine?: 'wasm' | 'js';
}

const OPTION_KEYS = ['batch', 'condition', 'maxSteps', 'engine'];

/** A saved stream: the history every layer keeps, for {@link Streamer.restore}. */
export interface StreamState {
  signature: string;
  batch: number;
  steps: number;
  history: Float32Array;
}

/**
 * Starts streaming `model` (a causal stack: `DilatedCausalConv1d`, `WaveNet`, `TCN`/`TemporalBlock`, `Conv1d` with
 * padding `'causal'`, pointwise layers and `Sequential`s of them). The weights are packed now: later changes to the
 * model do not reach the stream. Refuses a non-causal layer with a {@link StreamError} naming it.
 *
 * @example
 * const s = stream(new TCN({ inputChannels: 1, channels: [16, 16] }).eval(), { batch: 2 });
 * const y = s.step([0.5, -0.25]);          // one sample of each stream → Tensor [2, 16]
 * const z = s.process(randn([2, 1, 480])); // the next 480 samples → Tensor [2, 16, 480]
 */
export function stream(model: Module, options: StreamOptions = {}): Streamer {
  checkOptionKeys('stream', options, OPTION_KEYS);
  const plan = planFor('stream', model, options);
  const wantWasm = options.engine === 'wasm' || (options.engine === undefined && getBackend() === 'wasm');
  const kernel = wantWasm ? wasmRuntime()?.kernel : undefined;
  const engine = kernel ? new WasmStreamEngine(plan, kernel.module, kernel.shared) : null;
  if (options.engine === 'wasm' && !engine) {
    throw new OptionError('stream', 'engine', 'engine "wasm" needs WebAssembly SIMD, which is unavailable here (in a browser, await ready() first)');
  }
  return new Streamer(plan, engine ?? new JsStreamEngine(plan));
}

/** Checks the options and compiles the model's plan. */
function planFor(op: string, model: Module, options: StreamOptions): StreamPlan {
  const batch = options.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) throw new OptionError(op, 'batch', `batch ${describeValue(batch)} must be a positive integer`);
  const maxSteps = options.maxSteps ?? 128;
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 65536) {
    throw new OptionError(op, 'maxSteps', `maxSteps ${describeValue(maxSteps)} must be an integer from 1 to 65536`);
  }
  if (options.engine !== undefined && options.engine !== 'wasm' && options.engine !== 'js') {
    throw new OptionError(op, 'engine', `engine ${describeValue(options.engine)} must be "wasm" or "js"`);
  }
  const condition = options.condition === undefined ? null
    : Float32Array.from(options.condition instanceof Tensor ? options.condition.data : options.condition);
  if (condition && condition.some((v) => !Number.isFinite(v))) throw new StreamError(op, 'condition', 'condition holds a NaN or infinite value');
  const plan = compileStreamPlan(model, { batch, maxSteps, condition });
  return plan;
}

/**
 * A running stream of a compiled model. `step` and `process` return views of the stream's own output memory for
 * step (overwritten by the next call; `clone()` to keep) and fresh tensors for process.
 */
export class Streamer {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  private readonly output: Tensor;
  private stepsSoFar = 0;

  constructor(readonly plan: StreamPlan, readonly engine: StreamEngine) {
    this.batch = plan.batch;
    this.inChannels = plan.inChannels;
    this.outChannels = plan.outChannels;
    const at = this.entry(plan.outputBuffer);
    const base = engine.words[at + B_BASE] >> 2;
    this.output = new Tensor(engine.floats.subarray(base, base + plan.batch * plan.outChannels), [plan.batch, plan.outChannels]);
  }

  /** Time steps consumed since the stream started (or was reset as a whole). */
  get steps(): number { return this.stepsSoFar; }

  /** Which engine runs the plan: `'wasm'` or `'js'`. */
  get engineName(): string { return this.engine.name; }

  /**
   * One time step of every stream: `samples` is `[batch, inChannels]` (a Tensor or row-major numbers); returns
   * `[batch, outChannels]`, a view that the next call overwrites.
   */
  step(samples: Tensor | ArrayLike<number>): Tensor {
    const values = samples instanceof Tensor ? samples.data : samples;
    const need = this.batch * this.inChannels;
    if (samples instanceof Tensor && (samples.rank !== 2 || samples.shape[0] !== this.batch || samples.shape[1] !== this.inChannels)) {
      throw new ShapeError('stream.step', 'samples', `samples shape ${describeValue(samples.shape)} must be [${this.batch}, ${this.inChannels}] (batch, channels)`);
    }
    if (values === null || values === undefined || typeof values.length !== 'number' || values.length !== need) {
      throw new ShapeError('stream.step', 'samples', `samples has ${values?.length ?? 'no'} values but this stream takes ${this.batch} stream(s) × ${this.inChannels} channel(s) = ${need}`);
    }
    const floats = this.engine.floats;
    const at = this.inputIndex();
    for (let i = 0; i < need; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) this.badSample('stream.step', v, Math.floor(i / this.inChannels), i % this.inChannels, this.stepsSoFar);
      floats[at + i] = v;
    }
    this.engine.run(1);
    this.stepsSoFar++;
    return this.output;
  }

  /**
   * Runs a chunk `[batch, inChannels, T]` (any T ≥ 1) through the convolutions as small matrix products and
   * returns `[batch, outChannels, T]`; equals stepping T times.
   */
  process(chunk: { shape: readonly number[]; data: Float32Array }): Tensor {
    const { batch, inChannels, outChannels } = this;
    const shape = chunk?.shape;
    if (!shape || shape.length !== 3 || shape[0] !== batch || shape[1] !== inChannels || shape[2] < 1) {
      throw new ShapeError('stream.process', 'chunk', `chunk shape ${describeValue(shape)} must be [${batch}, ${inChannels}, T] (batch, channels, time) with T ≥ 1`);
    }
    const T = shape[2];
    const x = chunk.data;
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) this.badSample('stream.process', x[i], Math.floor(i / (inChannels * T)), Math.floor(i / T) % inChannels, this.stepsSoFar + (i % T));
    }
    const y = new Float32Array(batch * outChannels * T);
    const floats = this.engine.floats;
    const out = this.output.data.byteOffset >> 2;
    for (let start = 0; start < T; start += this.plan.maxSteps) {
      const n = Math.min(this.plan.maxSteps, T - start);
      const at = this.inputIndex();
      // [batch, channels, time] → the buffer's [time][batch][channels], and back for the output.
      for (let t = 0; t < n; t++) {
        for (let b = 0; b < batch; b++) {
          const row = at + (t * batch + b) * inChannels;
          for (let c = 0; c < inChannels; c++) floats[row + c] = x[(b * inChannels + c) * T + start + t];
        }
      }
      this.engine.run(n);
      for (let t = 0; t < n; t++) {
        for (let b = 0; b < batch; b++) {
          const row = out + (t * batch + b) * outChannels;
          for (let c = 0; c < outChannels; c++) y[(b * outChannels + c) * T + start + t] = floats[row + c];
        }
      }
    }
    this.stepsSoFar += T;
    return new Tensor(y, [batch, outChannels, T]);
  }

  /** Back to silence: every stream, or only stream `streamIndex` (the others keep their history). */
  reset(streamIndex?: number): void {
    if (streamIndex !== undefined && (!Number.isInteger(streamIndex) || streamIndex < 0 || streamIndex >= this.batch)) {
      throw new OptionError('stream.reset', 'streamIndex', `streamIndex ${describeValue(streamIndex)} must be an integer from 0 to ${this.batch - 1}`);
    }
    this.forEachHistoryRow((index, length, stream) => {
      if (streamIndex === undefined || stream === streamIndex) this.engine.floats.fill(0, index, index + length);
    });
    if (streamIndex === undefined) this.stepsSoFar = 0;
  }

  /** A copy of everything the streams remember, to {@link restore} later (here or in a stream of the same model). */
  state(): StreamState {
    const parts: Float32Array[] = [];
    this.forEachHistoryRow((index, length) => parts.push(this.engine.floats.slice(index, index + length)));
    const history = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { history.set(p, at); at += p.length; }
    return { signature: this.plan.signature, batch: this.batch, steps: this.stepsSoFar, history };
  }

  /** Puts back a {@link state} taken from a stream of the same model and batch. */
  restore(state: StreamState): void {
    if (!state || state.signature !== this.plan.signature || state.batch !== this.batch) {
      throw new StreamError('stream.restore', 'state', `the state comes from another model or batch (batch ${describeValue(state?.batch)}); restore a state of this model with batch ${this.batch}`);
    }
    let need = 0;
    this.forEachHistoryRow((_, length) => { need += length; });
    if (!(state.history instanceof Float32Array) || state.history.length !== need) {
      throw new ShapeError('stream.restore', 'state', `state history has ${state.history?.length ?? 'no'} values; this stream keeps ${need}`);
    }
    let at = 0;
    this.forEachHistoryRow((index, length) => {
      this.engine.floats.set(state.history.subarray(at, at + length), index);
      at += length;
    });
    this.stepsSoFar = state.steps;
  }

  private entry(buffer: number): number { return (this.plan.tableAddress >> 2) + buffer * BUFFER_WORDS; }

  /** Float index of the input buffer at its cursor, where this call's first step goes. */
  private inputIndex(): number {
    const at = this.entry(this.plan.inputBuffer);
    const w = this.engine.words;
    return (w[at + B_BASE] >> 2) + w[at + B_CURSOR] * this.batch * w[at + B_CHANNELS];
  }

  /** Visits each stream's remembered slots of each history buffer as (float index, length, stream). */
  private forEachHistoryRow(visit: (index: number, length: number, stream: number) => void): void {
    const w = this.engine.words;
    for (const buffer of this.plan.historyBuffers) {
      const at = this.entry(buffer);
      const channels = w[at + B_CHANNELS], history = w[at + B_HISTORY];
      const first = w[at + B_CURSOR] - history;
      for (let slot = first; slot < first + history; slot++) {
        for (let s = 0; s < this.batch; s++) visit((w[at + B_BASE] >> 2) + (slot * this.batch + s) * channels, channels, s);
      }
    }
  }

  private badSample(op: string, value: number, streamIndex: number, channel: number, time: number): never {
    throw new StreamError(op, 'samples', `the sample of stream ${streamIndex}, channel ${channel} at step ${time} is ${value}; streams take finite numbers`);
  }
}

/**
 * What an AudioWorklet needs to run `model` (see {@link StreamBlockProcessor}): its compiled plan for `batch`
 * streams in blocks of up to 128 frames, and the kernel module when WebAssembly SIMD is loaded (`await ready()`
 * first in a browser). Pass it as `processorOptions`.
 *
 * @example
 * await ready(); await context.audioWorklet.addModule(new URL('atrous/dist/web/stream-worklet.js', import.meta.url));
 * const node = new AudioWorkletNode(context, 'atrous-stream', { processorOptions: streamWorkletOptions(tcn), outputChannelCount: [16] });
 */
export function streamWorkletOptions(model: Module, options: { batch?: number; condition?: Tensor | ArrayLike<number> } = {}): StreamWorkletOptions {
  checkOptionKeys('streamWorkletOptions', options, ['batch', 'condition']);
  const plan = planFor('streamWorkletOptions', model, { ...options, maxSteps: 128 });
  const kernel = getBackend() === 'wasm' ? wasmRuntime()?.kernel : undefined;
  return kernel ? { plan, module: kernel.module, shared: kernel.shared } : { plan };
}
