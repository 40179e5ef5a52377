import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError, arange, randn, readNpy, tensor, writeNpy, zeros } from '../../src/index.js';
import { TORCH_FIXTURES, loadTorchFixtures } from '../ops/torch-fixtures.js';

/** A .npy file with a hand-written header (padded as numpy pads it) and raw data bytes. */
function npyBytes(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  const unpadded = 8 + lengthBytes + header.length + 1;
  const text = header + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(8 + lengthBytes + text.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, text.length, true); else view.setUint32(8, text.length, true);
  bytes.set(new TextEncoder().encode(text), 8 + lengthBytes);
  bytes.set(data, 8 + lengthBytes + text.length);
  return bytes;
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => readNpy(bytes), (e: unknown) =>
    e instanceof FormatError && e.op === 'readNpy' && e.argument === 'bytes' && pattern.test(e.message));
}

describe('writeNpy and readNpy', () => {
  it('round-trip float32 tensors of rank 0 to 4, including empty ones', () => {
    for (const t of [tensor([3.5], []), tensor([1, -2, 3]), randn([2, 3], 1), randn([2, 1, 3, 2], 2), zeros([0, 4])]) {
      const back = readNpy(writeNpy(t));
      assert.deepEqual(back.shape, t.shape);
      assert.deepEqual(back.data, t.data);
    }
  });

  it('writes a version 1.0 header that numpy parses: <f4, C order, shape tuple, 64-byte aligned', () => {
    const bytes = writeNpy(arange(6).reshape([2, 3]));
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    assert.equal((10 + headerLength) % 64, 0);
    assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    assert.match(new TextDecoder().decode(writeNpy(tensor([1]))), /'shape': \(1,\)/);
    assert.match(new TextDecoder().decode(writeNpy(tensor([1], []))), /'shape': \(\)/);
  });
});

describe('readNpy on files numpy wrote (fixtures/torch/npy)', () => {
  const { npy } = loadTorchFixtures();

  it('covers float64, int64, int32, Fortran order, big endian, 0-d and 1-d arrays', () => {
    const dtypes = new Set(npy.map((f) => f.dtype));
    for (const dtype of ['<f8', '<i8', '<i4', '>f4', '>f8']) assert.ok(dtypes.has(dtype), dtype);
    assert.ok(npy.some((f) => f.fortranOrder));
    assert.ok(npy.some((f) => f.shape.length === 0));
    assert.ok(npy.some((f) => f.shape.length === 1));
  });

  for (const fixture of npy) {
    it(`reads ${fixture.file} (${fixture.dtype}${fixture.fortranOrder ? ', Fortran order' : ''}, shape [${fixture.shape}]) as float32 in C order`, () => {
      const t = readNpy(readFileSync(new URL(fixture.file, TORCH_FIXTURES)));
      assert.deepEqual(t.shape, fixture.shape);
      assert.deepEqual(Array.from(t.data), fixture.values.map(Math.fround));
    });
  }
});

describe('readNpy on untrusted bytes: a FormatError, never a huge allocation', () => {
  const good = writeNpy(arange(6).reshape([2, 3]));

  it('refuses a file without the \\x93NUMPY magic, and one shorter than the preamble', () => {
    rejects(new TextEncoder().encode('PK\u0003\u0004 this is a zip file'), /not a \.npy file: the first 6 bytes must be \\x93NUMPY/);
    rejects(good.subarray(0, 7), /not a \.npy file/);
  });

  it('refuses unknown format versions', () => {
    const bad = good.slice();
    bad[6] = 9;
    rejects(bad, /\.npy format version 9\.0 is not supported \(1\.0–3\.0 are\)/);
  });

  it('refuses a header cut short and data cut short, saying how many bytes are missing', () => {
    rejects(good.subarray(0, 40), /header length 118 runs past the end of the 40-byte file/);
    rejects(good.subarray(0, good.length - 1), /shape \(2, 3\) needs 24 bytes of data but the file has 23/);
  });

  it('refuses an absurd header length (4 GiB in a version 2.0 file) before reading it', () => {
    const bytes = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4), 2);
    new DataView(bytes.buffer).setUint32(8, 0xffffffff, true);
    rejects(bytes, /header length 4294967295 exceeds the 1048576-byte limit/);
  });

  it('refuses shapes whose size the file cannot hold, however large, without allocating them', () => {
    rejects(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }", new Uint8Array(8)),
      /shape \(1000000000, 1000000000\) needs 4000000000000000000 bytes of data but the file has 8/);
    rejects(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296,), }", new Uint8Array(8)),
      /needs 34359738368 bytes of data but the file has 8/);
    rejects(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }"),
      /is not a non-negative integer|needs/);
  });

  it('refuses negative or non-numeric shape entries', () => {
    rejects(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), /shape entry "-1" is not a non-negative integer/);
    rejects(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (two,), }"), /shape entry "two"/);
  });

  it('refuses unsupported dtypes, naming the supported ones', () => {
    rejects(npyBytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(4)),
      /dtype <f2 is not supported; use float32, float64, int32 or int64/);
    rejects(npyBytes("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(2)), /dtype \|b1 is not supported/);
  });

  it('refuses a header without descr, fortran_order or shape (e.g. a pickled object array)', () => {
    rejects(npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"), /lacks descr, fortran_order or shape/);
    rejects(npyBytes("{'descr': '<f4', 'shape': (2,), }", new Uint8Array(8)), /lacks descr, fortran_order or shape/);
  });

  it('reads a version 2.0 header with the same layout', () => {
    const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const t = readNpy(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data, 2));
    assert.deepEqual(Array.from(t.data), [1.5, -2]);
  });
});
