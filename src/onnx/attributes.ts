import { OnnxError, describeValue } from '../errors.js';
import { int64ToNumber, type AttributeProto, type GraphProto } from './onnx-proto.js';
import { readTensorProto, type ExternalDataReader } from './tensor-data.js';
import type { OnnxValue } from './value.js';

/** `AttributeProto.AttributeType` numbers. */
const FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8;
const TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'INT', 3: 'STRING', 4: 'TENSOR', 5: 'GRAPH', 6: 'FLOATS', 7: 'INTS', 8: 'STRINGS',
  9: 'TENSORS', 10: 'GRAPHS', 11: 'SPARSE_TENSOR', 12: 'SPARSE_TENSORS', 13: 'TYPE_PROTO', 14: 'TYPE_PROTOS',
};

/**
 * A node's attributes with typed getters: each checks the attribute's declared type and throws an
 * {@link OnnxError} naming the node, the attribute and what was expected, so a malformed model never yields
 * `undefined` deep inside an op.
 *
 * @example const group = node.attributes.int('group', 1); const pads = node.attributes.ints('pads', [0, 0, 0, 0]);
 */
export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();

  /** `external` reads tensor attributes stored outside the model (`onnx.save(..., convert_attribute=True)`). */
  constructor(private readonly node: string, protos: readonly AttributeProto[], private readonly external?: ExternalDataReader) {
    for (const a of protos) {
      if (a.refAttrName) throw new OnnxError(node, a.name, `attribute ${describeValue(a.name)} refers to a function attribute (${a.refAttrName}); only graph-level nodes are supported`);
      this.byName.set(a.name, a);
    }
  }

  /** Whether the attribute is present. */
  has(name: string): boolean { return this.byName.has(name); }

  /** The attribute names present, for error messages and checks of unsupported attributes. */
  names(): string[] { return [...this.byName.keys()]; }

  int(name: string, fallback?: number): number {
    const a = this.get(name, INT, fallback);
    return a === undefined ? fallback! : int64ToNumber(a.i);
  }

  float(name: string, fallback?: number): number {
    const a = this.get(name, FLOAT, fallback);
    return a === undefined ? fallback! : a.f;
  }

  string(name: string, fallback?: string): string {
    const a = this.get(name, STRING, fallback);
    return a === undefined ? fallback! : new TextDecoder().decode(a.s);
  }

  ints(name: string, fallback?: number[]): number[] {
    const a = this.get(name, INTS, fallback);
    return a === undefined ? fallback!.slice() : a.ints.map(int64ToNumber);
  }

  floats(name: string, fallback?: number[]): number[] {
    const a = this.get(name, FLOATS, fallback);
    return a === undefined ? fallback!.slice() : a.floats.slice();
  }

  strings(name: string, fallback?: string[]): string[] {
    const a = this.get(name, STRINGS, fallback);
    return a === undefined ? fallback!.slice() : a.strings.map((s) => new TextDecoder().decode(s));
  }

  tensor(name: string): OnnxValue {
    const a = this.get(name, TENSOR, undefined)!;
    if (!a.t) throw new OnnxError(this.node, name, `attribute ${describeValue(name)} is declared TENSOR but holds no tensor`);
    return readTensorProto(a.t, `${this.node}.${name}`, this.external);
  }

  /** A subgraph attribute (If's branches, Loop's body), as decoded. */
  graph(name: string): GraphProto {
    const a = this.get(name, GRAPH, undefined)!;
    if (!a.g) throw new OnnxError(this.node, name, `attribute ${describeValue(name)} is declared GRAPH but holds no graph`);
    return a.g;
  }

  /** The declared type of an attribute (`'INT'`, `'FLOATS'`, ...), or undefined when absent. */
  typeOf(name: string): string | undefined {
    const a = this.byName.get(name);
    return a && (TYPE_NAMES[declaredType(a)] ?? String(a.type));
  }

  private get(name: string, type: number, fallback: unknown): AttributeProto | undefined {
    const a = this.byName.get(name);
    if (!a) {
      if (fallback === undefined) throw new OnnxError(this.node, name, `required attribute ${describeValue(name)} is missing`);
      return undefined;
    }
    const actual = declaredType(a);
    if (actual !== type || (type === TENSOR && !a.t) || (type === GRAPH && !a.g)) {
      throw new OnnxError(this.node, name, `attribute ${describeValue(name)} is ${TYPE_NAMES[actual] ?? actual} but must be ${TYPE_NAMES[type]}`);
    }
    return a;
  }
}

/** The attribute's type; IR 1 files left it out, so it is then inferred from the field that is set. */
function declaredType(a: AttributeProto): number {
  if (a.type) return a.type;
  if (a.ints.length) return INTS;
  if (a.floats.length) return FLOATS;
  if (a.strings.length) return STRINGS;
  if (a.t) return TENSOR;
  if (a.g) return GRAPH;
  if (a.s && a.s.length) return STRING;
  if (a.f) return FLOAT;
  return INT;
}
