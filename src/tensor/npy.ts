/**
 * NumPy `.npy` files (format versions 1.0–3.0): read float32/float64/int32/int64 (little or big endian,
 * C or Fortran order) into a float32 {@link Tensor}; write float32 in C order. Files come from outside, so every
 * length is checked against the bytes actually present before anything is allocated.
 */
import { FormatError, describeValue } from '../errors.js';
import { checkAllocation, checkTensorAllocation } from './memory-budget.js';
import { Tensor } from './tensor.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAX_HEADER = 1 << 20;

type Reader = (view: DataView, offset: number) => number;
const DTYPES: Record<string, { size: number; read: (littleEndian: boolean) => Reader }> = {
  f4: { size: 4, read: (le) => (v, o) => v.getFloat32(o, le) },
  f8: { size: 8, read: (le) => (v, o) => v.getFloat64(o, le) },
  i4: { size: 4, read: (le) => (v, o) => v.getInt32(o, le) },
  i8: { size: 8, read: (le) => (v, o) => Number(v.getBigInt64(o, le)) },
};

/**
 * Parses a `.npy` file.
 *
 * @example
 * const x = readNpy(fs.readFileSync('x.npy'));   // Tensor, float32
 */
export function readNpy(bytes: Uint8Array): Tensor {
  const fail = (message: string): never => { throw new FormatError('readNpy', 'bytes', message); };
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file: the first 6 bytes must be \\x93NUMPY');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number, headerStart: number;
  if (major === 1) { headerLength = view.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated .npy header');
    headerLength = view.getUint32(8, true); headerStart = 12;
  } else return fail(`.npy format version ${major}.${bytes[7]} is not supported (1.0–3.0 are)`);
  if (headerLength > MAX_HEADER) fail(`header length ${headerLength} exceeds the ${MAX_HEADER}-byte limit for a .npy header`);
  if (headerStart + headerLength > bytes.length) {
    fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  }
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !order || !shapeText) return fail(`header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  const dtype = DTYPES[descr[2]];
  if (!dtype) return fail(`dtype ${descr[1]}${descr[2]} is not supported; use float32, float64, int32 or int64`);
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
    const n = Number(s.replace(/L$/, ''));
    if (!Number.isSafeInteger(n) || n < 0) fail(`shape entry ${JSON.stringify(s)} is not a non-negative integer`);
    return n;
  });
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (!Number.isSafeInteger(count * dtype.size) || dataStart + count * dtype.size > bytes.length) {
    fail(`shape (${shape.join(', ')}) needs ${count * dtype.size} bytes of data but the file has ${bytes.length - dataStart}`);
  }
  const read = dtype.read(descr[1] !== '>');
  checkTensorAllocation('readNpy', 'tensor', count);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = read(view, dataStart + i * dtype.size);
  const data = order[1] === 'True' ? fortranToC(values, shape) : values;
  return new Tensor(data, shape);
}

/**
 * Serializes a tensor as a float32 `.npy` (version 1.0, C order) that `numpy.load` reads.
 *
 * @example fs.writeFileSync('y.npy', writeNpy(y));
 */
export function writeNpy(t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new FormatError('writeNpy', 'tensor', `expected a Tensor, got ${describeValue(t)}`);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  checkAllocation('writeNpy', 'file', 10 + header.length + t.size * 4);
  const bytes = new Uint8Array(10 + header.length + t.size * 4);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  const view = new DataView(bytes.buffer, 10 + header.length);
  for (let i = 0; i < t.size; i++) view.setFloat32(i * 4, t.data[i], true);
  return bytes;
}

function fortranToC(values: Float32Array, shape: number[]): Float32Array {
  const out = new Float32Array(values.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let f = 0; f < values.length; f++) {
    let c = 0;
    for (let d = 0; d < rank; d++) c = c * shape[d] + index[d];
    out[c] = values[f];
    for (let d = 0; d < rank; d++) { if (++index[d] < shape[d]) break; index[d] = 0; }
  }
  return out;
}
