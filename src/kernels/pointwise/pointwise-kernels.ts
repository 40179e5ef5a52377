/**
 * The transcendental pointwise kernels (exp, tanh, sigmoid, GELU, erf) and WaveNet's fused gate, dispatched like
 * the convolutions: WebAssembly SIMD (four lanes, split over the worker pool) when the `wasm` backend is active,
 * plain JS loops otherwise. Both agree to a few float32 ulps (see assembly/pointwise.ts for the bounds).
 */
import { activeKernels } from '../backend.js';
// Registers the backends, so ops that import these kernels directly work without the package entry point.
import '../index.js';
import { wasmRuntime } from '../wasm/wasm-runtime.js';
import { gateJs, transcendentalJs } from './pointwise-js.js';
import type { GateLayout, TranscendentalKind } from './pointwise-kind.js';
import { gateWasm, transcendentalWasm } from './pointwise-wasm.js';

export type { GateLayout, TranscendentalKind } from './pointwise-kind.js';

/** `out[i] = f(x[i])`; `out` may be `x` (in place). Returns `out`. */
export function transcendental(kind: TranscendentalKind, x: Float32Array, out: Float32Array): Float32Array {
  const rt = activeKernels().name === 'wasm' ? wasmRuntime() : null;
  if (!rt || !transcendentalWasm(rt, kind, x, out)) transcendentalJs(kind, x, out);
  return out;
}

/** `out[r·length + i] = tanh(src[aOffset + r·rowStride + i])·σ(src[bOffset + r·rowStride + i])`. Returns `out`. */
export function gate(src: Float32Array, layout: GateLayout, out: Float32Array): Float32Array {
  const rt = activeKernels().name === 'wasm' ? wasmRuntime() : null;
  if (!rt || !gateWasm(rt, src, layout, out)) gateJs(src, layout, out);
  return out;
}
