/**
 * `.safetensors` (Hugging Face's weight format, what PyTorch users share state dicts in): an 8-byte
 * little-endian header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`
 * and one raw little-endian byte buffer. Files come from outside, so every length, offset and shape is checked
 * against the bytes actually present before anything is allocated, and the tensors must tile the buffer exactly
 * (no overlaps, no holes), as the reference implementation requires.
 */
import { FormatError, describeValue } from '../errors.js';
import { Tensor } from './tensor.js';
import { checkAllocation, checkTensorAllocation } from './memory-budget.js';

/** Header length limit of the reference implementation (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;
/** Highest tensor rank accepted (far above any real weight). */
const MAX_RANK = 64;

type Decoder = (view: DataView, offset: number) => number;
const DTYPES: Record<string, { size: number; read: Decoder }> = {
  F64: { size: 8, read: (v, o) => v.getFloat64(o, true) },
  F32: { size: 4, read: (v, o) => v.getFloat32(o, true) },
  F16: { size: 2, read: (v, o) => halfToFloat(v.getUint16(o, true)) },
  BF16: { size: 2, read: (v, o) => bfloat16ToFloat(v.getUint16(o, true)) },
  I64: { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  I32: { size: 4, read: (v, o) => v.getInt32(o, true) },
  I16: { size: 2, read: (v, o) => v.getInt16(o, true) },
  I8: { size: 1, read: (v, o) => v.getInt8(o) },
  U64: { size: 8, read: (v, o) => Number(v.getBigUint64(o, true)) },
  U32: { size: 4, read: (v, o) => v.getUint32(o, true) },
  U16: { size: 2, read: (v, o) => v.getUint16(o, true) },
  U8: { size: 1, read: (v, o) => v.getUint8(o) },
  BOOL: { size: 1, read: (v, o) => (v.getUint8(o) ? 1 : 0) },
};

/** One tensor's entry in a safetensors header. */
export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** Byte range inside the data buffer. */
  dataOffsets: [number, number];
}

/** The parsed header: entries by name and the free-form string metadata. */
export interface SafetensorsHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Where the data buffer starts in the file. */
  dataStart: number;
}

/**
 * Reads and validates a safetensors header without touching the tensor data.
 *
 * @example readSafetensorsHeader(bytes).metadata // { format: 'pt' }
 */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  const fail = (message: string): never => { throw new FormatError('readSafetensors', 'bytes', message); };
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < 8) fail(`a .safetensors file starts with an 8-byte header length; this one has ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file (or exceeds the 100 MB limit)`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (e) {
    return fail(`the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return fail('the header must be a JSON object of tensor entries');
  const dataLength = bytes.length - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
        fail('__metadata__ must map strings to strings');
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    entries.set(name, parseEntry(name, raw, dataLength, fail));
  }
  const ordered = [...entries].sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  let covered = 0;
  for (const [name, entry] of ordered) {
    if (entry.dataOffsets[0] !== covered) {
      fail(`tensor "${name}" starts at byte ${entry.dataOffsets[0]} of the data buffer but the previous tensor ends at ${covered}; tensors must tile the buffer without overlaps or holes`);
    }
    covered = entry.dataOffsets[1];
  }
  if (covered !== dataLength) fail(`the tensors cover ${covered} bytes but the data buffer has ${dataLength}`);
  return { entries, metadata, dataStart };
}

/**
 * Reads every tensor of a `.safetensors` file as float32 (F64/F16/BF16 and integer types are converted), by name.
 *
 * @example model.loadStateDict(readSafetensors(fs.readFileSync('aspp.safetensors')));
 */
export function readSafetensors(bytes: Uint8Array): Map<string, Tensor> {
  const { entries, dataStart } = readSafetensorsHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, Tensor>();
  for (const [name, entry] of entries) {
    const { size, read } = DTYPES[entry.dtype];
    const count = (entry.dataOffsets[1] - entry.dataOffsets[0]) / size;
    checkTensorAllocation('readSafetensors', `tensor "${name}"`, count);
    const data = new Float32Array(count);
    const base = dataStart + entry.dataOffsets[0];
    for (let i = 0; i < count; i++) data[i] = read(view, base + i * size);
    out.set(name, new Tensor(data, entry.shape));
  }
  return out;
}

/**
 * Serializes tensors (a state dict) as float32 `.safetensors` that `safetensors.torch.load_file` reads; the
 * header is padded with spaces to a multiple of 8 bytes so the data stays aligned.
 *
 * @example fs.writeFileSync('model.safetensors', writeSafetensors(model.stateDict(), { format: 'pt' }));
 */
export function writeSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new FormatError('writeSafetensors', 'tensors', `tensors ${describeValue(tensors)} must be a Map or an object of Tensors by name`);
  }
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new FormatError('writeSafetensors', 'metadata', `metadata ${describeValue(metadata)} must be an object of strings`);
  }
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata) {
    if (Object.values(metadata).some((v) => typeof v !== 'string')) {
      throw new FormatError('writeSafetensors', 'metadata', 'metadata values must be strings');
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new FormatError('writeSafetensors', 'tensors', `"${name}" is not a Tensor`);
    if (name === '__metadata__') throw new FormatError('writeSafetensors', 'tensors', 'no tensor may be named "__metadata__"');
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.size * 4] };
    offset += t.size * 4;
  }
  let json = JSON.stringify(header);
  const encoded = new TextEncoder().encode(json);
  const padded = Math.ceil(encoded.length / 8) * 8;
  json += ' '.repeat(padded - encoded.length);
  const headerBytes = new TextEncoder().encode(json);
  checkAllocation('writeSafetensors', 'file', 8 + headerBytes.length + offset);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const [, t] of entries) {
    for (let i = 0; i < t.size; i++) view.setFloat32(position + i * 4, t.data[i], true);
    position += t.size * 4;
  }
  return out;
}

function parseEntry(name: string, raw: unknown, dataLength: number, fail: (message: string) => never): SafetensorsEntry {
  if (raw === null || typeof raw !== 'object') return fail(`entry "${name}" must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
    fail(`tensor "${name}" has dtype ${describeValue(dtype)}; supported: ${Object.keys(DTYPES).join(', ')}`);
  }
  if (!Array.isArray(shape) || shape.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    fail(`tensor "${name}" has shape ${describeValue(shape)}; it must be a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((n) => !Number.isSafeInteger(n) || n < 0) || offsets[0] > offsets[1] || offsets[1] > dataLength) {
    fail(`tensor "${name}" has data_offsets ${describeValue(offsets)}; they must be [begin, end] with 0 ≤ begin ≤ end ≤ ${dataLength} (the data buffer's size)`);
  }
  if ((shape as number[]).length > MAX_RANK) fail(`tensor "${name}" has rank ${(shape as number[]).length}; at most ${MAX_RANK} is supported`);
  // Exact in BigInt, so a hostile shape cannot overflow to a plausible size.
  const needed = (shape as number[]).reduce((p, n) => p * BigInt(n), 1n) * BigInt(DTYPES[dtype as string].size);
  const bytes = (offsets as number[])[1] - (offsets as number[])[0];
  if (needed !== BigInt(bytes)) {
    fail(`tensor "${name}" of shape ${describeValue(shape)} and dtype ${dtype} needs ${needed} bytes but data_offsets give ${bytes}`);
  }
  return { dtype: dtype as string, shape: (shape as number[]).slice(), dataOffsets: [(offsets as number[])[0], (offsets as number[])[1]] };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16ToFloat(b: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, b << 16);
  return view.getFloat32(0);
}
