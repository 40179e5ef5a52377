/**
 * The stream program in plain JavaScript: the living definition the WebAssembly interpreter
 * (assembly/stream-engine.ts) must equal, and the engine wherever WebAssembly SIMD is missing.
 */
import { erf } from '../../ops/activations.js';
import {
  BUFFER_WORDS, B_BASE, B_CAPACITY, B_CHANNELS, B_CURSOR, B_HISTORY, OP_ADD, OP_AFFINE, OP_CONV, OP_GATE, OP_STREAM_BIAS,
  OP_UNARY, OP_WORDS, PANEL_ROWS, PLAN_BASE, UNARY,
} from './program.js';
import type { StreamPlan } from './plan.js';

/** What the streamer needs of an engine: the memory the plan lives in and one call that runs `steps` steps. */
export interface StreamEngine {
  readonly name: 'wasm' | 'js';
  /** Float view of the whole memory (byte address a is index a/4). */
  readonly floats: Float32Array;
  /** Integer view of the same memory. */
  readonly words: Int32Array;
  run(steps: number): void;
}

/** Copies the plan's image into fresh memory views. */
export function loadImage(plan: StreamPlan, floats: Float32Array): void {
  new Uint8Array(floats.buffer, floats.byteOffset + PLAN_BASE, plan.image.length).set(plan.image);
}

/**
 * Runs a plan with JavaScript loops over a Float32Array.
 *
 * @example const engine = new JsStreamEngine(plan); engine.run(1);
 */
export class JsStreamEngine implements StreamEngine {
  readonly name = 'js';
  readonly floats: Float32Array;
  readonly words: Int32Array;

  constructor(private readonly plan: StreamPlan) {
    const memory = new ArrayBuffer(plan.memoryBytes);
    this.floats = new Float32Array(memory);
    this.words = new Int32Array(memory);
    loadImage(plan, this.floats);
  }

  run(steps: number): void {
    const { plan, words } = this;
    const columns = steps * plan.batch;
    for (let i = 0; i < plan.opCount; i++) {
      const op = (plan.programAddress >> 2) + i * OP_WORDS;
      switch (words[op]) {
        case OP_CONV: this.conv(op, columns); break;
        case OP_UNARY: this.unary(op, columns); break;
        case OP_GATE: this.gate(op, columns); break;
        case OP_ADD: this.add(op, columns); break;
        case OP_AFFINE: this.affine(op, columns); break;
        case OP_STREAM_BIAS: this.streamBias(op, steps); break;
        default: throw new Error(`stream program: unknown opcode ${words[op]} at op ${i}`);
      }
    }
    for (let b = 0; b < plan.bufferCount; b++) {
      const entry = (plan.tableAddress >> 2) + b * BUFFER_WORDS;
      const history = words[entry + B_HISTORY];
      if (history === 0) continue;
      let cursor = words[entry + B_CURSOR] + steps;
      if (cursor + plan.maxSteps > words[entry + B_CAPACITY]) {
        const slot = plan.batch * words[entry + B_CHANNELS];
        const base = words[entry + B_BASE] >> 2;
        this.floats.copyWithin(base, base + (cursor - history) * slot, base + cursor * slot);
        cursor = history;
      }
      words[entry + B_CURSOR] = cursor;
    }
  }

  /** Float index of channel `offset` of stream 0 at the buffer's cursor. */
  private at(buffer: number, offset: number): number {
    const entry = (this.plan.tableAddress >> 2) + buffer * BUFFER_WORDS;
    return (this.words[entry + B_BASE] >> 2) + this.words[entry + B_CURSOR] * this.plan.batch * this.words[entry + B_CHANNELS] + offset;
  }

  /** Channels of a buffer (the stride between its columns). */
  private width(buffer: number): number {
    return this.words[(this.plan.tableAddress >> 2) + buffer * BUFFER_WORDS + B_CHANNELS];
  }

  /** Fields: out, outOff, in, inOff, M, K, taps, dilation, weights, bias, src (−1 none), srcOff, relu, groups. */
  private conv(op: number, columns: number): void {
    const w = this.words, f = this.floats;
    const M = w[op + 5], K = w[op + 6], taps = w[op + 7], dilation = w[op + 8];
    const srcBuffer = w[op + 11], relu = w[op + 13] !== 0, groups = w[op + 14];
    const panels = Math.ceil(M / PANEL_ROWS);
    const x0 = this.at(w[op + 3], w[op + 4]), inChannels = this.width(w[op + 3]);
    const y0 = this.at(w[op + 1], w[op + 2]), outChannels = this.width(w[op + 1]);
    const s0 = srcBuffer >= 0 ? this.at(srcBuffer, w[op + 12]) : 0, srcChannels = srcBuffer >= 0 ? this.width(srcBuffer) : 0;
    const tapStep = dilation * this.plan.batch * inChannels;
    for (let g = 0; g < groups; g++) {
      const weights = (w[op + 9] >> 2) + g * panels * taps * K * PANEL_ROWS;
      const bias = w[op + 10] ? (w[op + 10] >> 2) + g * panels * PANEL_ROWS : -1;
      for (let c = 0; c < columns; c++) {
        const x = x0 + g * K + c * inChannels - (taps - 1) * tapStep;
        for (let m = 0; m < M; m++) {
          const panel = weights + Math.floor(m / PANEL_ROWS) * taps * K * PANEL_ROWS + (m % PANEL_ROWS);
          let sum = 0;
          for (let j = 0; j < taps; j++) {
            for (let k = 0; k < K; k++) sum += f[panel + (j * K + k) * PANEL_ROWS] * f[x + j * tapStep + k];
          }
          if (bias >= 0) sum += f[bias + m];
          if (srcBuffer >= 0) sum += f[s0 + g * M + c * srcChannels + m];
          f[y0 + g * M + c * outChannels + m] = relu ? Math.max(sum, 0) : sum;
        }
      }
    }
  }

