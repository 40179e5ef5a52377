/**
 * The bytes of a one-node ONNX model, `Y = Conv(X, W)`, for the ONNX Runtime contestants. A minimal protobuf
 * writer for exactly the fields needed (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto); field numbers from onnx.proto.
 */
import type { BenchShape } from './shapes.js';
import { outputSpatial } from './shapes.js';

const VARINT = 0;
const BYTES = 2;

class ProtoWriter {
  private readonly parts: number[] = [];

  varint(field: number, value: number): this {
    this.key(field, VARINT);
    this.rawVarint(value);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, BYTES);
    this.rawVarint(data.length);
    for (const b of data) this.parts.push(b);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawVarint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.parts.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.parts.push(v);
  }
}

const FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

function intsAttribute(name: string, values: number[]): ProtoWriter {
  const a = new ProtoWriter().string(1, name).varint(20, ATTRIBUTE_INTS);
  for (const v of values) a.varint(8, v);
  return a;
}

function valueInfo(name: string, shape: number[]): ProtoWriter {
  const dims = new ProtoWriter();
  for (const d of shape) dims.message(1, new ProtoWriter().varint(1, d));
  const tensorType = new ProtoWriter().varint(1, FLOAT).message(2, dims);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** ONNX bytes of `conv(X, W)` with the shape's stride, dilation, padding and groups; W is an initializer. */
export function onnxConvModel(shape: BenchShape, weights: Float32Array): Uint8Array {
  const kernel = shape.weight.slice(2);
  const node = new ProtoWriter()
    .string(1, 'X').string(1, 'W').string(2, 'Y').string(3, 'conv').string(4, 'Conv')
    .message(5, intsAttribute('dilations', shape.dilation))
    .message(5, new ProtoWriter().string(1, 'group').varint(20, ATTRIBUTE_INT).varint(3, shape.groups))
    .message(5, intsAttribute('kernel_shape', kernel))
    .message(5, intsAttribute('pads', [...shape.padding, ...shape.padding]))
    .message(5, intsAttribute('strides', shape.stride));
  const initializer = new ProtoWriter();
  for (const d of shape.weight) initializer.varint(1, d);
  initializer.varint(2, FLOAT).string(8, 'W')
    .bytes(9, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
  const outShape = [shape.input[0], shape.weight[0], ...outputSpatial(shape)];
  const graph = new ProtoWriter()
    .message(1, node).string(2, 'conv')
    .message(5, initializer)
    .message(11, valueInfo('X', shape.input))
    .message(12, valueInfo('Y', outShape));
  return new ProtoWriter()
    .varint(1, 8)
    .string(2, 'atrous-bench')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').varint(2, 13))
    .finish();
}
