/**
 * The conv epilogue inside the kernels: y = activation(y + residual) over a run of one channel's outputs, applied
 * by the task that computed them right after their last tap, while they are still in cache (src/kernels/epilogue.ts
 * defines it; the host passes it in the parameter block). Every activation of the host's list runs here: relu,
 * leakyRelu, clip, hardSwish, and sigmoid and tanh on the vectorized functions of pointwise.ts (3 and 2 ulp; the
 * host's reference pass uses Math.exp and Math.tanh, so fused results agree with it to a few ulps).
 *
 * NaN handling matches the host's: relu maps NaN to 0 (pmax), the others keep it.
 */
import * as p from './params';
import { sigmoid4, tanh4 } from './pointwise';

export const ACTIVATION_NONE: i32 = 0;
export const ACTIVATION_RELU: i32 = 1;
export const ACTIVATION_LEAKY_RELU: i32 = 2;
export const ACTIVATION_CLIP: i32 = 3;
export const ACTIVATION_HARD_SWISH: i32 = 4;
export const ACTIVATION_SIGMOID: i32 = 5;
export const ACTIVATION_TANH: i32 = 6;

/** True when the job carries an epilogue (a residual or an activation to apply in the kernel). */
// @ts-ignore: decorator
@inline export function hasEpilogue(params: usize): bool {
  return p.slot(params, p.RESIDUAL) != 0 || p.slot(params, p.ACTIVATION) != ACTIVATION_NONE;
}

/**
 * y[0 … width) = activation(y + residual[channel, at … at + width)): `channel` indexes the dense residual
 * [N·Cout][OD·OH·OW] (no channel padding), `at` the first output position of the run.
 */
export function epilogueRun(params: usize, y: usize, channel: i32, at: i32, width: i32): void {
  const residualBase = <usize>p.slot(params, p.RESIDUAL);
  const positions = p.slot(params, p.OD) * p.slot(params, p.OH) * p.slot(params, p.OW);
  const residual = residualBase + (<usize>(channel * positions + at) << 2);
  const kind = p.slot(params, p.ACTIVATION);
  const a = reinterpret<f32>(p.slot(params, p.ACTIVATION_A)), b = reinterpret<f32>(p.slot(params, p.ACTIVATION_B));
  const av = f32x4.splat(a), bv = f32x4.splat(b), zero = f32x4.splat(0);
  const vectorWidth = width & ~3;
  for (let i = 0; i < vectorWidth; i += 4) {
    const at4 = <usize>i << 2;
    let v = v128.load(y + at4);
    if (residualBase != 0) v = f32x4.add(v, v128.load(residual + at4));
    if (kind == ACTIVATION_RELU) v = f32x4.pmax(zero, v);
    else if (kind == ACTIVATION_LEAKY_RELU) v = v128.bitselect(v, f32x4.mul(av, v), f32x4.ge(v, zero));
    else if (kind == ACTIVATION_CLIP) v = f32x4.min(bv, f32x4.max(av, v));
    else if (kind != ACTIVATION_NONE) v = transcendental(kind, v);
    v128.store(y + at4, v);
  }
  for (let i = vectorWidth; i < width; i++) {
    const at1 = <usize>i << 2;
    let v = load<f32>(y + at1);
    if (residualBase != 0) v += load<f32>(residual + at1);
    if (kind == ACTIVATION_RELU) v = v > 0 ? v : 0;
    else if (kind == ACTIVATION_LEAKY_RELU) v = v >= 0 ? v : a * v;
    else if (kind == ACTIVATION_CLIP) v = min(b, max(a, v));
    else if (kind != ACTIVATION_NONE) v = f32x4.extract_lane(transcendental(kind, f32x4.splat(v)), 0);
    store<f32>(y + at1, v);
  }
}

/** hardSwish x·clamp(x/6 + 1/2, 0, 1), σ or tanh on four lanes. */
// @ts-ignore: decorator
@inline function transcendental(kind: i32, v: v128): v128 {
  if (kind == ACTIVATION_HARD_SWISH) {
    const gate = f32x4.min(f32x4.splat(1), f32x4.max(f32x4.splat(0), f32x4.add(f32x4.div(v, f32x4.splat(6)), f32x4.splat(0.5))));
    return f32x4.mul(v, gate);
  }
  if (kind == ACTIVATION_SIGMOID) return sigmoid4(v);
  return tanh4(v);
}
