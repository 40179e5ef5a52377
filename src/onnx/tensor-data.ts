import { OnnxError, describeValue } from '../errors.js';
import { int64ToNumber, type TensorProto } from './onnx-proto.js';
import { checkedSize, checkValueAllocation, type ElementType, type OnnxValue } from './value.js';
import { checkAllocation } from '../tensor/memory-budget.js';

/**
 * Reads a byte range of an external data file named by a tensor's `location`: `length` bytes from `offset`, or
 * through the end of the file when `length` is undefined. Returns exactly those bytes, and throws when the file
 * is shorter (`loadOnnxFile` supplies a reader that reads only the range, so a 12-byte tensor in a 1 GiB file
 * reads 12 bytes).
 *
 * @example const reader: ExternalDataReader = (location, offset, length) => files[location].subarray(offset, length === undefined ? undefined : offset + length);
 */
export type ExternalDataReader = (location: string, offset: number, length: number | undefined) => Uint8Array;

/** How each ONNX `DataType` is stored in `raw_data` and which typed field holds it otherwise. */
interface DataTypeInfo {
  name: string;
  type: ElementType;
  bytes: number;
  read: (view: DataView, offset: number) => number;
  field: 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data';
  /** Converts a value of the typed field (float16 bits in int32_data, for example). */
  decode?: (value: number) => number;
}

const DATA_TYPES: Record<number, DataTypeInfo> = {
  1: { name: 'FLOAT', type: 'float', bytes: 4, read: (v, o) => v.getFloat32(o, true), field: 'floatData' },
  2: { name: 'UINT8', type: 'int', bytes: 1, read: (v, o) => v.getUint8(o), field: 'int32Data' },
  3: { name: 'INT8', type: 'int', bytes: 1, read: (v, o) => v.getInt8(o), field: 'int32Data' },
  4: { name: 'UINT16', type: 'int', bytes: 2, read: (v, o) => v.getUint16(o, true), field: 'int32Data' },
  5: { name: 'INT16', type: 'int', bytes: 2, read: (v, o) => v.getInt16(o, true), field: 'int32Data' },
  6: { name: 'INT32', type: 'int', bytes: 4, read: (v, o) => v.getInt32(o, true), field: 'int32Data' },
  7: { name: 'INT64', type: 'int', bytes: 8, read: (v, o) => Number(v.getBigInt64(o, true)), field: 'int64Data' },
  9: { name: 'BOOL', type: 'bool', bytes: 1, read: (v, o) => (v.getUint8(o) ? 1 : 0), field: 'int32Data' },
  10: { name: 'FLOAT16', type: 'float', bytes: 2, read: (v, o) => halfToFloat(v.getUint16(o, true)), field: 'int32Data', decode: halfToFloat },
  11: { name: 'DOUBLE', type: 'float', bytes: 8, read: (v, o) => v.getFloat64(o, true), field: 'doubleData' },
  12: { name: 'UINT32', type: 'int', bytes: 4, read: (v, o) => v.getUint32(o, true), field: 'uint64Data' },
  13: { name: 'UINT64', type: 'int', bytes: 8, read: (v, o) => Number(v.getBigUint64(o, true)), field: 'uint64Data' },
  16: { name: 'BFLOAT16', type: 'float', bytes: 2, read: (v, o) => bfloatToFloat(v.getUint16(o, true)), field: 'int32Data', decode: bfloatToFloat },
};

/** The ONNX `DataType` number of each element type, as atrous writes them. */
export const DATA_TYPE_OF: Record<ElementType, number> = { float: 1, int: 7, bool: 9 };

/** The element type ONNX `DataType` `code` maps to, or an error naming the type. */
export function elementTypeOf(op: string, argument: string, code: number): ElementType {
  const info = DATA_TYPES[code];
  if (!info) {
    throw new OnnxError(op, argument, `data type ${code} (${DATA_TYPE_NAMES[code] ?? 'unknown'}) is not supported; atrous reads float, float16, bfloat16, double, bool and the integer types`);
  }
  return info.type;
}

const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 8: 'STRING', 14: 'COMPLEX64', 15: 'COMPLEX128', 17: 'FLOAT8E4M3FN', 18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2', 20: 'FLOAT8E5M2FNUZ', 21: 'UINT4', 22: 'INT4', 23: 'FLOAT4E2M1',
};

