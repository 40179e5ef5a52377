import { ShapeError, describeValue } from '../errors.js';
import { reduceChannels } from '../kernels/pointwise/pointwise-kernels.js';
import { Tensor } from '../tensor/tensor.js';

/** Checks an optional bias of `channels` values and returns its data. */
export function checkBias(op: string, bias: Tensor | null | undefined, channels: number): Float32Array | null {
  if (bias === undefined || bias === null) return null;
  if (!(bias instanceof Tensor)) throw new ShapeError(op, 'bias', `bias must be a Tensor of shape [${channels}], got ${describeValue(bias)}`);
  if (bias.size !== channels || bias.rank !== 1) {
    throw new ShapeError(op, 'bias', `bias shape ${describeValue(bias.shape)} must be [${channels}], one value per output channel`);
  }
  return bias.data;
}

/** The bias gradient: dy `[N, C, P]` summed over batch and positions → `[C]`. */
export function biasGradient(dy: Float32Array, batch: number, channels: number, positions: number): Tensor {
  const grad = new Float32Array(channels);
  if (reduceChannels(dy, batch, channels, positions, grad)) return new Tensor(grad, [channels]);
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * positions;
      let sum = 0;
      for (let p = 0; p < positions; p++) sum += dy[base + p];
      grad[c] += sum;
    }
  }
  return new Tensor(grad, [channels]);
}

/** Throws unless `value` is a Tensor. */
export function checkTensor(op: string, argument: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) {
    throw new ShapeError(op, argument, `${argument} must be a Tensor (build one with tensor(data, shape)), got ${describeValue(value)}`);
  }
  return value;
}
