import { Tensor, allocatedSize } from './tensor.js';

/**
 * A small seedable generator (mulberry32) so tests, benchmarks and initializers are repeatable run to run.
 *
 * @example
 * const rng = new Random(42); rng.uniform(); // same number on every machine
 */
export class Random {
  private state: number;

  constructor(seed = 0) { this.state = seed >>> 0; }

  /** Uniform in [0, 1). */
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal by Box–Muller. */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A whole number in [0, n). */
  int(n: number): number { return Math.floor(this.uniform() * n); }
}

/** Normal(0, 1) values of `shape` from a seed. @example randn([1, 64, 33, 33], 7) */
export function randn(shape: readonly number[], seed = 0): Tensor {
  const rng = new Random(seed);
  const data = new Float32Array(allocatedSize(shape, 'randn'));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return new Tensor(data, shape);
}

/** Uniform values in [low, high) of `shape` from a seed. @example rand([3, 3], 1, -1, 1) */
export function rand(shape: readonly number[], seed = 0, low = 0, high = 1): Tensor {
  const rng = new Random(seed);
  const data = new Float32Array(allocatedSize(shape, 'rand'));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * rng.uniform();
  return new Tensor(data, shape);
}
