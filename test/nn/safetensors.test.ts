import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, readSafetensors, readSafetensorsHeader, tensor, writeSafetensors } from '../../src/index.js';
import { loadFixture } from './torch-fixtures.js';

/** Builds a file from a header object and raw data bytes. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => readSafetensors(bytes), (e: unknown) => e instanceof FormatError && pattern.test(e.message));
}

describe('.safetensors', () => {
  it('round-trips float32 tensors and metadata, with the header padded to 8 bytes', () => {
    const bytes = writeSafetensors({ 'a.weight': tensor([1, 2, 3, 4, 5, 6], [2, 3]), scalar: tensor([7], []) }, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(headerLength % 8, 0);
    const back = readSafetensors(bytes);
    assert.deepEqual([...back.get('a.weight')!.shape], [2, 3]);
    assert.deepEqual(Array.from(back.get('a.weight')!.data), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...back.get('scalar')!.shape], []);
    assert.deepEqual(readSafetensorsHeader(bytes).metadata, { format: 'pt' });
  });

  it('reads PyTorch-written files, int64 buffers (num_batches_tracked) included', () => {
    const { tensors, metadata } = loadFixture('bottleneck_dilated');
    assert.equal(metadata.torch.startsWith('1.13'), true);
    assert.equal(tensors.get('state.bn1.num_batches_tracked')!.data[0], 0);
    assert.equal(tensors.get('after.bn1.num_batches_tracked')!.data[0], 1);
  });

  it('decodes F16, BF16, F64 and integer dtypes', () => {
    const data = new Uint8Array(2 + 2 + 8 + 1);
    const view = new DataView(data.buffer);
    view.setUint16(0, 0x3c00, true);      // F16 1.0
    view.setUint16(2, 0xc040, true);      // BF16 -3.0
    view.setFloat64(4, 0.25, true);
    view.setInt8(12, -5);
    const t = readSafetensors(file({
      h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] }, b: { dtype: 'BF16', shape: [1], data_offsets: [2, 4] },
      d: { dtype: 'F64', shape: [1], data_offsets: [4, 12] }, i: { dtype: 'I8', shape: [1], data_offsets: [12, 13] },
    }, data));
    assert.deepEqual(['h', 'b', 'd', 'i'].map((k) => t.get(k)!.data[0]), [1, -3, 0.25, -5]);
  });

  it('refuses malformed files with a FormatError that says what is wrong', () => {
    rejects(new Uint8Array(5), /8-byte header length/);
    rejects(file({}, new Uint8Array(0), 1n << 60n), /runs past the end/);
    rejects(file('{"a": '), /not valid UTF-8 JSON/);
    rejects(file('[1, 2]'), /must be a JSON object/);
    rejects(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), /data_offsets \[0, 8\]/);
    rejects(file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes but data_offsets give 8/);
    rejects(file({ a: { dtype: 'F32', shape: [1e15, 1e15], data_offsets: [0, 4] } }, new Uint8Array(4)), /needs 4000000000000000000000000000000 bytes but data_offsets give 4/);
    rejects(file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /non-negative integers/);
    rejects(file({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /dtype "C64"/);
    rejects(file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /without overlaps or holes/);
    rejects(file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /cover 4 bytes but the data buffer has 8/);
    rejects(file({ __metadata__: { a: 1 } }), /__metadata__ must map strings to strings/);
  });
});
