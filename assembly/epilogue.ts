/**
 * The conv epilogue inside the kernels: y = activation(y + residual) over a run of one channel's outputs, applied
 * by the task that computed them right after their last tap, while they are still in cache (src/kernels/epilogue.ts
 * defines it; the host passes it in the parameter block). relu, leakyRelu and clip run here; sigmoid, tanh and
 * hardSwish (transcendental or rarely after a conv) stay one pass on the host after the residual added here.
 *
 * NaN handling matches the host's: relu maps NaN to 0 (pmax), leakyRelu and clip keep it.
 */
import * as p from './params';

export const ACTIVATION_NONE: i32 = 0;
export const ACTIVATION_RELU: i32 = 1;
export const ACTIVATION_LEAKY_RELU: i32 = 2;
export const ACTIVATION_CLIP: i32 = 3;

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
    v128.store(y + at4, v);
  }
  for (let i = vectorWidth; i < width; i++) {
    const at1 = <usize>i << 2;
    let v = load<f32>(y + at1);
    if (residualBase != 0) v += load<f32>(residual + at1);
    if (kind == ACTIVATION_RELU) v = v > 0 ? v : 0;
    else if (kind == ACTIVATION_LEAKY_RELU) v = v >= 0 ? v : a * v;
    else if (kind == ACTIVATION_CLIP) v = min(b, max(a, v));
    store<f32>(y + at1, v);
  }
}
