import { effectiveKernelSize } from './conv-arithmetic.js';

/**
 * Where the outputs of a layer, or of a whole stack, read their input along one spatial dimension, in the
 * notation of Araujo, Norris & Sim ("Computing Receptive Fields of CNNs", Distill 2019): output `o` sees the
 * input indices `o·stride − padding … o·stride − padding + rf − 1`.
 * For integer strides this is exact; a fractional stride (upsampling, transposed convolution) gives the
 * affine envelope of a phase-dependent window (see `upsampleField`).
 */
export interface FieldGeometry {
  /** Receptive field size: how many consecutive input positions one output spans. */
  rf: number;
  /** Effective stride: input positions between neighbouring outputs (the product of the strides). */
  stride: number;
  /** Effective padding: how far before index 0 output 0 starts reading. A causal stack has `rf − 1`. */
  padding: number;
}

/** The field of the input itself: each position sees itself. */
export const IDENTITY_FIELD: Readonly<FieldGeometry> = Object.freeze({ rf: 1, stride: 1, padding: 0 });

/**
 * The field of one sliding-window layer (convolution or pooling): `rf = d(k−1)+1`, its stride, its padding
 * before.
 *
 * @example windowField(3, 2, 1, 1) // { rf: 3, stride: 2, padding: 1 }
 */
export function windowField(kernel: number, stride: number, dilation: number, padBefore: number): FieldGeometry {
  return { rf: effectiveKernelSize(kernel, dilation), stride, padding: padBefore };
}

/**
 * Stacks a layer on top of what it reads (Araujo et al., eqs. 2–3): `rf = rf₀ + (rf_l − 1)·S₀`,
 * `S = S₀·s_l`, `P = P₀ + p_l·S₀`, where `₀` is the field of the layer's input.
 *
 * @example composeFields({ rf: 3, stride: 1, padding: 1 }, windowField(3, 1, 2, 2)) // { rf: 7, stride: 1, padding: 3 }
 */
export function composeFields(below: FieldGeometry, layer: FieldGeometry): FieldGeometry {
  return {
    rf: below.rf + (layer.rf - 1) * below.stride,
    stride: below.stride * layer.stride,
    padding: below.padding + layer.padding * below.stride,
  };
}

/**
 * The input coordinate at the centre of output 0's field, `(rf − 1)/2 − padding`; output `o` is centred at
 * `o·stride + fieldCentre(f)`.
 *
 * @example fieldCentre({ rf: 63, stride: 1, padding: 31 }) // 0
 */
export function fieldCentre(field: FieldGeometry): number {
  return (field.rf - 1) / 2 - field.padding;
}

/**
 * The field of a node that merges branches with one stride (add, concat): the hull of their windows, which is
 * exact because a union of windows at the same stride is again a window.
 *
 * @example unionFields([{ rf: 3, stride: 1, padding: 1 }, { rf: 5, stride: 1, padding: 2 }]) // { rf: 5, stride: 1, padding: 2 }
 */
export function unionFields(fields: readonly FieldGeometry[]): FieldGeometry {
  const padding = Math.max(...fields.map((f) => f.padding));
  const end = Math.max(...fields.map((f) => f.rf - f.padding));
  return { rf: end + padding, stride: fields[0].stride, padding };
}

/**
 * The affine envelope of a transposed convolution's window: input `i` feeds output `i·s − p + t·d`, so output
 * `o` reads `⌈(o + p − d(k−1))/s⌉ … ⌊(o + p)/s⌋` — inside stride `1/s`, padding `(d(k−1) − p)/s`,
 * `rf = d(k−1)/s + 1`.
 *
 * @example transposedWindowField(4, 2, 1, 1) // { rf: 2.5, stride: 0.5, padding: 1 }
 */
export function transposedWindowField(kernel: number, stride: number, dilation: number, padBefore: number): FieldGeometry {
  const span = dilation * (kernel - 1);
  return { rf: span / stride + 1, stride: 1 / stride, padding: (span - padBefore) / stride };
}

/**
 * The affine envelope of resizing by `factor`: nearest reads `⌊o/f⌋ ≥ o/f − (f−1)/f`; linear reads
 * `⌊x⌋, ⌊x⌋+1` with `x = (o + ½)/f − ½`, inside `o/f − (3f−2)/(2f) … o/f + (f+1)/(2f)`.
 *
 * @example upsampleField(2, 'nearest') // { rf: 1.5, stride: 0.5, padding: 0.5 }
 */
export function upsampleField(factor: number, mode: 'nearest' | 'linear'): FieldGeometry {
  // Resizing by 1 reads each sample itself (linear lands exactly on it), whatever the mode.
  if (factor === 1) return { rf: 1, stride: 1, padding: 0 };
  if (mode === 'nearest') {
    const padding = (factor - 1) / factor;
    return { rf: padding + 1, stride: 1 / factor, padding };
  }
  const padding = (3 * factor - 2) / (2 * factor);
  return { rf: padding + (factor + 1) / (2 * factor) + 1, stride: 1 / factor, padding };
}
