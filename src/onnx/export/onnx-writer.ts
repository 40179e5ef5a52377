import { onnxTypes } from '../onnx-proto.js';
import type { Tensor } from '../../tensor/tensor.js';

/** An attribute value as the writer stores it. */
export type AttributeValue = { i: number } | { f: number } | { s: string } | { ints: readonly number[] } | { floats: readonly number[] };

/**
 * Collects ONNX nodes and initializers and encodes them as a `ModelProto` with the same protobufjs schema
 * the importer reads. Value names are made unique from readable hints (`layers.3.conv`, `add`...).
 *
 * @example
 * const w = new OnnxWriter();
 * const y = w.node('Relu', ['x'], {}, 'relu');
 * const bytes = w.encode({ name: 'x', shape: [1, 4] }, { name: y, shape: [1, 4] }, 17);
 */
export class OnnxWriter {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly names = new Set<string>();

  /** A fresh value name from a hint. */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_.:/-]/g, '_') || 'value';
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds a float32 initializer (a weight) and returns its name. */
  weight(t: Tensor, hint: string): string {
    const name = this.fresh(hint);
    const raw = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
    this.initializers.push({ name, dims: t.shape.slice(), dataType: 1, rawData: raw });
    return name;
  }

  /** Adds an int64 initializer (shapes, sizes, axes) and returns its name. */
  int64(values: readonly number[], hint: string): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [values.length], dataType: 7, int64Data: values.slice() });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  node(op: string, inputs: readonly string[], attributes: Record<string, AttributeValue>, hint: string): string {
    const output = this.fresh(hint);
    this.nodes.push({
      name: `${hint}/${op}`.replace(/^\//, ''), opType: op, input: inputs.slice(), output: [output],
      attribute: Object.entries(attributes).map(([name, a]) => attributeObject(name, a)),
    });
    return output;
  }

  /** The model's bytes: one float input and one float output of fixed shapes, default-domain `opset`. */
  encode(input: { name: string; shape: readonly number[] }, output: { name: string; shape: readonly number[] }, opset: number): Uint8Array {
    const info = (v: { name: string; shape: readonly number[] }) => ({
      name: v.name, type: { tensorType: { elemType: 1, shape: { dim: v.shape.map((n) => ({ dimValue: n })) } } },
    });
    const { model } = onnxTypes();
    return model.encode(model.fromObject({
      irVersion: 8, producerName: 'atrous', producerVersion: '0.1.0',
      opsetImport: [{ domain: '', version: opset }],
      graph: { name: 'atrous', node: this.nodes, initializer: this.initializers, input: [info(input)], output: [info(output)] },
    })).finish();
  }
}

function attributeObject(name: string, a: AttributeValue): Record<string, unknown> {
  if ('i' in a) return { name, type: 2, i: a.i };
  if ('f' in a) return { name, type: 1, f: a.f };
  if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: 7, ints: a.ints.slice() };
  return { name, type: 6, floats: a.floats.slice() };
}
