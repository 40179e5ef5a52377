/**
 * The stream plan: buffers, ops and packed weights laid out once in one memory image, which either engine
 * (engine-wasm.ts, engine-js.ts) runs. A plan is plain data (numbers and typed arrays), so it can be posted to an
 * AudioWorklet and run there without the model's classes.
 *
 * Every buffer holds `[slots][batch][channels]`; a buffer that a dilated conv reads keeps `history` slots before
 * its cursor, and room for `maxSteps` more plus slack, so it slides its history back to the front only every few
 * hundred steps. Buffers without history (temporaries) share memory when their lifetimes do not overlap.
 */
import { OptionError, describeValue } from '../../errors.js';
import {
  BUFFER_WORDS, B_BASE, B_CAPACITY, B_CHANNELS, B_CURSOR, B_HISTORY, OP_ADD, OP_AFFINE, OP_CONV, OP_GATE, OP_STREAM_BIAS,
  OP_UNARY, OP_WORDS, PANEL_ROWS, PLAN_BASE, UNARY, type UnaryKind,
} from './program.js';

/** A range of channels of one buffer: what an op reads or writes. */
export interface PlanValue {
  buffer: number;
  offset: number;
  channels: number;
}

/** A causal 1-D convolution as the plan packs it: `weight` is `[out, in/groups, taps]`, PyTorch's layout. */
export interface PlanConv {
  weight: Float32Array;
  bias: Float32Array | null;
  outChannels: number;
  inChannels: number;
  taps: number;
  dilation: number;
  groups: number;
}

/** Everything an engine needs to run a compiled stream; structured-cloneable. */
export interface StreamPlan {
  batch: number;
  /** Time steps one engine call can run (`process` cuts longer chunks into pieces of this length). */
  maxSteps: number;
  inChannels: number;
  outChannels: number;
  inputBuffer: number;
  outputBuffer: number;
  bufferCount: number;
  opCount: number;
  tableAddress: number;
  programAddress: number;
  /** The table, program and weights, to be copied to {@link PLAN_BASE}; buffers after them start zeroed. */
  image: Uint8Array;
  /** Bytes of memory the plan needs in all. */
  memoryBytes: number;
  /** Buffers with history: what `state()` saves. */
  historyBuffers: number[];
  /** Describes the layer structure, so a saved state is only restored into a stream of the same model. */
  signature: string;
}

interface BufferSpec { channels: number; history: number }
interface PendingOp { words: number[]; blobs: [field: number, blob: number][]; reads: number[]; writes: number[] }

const SLACK_SLOTS = 256;

/**
 * Collects buffers and ops while a model is compiled, then lays them out.
 *
 * @example
 * const b = new PlanBuilder(1);
 * const x = b.newValue(1), y = b.newValue(4);
 * b.conv(y, x, { weight, bias: null, outChannels: 4, inChannels: 1, taps: 2, dilation: 8, groups: 1 });
 * const plan = b.finish({ input: x, output: y, maxSteps: 128, signature: 'conv' });
 */
export class PlanBuilder {
  private readonly buffers: BufferSpec[] = [];
  private readonly ops: PendingOp[] = [];
  private readonly blobs: Float32Array[] = [];

  constructor(readonly batch: number) {}

  /** A new buffer of `channels` channels, as a value covering all of them. */
  newValue(channels: number): PlanValue {
    this.buffers.push({ channels, history: 0 });
    return { buffer: this.buffers.length - 1, offset: 0, channels };
  }

  /** A sub-range of a value's channels. */
  slice(value: PlanValue, offset: number, channels: number): PlanValue {
    return { buffer: value.buffer, offset: value.offset + offset, channels };
  }

