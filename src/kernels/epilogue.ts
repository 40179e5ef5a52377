/**
 * Conv epilogues: the work a runtime would otherwise do in separate passes over a conv's output — a residual add
 * and an activation — described once so every backend can apply it while the output is still hot (the WASM
 * kernels in their tile loop; the others in one pass after the conv, which is the reference behaviour).
 *
 * Order, as a fused graph computes it: y = activation(conv(x, w) + bias + residual).
 */
import type { ConvGeometry } from '../geometry/conv-geometry.js';

/** Activations a conv output can carry (the ones ONNX graphs and `nn` blocks put right after a conv). */
export type EpilogueActivation =
  | { kind: 'relu' }
  | { kind: 'leakyRelu'; alpha: number }
  | { kind: 'clip'; min: number; max: number }
  | { kind: 'sigmoid' }
  | { kind: 'tanh' }
  | { kind: 'hardSwish' };

/** What is applied to a conv's output before it is stored. */
export interface ConvEpilogue {
  /** `[N, Cout, ...outSize]`, added after the bias (a residual connection); must not alias the output. */
  residual?: Float32Array | null;
  activation?: EpilogueActivation | null;
}

/** Caller-provided output buffer and epilogue of a forward conv. */
export interface ConvForwardOptions {
  /** `[N, Cout, ...outSize]`: written in full and returned (no fresh allocation). */
  out?: Float32Array | null;
  epilogue?: ConvEpilogue | null;
}

/** Caller-provided output buffer of a gradient kernel (written in full and returned). */
export interface ConvGradientOptions {
  out?: Float32Array | null;
}

/**
 * Options of the fused backward entry (`ConvKernels.convBackward`): which gradients to compute (both by default)
 * and caller-provided buffers for them (each written in full and returned).
 */
export interface ConvBackwardKernelOptions {
  /** Compute dx `[N, Cin, ...inSize]` (default true). */
  input?: boolean;
  /** Compute dw `[Cout, Cin/groups, ...kernelSize]` (default true). */
  weight?: boolean;
  outInput?: Float32Array | null;
  outWeight?: Float32Array | null;
}

/** The gradients a fused backward computed; null for one not asked for. */
export interface ConvBackwardKernelResult {
  input: Float32Array | null;
  weight: Float32Array | null;
}

/** Number of values of the conv's output `[N, Cout, ...outSize]`. */
export function convOutputLength(g: ConvGeometry): number {
  return g.outSize.reduce((a, b) => a * b, g.batch * g.outChannels);
}

/** Applies `epilogue` in place to `y[start, end)`; `residual` is indexed like `y`. */
export function applyEpilogue(y: Float32Array, epilogue: ConvEpilogue | null | undefined, start = 0, end = y.length): void {
  if (!epilogue) return;
  const residual = epilogue.residual;
  if (residual) for (let i = start; i < end; i++) y[i] += residual[i];
  const activation = epilogue.activation;
  if (!activation) return;
  switch (activation.kind) {
    case 'relu': for (let i = start; i < end; i++) y[i] = y[i] > 0 ? y[i] : 0; break;
    case 'leakyRelu': { const a = activation.alpha; for (let i = start; i < end; i++) y[i] = y[i] >= 0 ? y[i] : a * y[i]; break; }
    case 'clip': { const lo = activation.min, hi = activation.max; for (let i = start; i < end; i++) y[i] = Math.min(hi, Math.max(lo, y[i])); break; }
    case 'sigmoid': for (let i = start; i < end; i++) y[i] = 1 / (1 + Math.exp(-y[i])); break;
    case 'tanh': for (let i = start; i < end; i++) y[i] = Math.tanh(y[i]); break;
    case 'hardSwish': for (let i = start; i < end; i++) { const v = y[i]; y[i] = v * Math.min(1, Math.max(0, v / 6 + 0.5)); } break;
  }
}

/**
 * Finishes a forward conv computed into a fresh array `y`: copies it into the caller's `out` when there is one and
 * applies the epilogue. Backends that cannot fuse yet call this; results equal a fused backend's to rounding.
 */
export function finishForward(y: Float32Array, options: ConvForwardOptions | undefined): Float32Array {
  const out = options?.out ?? null;
  const target = out && out !== y ? (out.set(y), out) : y;
  applyEpilogue(target, options?.epilogue);
  return target;
}

/** Copies a gradient computed into a fresh array into the caller's `out`, when there is one. */
export function finishGradient(result: Float32Array, options: ConvGradientOptions | undefined): Float32Array {
  const out = options?.out ?? null;
  if (!out || out === result) return result;
  out.set(result);
  return out;
}