/**
 * Converts a `TensorProto` (an initializer or a `Constant`'s value) into an {@link OnnxValue}, from `raw_data`,
 * the typed fields or an external file. Every size is checked before anything is allocated: the dims must be
 * non-negative with a bounded product, and the stored bytes must hold exactly that many elements.
 *
 * @example readTensorProto(model.graph.initializer[0], 'conv1.weight').shape // [64, 3, 7, 7]
 */
export function readTensorProto(proto: TensorProto, op: string, external?: ExternalDataReader): OnnxValue {
  const name = proto.name || op;
  const info = DATA_TYPES[proto.dataType];
  if (!info) elementTypeOf(name, 'data_type', proto.dataType);
  if (proto.segment) throw new OnnxError(name, 'segment', 'segmented tensors (TensorProto.segment) are not supported; save the tensor in one piece');
  const shape = proto.dims.map(int64ToNumber);
  const size = checkedSize(name, 'dims', shape);
  checkValueAllocation(name, info.type, size);
  if (proto.dataLocation === 1) return fromRaw(info, shape, size, externalBytes(proto, name, external), name);
  if (proto.rawData && proto.rawData.length > 0) return fromRaw(info, shape, size, proto.rawData, name);
  const field = proto[info.field] as (number | Parameters<typeof int64ToNumber>[0])[] | undefined ?? [];
  if (field.length !== size) {
    throw new OnnxError(name, 'data', `tensor ${describeValue(name)} of shape ${describeValue(shape)} needs ${size} ${info.name} values but holds ${field.length} (raw_data empty, ${fieldName(info.field)} has ${field.length})`);
  }
  const data = info.type === 'float' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const value = int64ToNumber(field[i] as Parameters<typeof int64ToNumber>[0]);
    data[i] = info.decode ? info.decode(value) : info.type === 'bool' ? (value ? 1 : 0) : value;
  }
  return { type: info.type, shape, data };
}

function fromRaw(info: DataTypeInfo, shape: number[], size: number, raw: Uint8Array, name: string): OnnxValue {
  if (raw.length !== size * info.bytes) {
    throw new OnnxError(name, 'raw_data', `tensor ${describeValue(name)} of shape ${describeValue(shape)} and type ${info.name} needs ${size * info.bytes} bytes but raw_data holds ${raw.length}`);
  }
  if (info.name === 'FLOAT') {
    // One copy into a fresh, aligned buffer (raw may be an unaligned Buffer view into the file, whose `slice`
    // would not copy); the weights then do not keep the file's bytes alive.
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    return { type: 'float', shape, data: new Float32Array(copy.buffer, 0, size) };
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const data = info.type === 'float' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = info.read(view, i * info.bytes);
  return { type: info.type, shape, data };
}

function externalBytes(proto: TensorProto, name: string, external: ExternalDataReader | undefined): Uint8Array {
  const entries = new Map(proto.externalData.map((e) => [e.key, e.value]));
  const location = entries.get('location');
  if (!location) throw new OnnxError(name, 'external_data', `tensor ${describeValue(name)} is stored externally but names no location`);
  if (!external) {
    throw new OnnxError(name, 'external_data', `tensor ${describeValue(name)} is stored in the external file ${describeValue(location)}; load the model with loadOnnxFile(path) (or pass options.externalData) so atrous can read it`);
  }
  const offset = parseExternalNumber(name, 'offset', entries.get('offset') ?? '0');
  const length = entries.has('length') ? parseExternalNumber(name, 'length', entries.get('length')!) : undefined;
  if (length !== undefined) checkAllocation(name, 'external data', length);
  const bytes = external(location, offset, length);
  if (!(bytes instanceof Uint8Array) || (length !== undefined && bytes.length !== length)) {
    throw new OnnxError(name, 'external_data', `tensor ${describeValue(name)} reads ${length ?? 'the rest'} bytes from byte ${offset} of ${describeValue(location)}, but the reader returned ${bytes instanceof Uint8Array ? `${bytes.length} bytes` : describeValue(bytes)}`);
  }
  return bytes;
}

function parseExternalNumber(name: string, key: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new OnnxError(name, 'external_data', `external data ${key} ${describeValue(text)} of tensor ${describeValue(name)} must be a non-negative integer`);
  }
  return value;
}

function fieldName(field: DataTypeInfo['field']): string {
  return { floatData: 'float_data', int32Data: 'int32_data', int64Data: 'int64_data', doubleData: 'double_data', uint64Data: 'uint64_data' }[field];
}

/** IEEE 754 half precision bits → number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits (the top half of a float32) → number. */
export function bfloatToFloat(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}