  /** `out = conv(input) (+ src) (relu)`; the input keeps the `(taps−1)·dilation` past steps the taps read. */
  conv(out: PlanValue, input: PlanValue, conv: PlanConv, options: { src?: PlanValue; relu?: boolean } = {}): void {
    const { outChannels, inChannels, taps, dilation, groups } = conv;
    const history = (taps - 1) * dilation;
    const spec = this.buffers[input.buffer];
    spec.history = Math.max(spec.history, history);
    const M = outChannels / groups, K = inChannels / groups;
    const weights = this.blob(packConvWeights(conv));
    const bias = conv.bias ? this.blob(packBias(conv.bias, M, groups)) : -1;
    const src = options.src;
    this.push([OP_CONV, out.buffer, out.offset, input.buffer, input.offset, M, K, taps, dilation, 0, 0,
      src ? src.buffer : -1, src ? src.offset : 0, options.relu ? 1 : 0, groups, 0],
    bias >= 0 ? [[9, weights], [10, bias]] : [[9, weights]], src ? [input.buffer, src.buffer] : [input.buffer], [out.buffer]);
  }

  /** `out = f(input)` elementwise. */
  unary(kind: UnaryKind, out: PlanValue, input: PlanValue, parameter = 0): void {
    const bits = new Int32Array(new Float32Array([parameter]).buffer)[0];
    this.push([OP_UNARY, out.buffer, out.offset, input.buffer, input.offset, input.channels, UNARY[kind], bits], [], [input.buffer], [out.buffer]);
  }

  /** `out = tanh(a) ⊙ σ(b)`. */
  gate(out: PlanValue, a: PlanValue, b: PlanValue): void {
    this.push([OP_GATE, out.buffer, out.offset, a.buffer, a.offset, b.buffer, b.offset, a.channels], [], [a.buffer, b.buffer], [out.buffer]);
  }

  /** `out = a + b`, then relu if asked. */
  add(out: PlanValue, a: PlanValue, b: PlanValue, relu: boolean): void {
    this.push([OP_ADD, out.buffer, out.offset, a.buffer, a.offset, b.buffer, b.offset, a.channels, relu ? 1 : 0], [], [a.buffer, b.buffer], [out.buffer]);
  }

  /** `out = input · scale + shift` per channel. */
  affine(out: PlanValue, input: PlanValue, scale: Float32Array, shift: Float32Array): void {
    this.push([OP_AFFINE, out.buffer, out.offset, input.buffer, input.offset, input.channels, 0, 0],
      [[6, this.blob(scale)], [7, this.blob(shift)]], [input.buffer], [out.buffer]);
  }

  /** Adds `bias[stream][channel]` (`[batch, channels]`) to a value at every step. */
  streamBias(target: PlanValue, bias: Float32Array): void {
    this.push([OP_STREAM_BIAS, target.buffer, target.offset, target.channels, 0], [[4, this.blob(bias)]], [target.buffer], [target.buffer]);
  }

  /** Lays everything out. `input` and `output` must be whole buffers. */
  finish(options: { input: PlanValue; output: PlanValue; maxSteps: number; signature: string }): StreamPlan {
    const { input, output, maxSteps, signature } = options;
    if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new OptionError('stream', 'maxSteps', `maxSteps ${describeValue(maxSteps)} must be a positive integer`);
    const batch = this.batch;
    const align = (n: number): number => (n + 15) & ~15;
    const tableAddress = PLAN_BASE;
    const programAddress = align(tableAddress + this.buffers.length * BUFFER_WORDS * 4);
    let end = align(programAddress + this.ops.length * OP_WORDS * 4);
    const blobAddress = this.blobs.map((blob) => { const at = end; end = align(end + blob.length * 4 + 32); return at; });
    const staticEnd = end;

    const capacity = this.buffers.map((b) => (b.history > 0 ? b.history + maxSteps + Math.max(b.history, SLACK_SLOTS) : maxSteps));
    const bytes = this.buffers.map((b, i) => align(capacity[i] * batch * b.channels * 4 + 32));
    const base = this.layoutBuffers(bytes, [input.buffer, output.buffer], staticEnd);
    const memoryBytes = align(Math.max(staticEnd, ...base.map((at, i) => at + bytes[i])) + 64);

    const image = new Uint8Array(staticEnd - PLAN_BASE);
    const words = new Int32Array(image.buffer);
    const floats = new Float32Array(image.buffer);
    const wordAt = (address: number): number => (address - PLAN_BASE) >> 2;
    this.buffers.forEach((b, i) => {
      const at = wordAt(tableAddress) + i * BUFFER_WORDS;
      words[at + B_BASE] = base[i];
      words[at + B_CHANNELS] = b.channels;
      words[at + B_HISTORY] = b.history;
      words[at + B_CAPACITY] = capacity[i];
      words[at + B_CURSOR] = b.history;
    });
    this.ops.forEach((op, i) => {
      const at = wordAt(programAddress) + i * OP_WORDS;
      words.set(op.words, at);
      for (const [field, blob] of op.blobs) words[at + field] = blobAddress[blob];
    });
    this.blobs.forEach((blob, i) => floats.set(blob, wordAt(blobAddress[i])));
    return {
      batch, maxSteps, inChannels: input.channels, outChannels: output.channels,
      inputBuffer: input.buffer, outputBuffer: output.buffer, bufferCount: this.buffers.length, opCount: this.ops.length,
      tableAddress, programAddress, image, memoryBytes,
      historyBuffers: this.buffers.flatMap((b, i) => (b.history > 0 ? [i] : [])),
      signature,
    };
  }

