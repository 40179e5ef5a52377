/**
 * Writes small ONNX models for tests with the same protobuf schema atrous reads, so tests can aim at one
 * operator, attribute or malformation at a time and compare atrous with onnxruntime-node on it.
 */
import { onnxTypes } from '../../src/onnx/onnx-proto.js';

/** An attribute value: `{ i }`, `{ f }`, `{ s }`, `{ ints }`, `{ floats }`, `{ t }` (a tensor) or `{ g }` (a subgraph). */
export type AttributeSpec = { i: number } | { f: number } | { s: string } | { ints: number[] } | { floats: number[] } | { t: TensorSpec } | { g: GraphSpec };

/** A graph value: a tensor of `elemType` (float by default; `dims` optional), or a sequence of float tensors. */
export interface ValueSpec { name: string; dims?: (number | string)[]; elemType?: number; sequence?: boolean }

/** An If branch or Loop body. */
export interface GraphSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
}

export interface TensorSpec {
  name?: string;
  dims: number[];
  /** ONNX DataType: 1 float (default), 7 int64, 11 double, 10 float16, 9 bool, 6 int32. */
  dataType?: number;
  /** Values (float16: the bit patterns); stored in raw_data unless `field` names a typed field. */
  values: number[];
  field?: 'floatData' | 'int64Data' | 'int32Data' | 'doubleData';
  /** Store externally: location/offset/length entries instead of data. */
  external?: { location: string; offset?: number; length?: number };
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, AttributeSpec>;
}

export interface ModelSpec {
  opset?: number;
  inputs: (ValueSpec & { dims: (number | string)[] })[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  valueInfo?: { name: string; dims: (number | string)[] }[];
}

/** Little-endian bytes of `values` in ONNX DataType `dataType`. */
export function tensorBytes(values: number[], dataType = 1): Uint8Array {
  const size = { 1: 4, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 }[dataType as 1]!;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (dataType === 1) view.setFloat32(i * 4, v, true);
    else if (dataType === 6) view.setInt32(i * 4, v, true);
    else if (dataType === 7) view.setBigInt64(i * 8, BigInt(v), true);
    else if (dataType === 9) view.setUint8(i, v ? 1 : 0);
    else if (dataType === 11) view.setFloat64(i * 8, v, true);
    else if (dataType === 10) view.setUint16(i * 2, v, true);
    else throw new Error(`tensorBytes: type ${dataType}`);
  });
  return new Uint8Array(view.buffer);
}

function tensorObject(t: TensorSpec): Record<string, unknown> {
  const dataType = t.dataType ?? 1;
  const base: Record<string, unknown> = { name: t.name ?? '', dims: t.dims, dataType };
  if (t.external) {
    const entries = [{ key: 'location', value: t.external.location }];
    if (t.external.offset !== undefined) entries.push({ key: 'offset', value: String(t.external.offset) });
    if (t.external.length !== undefined) entries.push({ key: 'length', value: String(t.external.length) });
    return { ...base, dataLocation: 1, externalData: entries };
  }
  if (t.field) return { ...base, [t.field]: t.values };
  return { ...base, rawData: tensorBytes(t.values, dataType) };
}

function attributeObject(name: string, a: AttributeSpec): Record<string, unknown> {
  if ('i' in a) return { name, type: 2, i: a.i };
  if ('f' in a) return { name, type: 1, f: a.f };
  if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: 7, ints: a.ints };
  if ('floats' in a) return { name, type: 6, floats: a.floats };
  if ('g' in a) return { name, type: 5, g: graphObject(name, a.g) };
  return { name, type: 4, t: tensorObject(a.t) };
}

function valueInfo(v: ValueSpec): Record<string, unknown> {
  const shape = v.dims && { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  const tensorType = { elemType: v.elemType ?? 1, shape };
  return { name: v.name, type: v.sequence ? { sequenceType: { elemType: { tensorType } } } : { tensorType } };
}

function nodeObjects(nodes: NodeSpec[]): Record<string, unknown>[] {
  return nodes.map((n, i) => ({
    name: n.name ?? `${n.op}_${i}`, opType: n.op, domain: n.domain ?? '', input: n.inputs, output: n.outputs,
    attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attributeObject(k, v)),
  }));
}

function graphObject(name: string, g: GraphSpec): Record<string, unknown> {
  return { name, node: nodeObjects(g.nodes), initializer: (g.initializers ?? []).map(tensorObject), input: g.inputs.map(valueInfo), output: g.outputs.map(valueInfo) };
}

/** Encodes a model. @example buildModel({ inputs: [{ name: 'x', dims: [1, 1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] }) */
export function buildModel(spec: ModelSpec): Uint8Array {
  const { model } = onnxTypes();
  const message = model.fromObject({
    irVersion: 8,
    producerName: 'atrous-test',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'test',
      node: nodeObjects(spec.nodes),
      initializer: (spec.initializers ?? []).map(tensorObject),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      valueInfo: (spec.valueInfo ?? []).map(valueInfo),
    },
  });
  return model.encode(message).finish();
}
