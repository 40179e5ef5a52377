/** Issue 17, items 3 and 10: wrong types and impossible sizes are typed errors, never raw exceptions or float bits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FormatError, MemoryLimitError, OptionError, ShapeError, Tensor, arange, full, getMemoryLimit, rand, randn, readNpy,
  readSafetensors, setMemoryLimit, tensor, writeNpy, writeSafetensors, zeros,
} from '../../src/index.js';

function throwsTyped(fn: () => unknown, type: new (...args: never[]) => Error, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof type && pattern.test((e as Error).message), String(fn));
}

/** A safetensors file whose single 4-byte tensor "x" has `dtype`. */
function safetensorsWithDtype(dtype: string): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ x: { dtype, shape: [1], data_offsets: [0, 4] } }));
  const bytes = new Uint8Array(8 + header.length + 4);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  return bytes;
}

describe('Tensor data must be float32', () => {
  it('new Tensor on an Int32Array is refused rather than read as float bits', () => {
    throwsTyped(() => new Tensor(new Int32Array([123]) as unknown as Float32Array, [1]), ShapeError, /must be a Float32Array; convert other numbers with tensor\(data, shape\)/);
  });

  it('tensor() converts other numeric arrays by value, BigInt arrays included', () => {
    assert.deepEqual(Array.from(tensor(new Int32Array([123, -4]), [2]).data), [123, -4]);
    assert.deepEqual(Array.from(tensor(new Float64Array([0.5]), [1]).data), [0.5]);
    assert.deepEqual(Array.from(tensor(new BigInt64Array([7n]) as unknown as ArrayLike<number>, [1]).data), [7]);
  });

  it('Tensor(null), tensor(null) and non-number values are typed errors', () => {
    throwsTyped(() => new Tensor(null as unknown as Float32Array, [1]), ShapeError, /data null must be a Float32Array/);
    throwsTyped(() => tensor(null as unknown as number[]), ShapeError, /must be an array or typed array of numbers/);
    throwsTyped(() => tensor(['x'] as unknown as number[]), ShapeError, /data\[0\] is "x"; every value must be a number/);
    throwsTyped(() => new Tensor(new Float32Array(1), null as unknown as number[]), ShapeError, /shape null must be an array/);
  });

  it('shapes past 2^53 values are refused, not rounded', () => {
    throwsTyped(() => zeros([2 ** 53]), ShapeError, /below 2\^53/);
    throwsTyped(() => zeros([2 ** 30, 2 ** 30, 2 ** 30]), ShapeError, /past 2\^53/);
  });
});

describe('creation helpers check the memory budget before allocating', () => {
  for (const [name, make] of [
    ['zeros', () => zeros([2 ** 40])], ['full', () => full([2 ** 40], 1)], ['arange', () => arange(2 ** 40)],
    ['randn', () => randn([2 ** 40])], ['rand', () => rand([2 ** 40])],
  ] as const) {
    it(`${name} of 2^40 values is a MemoryLimitError naming 4 TiB`, () => {
      throwsTyped(make, MemoryLimitError, new RegExp(`^${name}: the tensor would need 4 TiB, more than the memory limit`));
    });
  }

  it('a raised budget still refuses what no typed array can hold', () => {
    const previous = setMemoryLimit(2 ** 50);
    try {
      throwsTyped(() => zeros([2 ** 33]), MemoryLimitError, /more than the 4294967295 one typed array can address/);
    } finally {
      setMemoryLimit(previous);
    }
    assert.equal(getMemoryLimit(), previous);
  });

  it('full and arange refuse non-numbers', () => {
    throwsTyped(() => full([2], 'x' as unknown as number), OptionError, /value "x" must be a number/);
    throwsTyped(() => arange(NaN), OptionError, /stop NaN must be a finite number/);
    throwsTyped(() => arange(0, Infinity), OptionError, /stop Infinity must be a finite number/);
  });
});

describe('file formats refuse wrong arguments with FormatError', () => {
  it('readNpy(null) and writeNpy(null)', () => {
    throwsTyped(() => readNpy(null as unknown as Uint8Array), FormatError, /expected the file's bytes as a Uint8Array, got null/);
    throwsTyped(() => writeNpy(null as unknown as Tensor), FormatError, /expected a Tensor, got null/);
  });

  it('an empty .npy of shape (0, 1, 2^27, 2^27) reads as an empty tensor at once', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1, 134217728, 134217728), }";
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const bytes = new Uint8Array(10 + padded.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, padded.length, true);
    bytes.set(new TextEncoder().encode(padded), 10);
    const t = readNpy(bytes);
    assert.deepEqual(t.shape, [0, 1, 2 ** 27, 2 ** 27]);
    assert.equal(t.size, 0);
  });

  for (const dtype of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    it(`readSafetensors with dtype "${dtype}" is a FormatError (dtype lookups on own keys only)`, () => {
      throwsTyped(() => readSafetensors(safetensorsWithDtype(dtype)), FormatError, new RegExp(`has dtype "${dtype.replace(/_/g, '_')}"; supported: F64`));
    });
  }

  it('writeSafetensors(null) and non-object metadata', () => {
    throwsTyped(() => writeSafetensors(null as unknown as Record<string, Tensor>), FormatError, /must be a Map or an object of Tensors/);
    throwsTyped(() => writeSafetensors({}, 'x' as unknown as Record<string, string>), FormatError, /metadata "x" must be an object/);
  });
});