  /**
   * Gives buffers with history, and the input and output, memory of their own; temporaries reuse the memory of
   * temporaries whose last use came before their first (first fit, scanning ops in order).
   */
  private layoutBuffers(bytes: number[], pinned: number[], start: number): number[] {
    const base = new Array<number>(this.buffers.length).fill(-1);
    let end = start;
    const own = (i: number): void => { base[i] = end; end += bytes[i]; };
    const first = new Array<number>(this.buffers.length).fill(-1), last = new Array<number>(this.buffers.length).fill(-1);
    this.ops.forEach((op, index) => {
      for (const b of [...op.reads, ...op.writes]) { if (first[b] < 0) first[b] = index; last[b] = index; }
    });
    const free: { at: number; bytes: number }[] = [];
    const shared = (i: number): boolean => this.buffers[i].history === 0 && !pinned.includes(i) && first[i] >= 0;
    this.buffers.forEach((b, i) => { if (!shared(i)) own(i); });
    this.ops.forEach((_, index) => {
      this.buffers.forEach((__, i) => {
        if (!shared(i) || first[i] !== index) return;
        const slot = free.findIndex((f) => f.bytes >= bytes[i]);
        if (slot >= 0) { base[i] = free[slot].at; free.splice(slot, 1); } else own(i);
      });
      this.buffers.forEach((__, i) => {
        if (shared(i) && last[i] === index) free.push({ at: base[i], bytes: bytes[i] });
      });
    });
    return base;
  }

  private blob(data: Float32Array): number {
    this.blobs.push(data);
    return this.blobs.length - 1;
  }

  private push(words: number[], blobs: [number, number][], reads: number[], writes: number[]): void {
    const padded = new Array<number>(OP_WORDS).fill(0);
    words.forEach((w, i) => { padded[i] = w; });
    this.ops.push({ words: padded, blobs, reads, writes });
  }
}

/**
 * Conv weights `[out, in/groups, taps]` → per group, per panel of 32 output rows: `[taps][in/groups][32]`, rows past
 * the group's outputs zero, so the kernels read whole vectors.
 */
export function packConvWeights(conv: PlanConv): Float32Array {
  const { weight, outChannels, inChannels, taps, groups } = conv;
  const M = outChannels / groups, K = inChannels / groups;
  const panels = Math.ceil(M / PANEL_ROWS);
  const packed = new Float32Array(groups * panels * taps * K * PANEL_ROWS);
  let at = 0;
  for (let g = 0; g < groups; g++) {
    for (let p = 0; p < panels; p++) {
      for (let j = 0; j < taps; j++) {
        for (let k = 0; k < K; k++) {
          for (let r = 0; r < PANEL_ROWS; r++, at++) {
            const m = p * PANEL_ROWS + r;
            if (m < M) packed[at] = weight[((g * M + m) * K + k) * taps + j];
          }
        }
      }
    }
  }
  return packed;
}

/** Bias per group padded to whole panels. */
function packBias(bias: Float32Array, M: number, groups: number): Float32Array {
  const panels = Math.ceil(M / PANEL_ROWS);
  const packed = new Float32Array(groups * panels * PANEL_ROWS);
  for (let g = 0; g < groups; g++) packed.set(bias.subarray(g * M, (g + 1) * M), g * panels * PANEL_ROWS);
  return packed;
}
