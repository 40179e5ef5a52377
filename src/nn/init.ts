/**
 * Parameter initialization as PyTorch's layer defaults, from a seedable generator: `manualSeed(n)` makes every
 * layer built afterwards repeatable, and each layer also accepts its own `random`.
 */
import { OptionError, describeValue } from '../errors.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

let defaultRandom = new Random(0);

/**
 * Reseeds the generator layers use when none is passed (as `torch.manual_seed`; the numbers differ from
 * PyTorch's, the distributions are the same).
 *
 * @example manualSeed(42); const a = new Conv2d({ ... }); // same weights every run
 */
export function manualSeed(seed: number): void { defaultRandom = new Random(seed); }

/** The generator layers draw from when none is passed. */
export function defaultGenerator(): Random { return defaultRandom; }

/** Fan-in and fan-out of a weight, as PyTorch's `_calculate_fan_in_and_fan_out`: dims 1 and 0 times the kernel size. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new OptionError('fans', 'shape', `fan-in needs a weight of rank ≥ 2, got ${describeValue(shape)}`);
  const receptive = shape.slice(2).reduce((p, n) => p * n, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Values uniform in [−bound, bound). @example uniform([3], 0.5, new Random(1)) */
export function uniform(shape: readonly number[], bound: number, random: Random = defaultRandom): Tensor {
  const data = new Float32Array(shape.reduce((p, n) => p * n, 1));
  for (let i = 0; i < data.length; i++) data[i] = (2 * random.uniform() - 1) * bound;
  return new Tensor(data, shape);
}

/** Normal values with mean `mean` and standard deviation `std`. @example normal([8, 8, 3], 0, 0.01) // Bai et al.'s TCN init */
export function normal(shape: readonly number[], mean: number, std: number, random: Random = defaultRandom): Tensor {
  const data = new Float32Array(shape.reduce((p, n) => p * n, 1));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * random.normal();
  return new Tensor(data, shape);
}

/**
 * Kaiming-uniform with negative slope `a` (PyTorch `kaiming_uniform_`, fan-in mode, leaky-relu gain):
 * bound `√(6/((1+a²)·fanIn))`. Conv and Linear weights default to `a = √5`, i.e. bound `1/√fanIn`.
 *
 * @example kaimingUniform([64, 3, 3, 3], Math.sqrt(5))
 */
export function kaimingUniform(shape: readonly number[], a = 0, random: Random = defaultRandom): Tensor {
  const { fanIn } = fans(shape);
  return uniform(shape, Math.sqrt(6 / ((1 + a * a) * fanIn)), random);
}

/** Kaiming-normal (fan-out, ReLU gain), torchvision's ResNet conv init: std `√(2/fanOut)`. @example kaimingNormalFanOut([64, 3, 7, 7]) */
export function kaimingNormalFanOut(shape: readonly number[], random: Random = defaultRandom): Tensor {
  const { fanOut } = fans(shape);
  return normal(shape, 0, Math.sqrt(2 / fanOut), random);
}