  /** Fields: out, outOff, in, inOff, channels, kind, parameter (f32 bits). */
  private unary(op: number, columns: number): void {
    const w = this.words, f = this.floats;
    const channels = w[op + 5], kind = w[op + 6];
    const parameter = this.floats[op + 7];
    const y0 = this.at(w[op + 1], w[op + 2]), yC = this.width(w[op + 1]);
    const x0 = this.at(w[op + 3], w[op + 4]), xC = this.width(w[op + 3]);
    for (let c = 0; c < columns; c++) {
      for (let i = 0; i < channels; i++) {
        const v = f[x0 + c * xC + i];
        let r: number;
        if (kind === UNARY.relu) r = Math.max(v, 0);
        else if (kind === UNARY.leakyRelu) r = v > 0 ? v : v * parameter;
        else if (kind === UNARY.tanh) r = Math.tanh(v);
        else if (kind === UNARY.sigmoid) r = 1 / (1 + Math.exp(-v));
        else if (kind === UNARY.gelu) r = 0.5 * v * (1 + erf(v / Math.SQRT2));
        else r = v;
        f[y0 + c * yC + i] = r;
      }
    }
  }

  /** Fields: out, outOff, a, aOff, b, bOff, channels. */
  private gate(op: number, columns: number): void {
    const w = this.words, f = this.floats;
    const y0 = this.at(w[op + 1], w[op + 2]), yC = this.width(w[op + 1]);
    const a0 = this.at(w[op + 3], w[op + 4]), aC = this.width(w[op + 3]);
    const b0 = this.at(w[op + 5], w[op + 6]), bC = this.width(w[op + 5]);
    for (let c = 0; c < columns; c++) {
      for (let i = 0; i < w[op + 7]; i++) {
        f[y0 + c * yC + i] = Math.tanh(f[a0 + c * aC + i]) / (1 + Math.exp(-f[b0 + c * bC + i]));
      }
    }
  }

  /** Fields: out, outOff, a, aOff, b, bOff, channels, relu. */
  private add(op: number, columns: number): void {
    const w = this.words, f = this.floats;
    const relu = w[op + 8] !== 0;
    const y0 = this.at(w[op + 1], w[op + 2]), yC = this.width(w[op + 1]);
    const a0 = this.at(w[op + 3], w[op + 4]), aC = this.width(w[op + 3]);
    const b0 = this.at(w[op + 5], w[op + 6]), bC = this.width(w[op + 5]);
    for (let c = 0; c < columns; c++) {
      for (let i = 0; i < w[op + 7]; i++) {
        const v = f[a0 + c * aC + i] + f[b0 + c * bC + i];
        f[y0 + c * yC + i] = relu ? Math.max(v, 0) : v;
      }
    }
  }

  /** Fields: out, outOff, in, inOff, channels, scale, shift. */
  private affine(op: number, columns: number): void {
    const w = this.words, f = this.floats;
    const scale = w[op + 6] >> 2, shift = w[op + 7] >> 2;
    const y0 = this.at(w[op + 1], w[op + 2]), yC = this.width(w[op + 1]);
    const x0 = this.at(w[op + 3], w[op + 4]), xC = this.width(w[op + 3]);
    for (let c = 0; c < columns; c++) {
      for (let i = 0; i < w[op + 5]; i++) f[y0 + c * yC + i] = f[x0 + c * xC + i] * f[scale + i] + f[shift + i];
    }
  }

  /** Fields: buffer, offset, channels, bias `[batch][channels]`. */
  private streamBias(op: number, steps: number): void {
    const w = this.words, f = this.floats;
    const channels = w[op + 3], bias = w[op + 4] >> 2, batch = this.plan.batch;
    const y0 = this.at(w[op + 1], w[op + 2]), yC = this.width(w[op + 1]);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < channels; i++) f[y0 + (t * batch + b) * yC + i] += f[bias + b * channels + i];
      }
    }
  }
}
