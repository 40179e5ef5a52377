import { OnnxError, describeValue } from '../errors.js';
import { Attributes } from './attributes.js';
import { CONTROL_FLOW_OPERATORS, subgraphNodes, subgraphsOf } from './control-flow.js';
import { decodeModel } from './decode-model.js';
import { int64ToNumber, type ValueInfoProto } from './onnx-proto.js';
import { OPERATORS } from './operators/index.js';
import { elementTypeOf, readTensorProto, type ExternalDataReader } from './tensor-data.js';
import type { ElementType, OnnxValue } from './value.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** One node of an imported graph. */
export interface OnnxNode {
  /** The file's node name, or `<OpType>_<index>` when it has none. */
  name: string;
  opType: string;
  /** Input value names; `''` marks an absent optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Attributes;
}

/** A graph input or output: its name, element type and dims (a number, a symbol such as `"batch"`, or null). */
export interface OnnxValueDescription {
  name: string;
  type: ElementType;
  dims: (number | string | null)[] | null;
}

/** An ONNX model as atrous holds it: nodes in topological order, weights decoded, opset checked. */
export interface OnnxGraph {
  opset: number;
  producer: string;
  /** Inputs the caller feeds (initializers that are also listed as inputs are excluded). */
  inputs: OnnxValueDescription[];
  outputs: OnnxValueDescription[];
  /** Shapes the file declares for intermediate values (`value_info`); planning checks its shapes against them. */
  valueInfo: OnnxValueDescription[];
  nodes: OnnxNode[];
  initializers: Map<string, OnnxValue>;
}

/** Options of {@link parseOnnx}. */
export interface ParseOptions {
  /** Reads external data files by the `location` their tensors name; `loadOnnxFile` supplies a checked one. */
  externalData?: ExternalDataReader;
}

const OP = 'loadOnnx';

/**
 * Decodes and checks an ONNX model: opset 11–21, every node in the default domain and implemented by atrous
 * (all unsupported nodes are listed in one error), every input defined before use, initializers decoded.
 *
 * @example const graph = parseOnnx(readFileSync('aspp.onnx')); graph.nodes.map((n) => n.opType)
 */
export function parseOnnx(bytes: Uint8Array, options: ParseOptions = {}): OnnxGraph {
  checkOptionKeys('parseOnnx', options, optionKeys<typeof options>({ externalData: true }));
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const nodes: OnnxNode[] = graph.node.map((n, i) => ({
    name: n.name || `${n.opType}_${i}`,
    opType: n.opType,
    inputs: n.input.slice(),
    outputs: n.output.slice(),
    attributes: new Attributes(n.name || `${n.opType}_${i}`, n.attribute, options.externalData),
  }));
  checkSupported(nodes, graph.node.map((n) => n.domain));
  const initializers = new Map<string, OnnxValue>();
  for (const proto of graph.initializer) {
    if (!proto.name) throw new OnnxError(OP, 'initializer', 'an initializer has no name');
    initializers.set(proto.name, readTensorProto(proto, proto.name, options.externalData));
  }
  if (graph.sparseInitializer.length > 0) {
    throw new OnnxError(OP, 'sparse_initializer', `the model has ${graph.sparseInitializer.length} sparse initializer(s); atrous reads dense initializers only`);
  }
  const inputs = graph.input.filter((v) => !initializers.has(v.name)).map(describe);
  const outputs = graph.output.map(describe);
  const valueInfo = graph.valueInfo.filter((v) => v.type?.tensorType).map(describe);
  checkTopology(nodes, inputs, initializers, outputs);
  return { opset: model.opset, producer: `${model.producerName} ${model.producerVersion}`.trim(), inputs, outputs, valueInfo, nodes, initializers };
}

function checkSupported(nodes: OnnxNode[], domains: string[]): void {
  // The nodes of If branches and Loop bodies count too: they are planned like the graph's own.
  const all: { n: OnnxNode; domain: string }[] = [];
  const visit = (list: OnnxNode[], listDomains: string[]): void => list.forEach((n, i) => {
    all.push({ n, domain: listDomains[i] });
    for (const graph of subgraphsOf(n)) visit(subgraphNodes(graph), graph.node.map((g) => g.domain));
  });
  visit(nodes, domains);
  const missing = all
    .filter(({ n, domain }) => (domain !== '' && domain !== 'ai.onnx') || !(Object.hasOwn(OPERATORS, n.opType) || CONTROL_FLOW_OPERATORS.has(n.opType)));
  if (missing.length === 0) return;
  const byOp = new Map<string, string[]>();
  for (const { n, domain } of missing) {
    const key = domain && domain !== 'ai.onnx' ? `${domain}.${n.opType}` : n.opType;
    byOp.set(key, [...(byOp.get(key) ?? []), n.name]);
  }
  const list = [...byOp].map(([op, names]) => `${op} (${names.length} node${names.length > 1 ? 's' : ''}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`);
  throw new OnnxError(OP, 'node', `${missing.length} node(s) use operators atrous does not implement: ${list.join('; ')}. Supported: ${[...Object.keys(OPERATORS), ...CONTROL_FLOW_OPERATORS].sort().join(', ')}`);
}

function describe(v: ValueInfoProto): OnnxValueDescription {
  const tensor = v.type?.tensorType;
  if (!tensor) throw new OnnxError(OP, 'input', `graph input/output ${describeValue(v.name)} is not a tensor (sequence, map and optional values are not supported)`);
  const dims = tensor.shape ? tensor.shape.dim.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? int64ToNumber(d.dimValue) : null)) : null;
  return { name: v.name, type: elementTypeOf(v.name, 'elem_type', tensor.elemType), dims };
}

function checkTopology(nodes: OnnxNode[], inputs: OnnxValueDescription[], initializers: Map<string, OnnxValue>, outputs: OnnxValueDescription[]): void {
  const defined = new Set<string>([...inputs.map((i) => i.name), ...initializers.keys()]);
  for (const node of nodes) {
    for (const name of node.inputs) {
      if (name !== '' && !defined.has(name)) {
        throw new OnnxError(node.name, 'input', `node ${describeValue(node.name)} (${node.opType}) reads ${describeValue(name)}, which no graph input, initializer or earlier node defines (nodes must be in topological order)`);
      }
    }
    for (const name of node.outputs) {
      if (name === '') continue;
      if (defined.has(name)) throw new OnnxError(node.name, 'output', `node ${describeValue(node.name)} writes ${describeValue(name)}, which is already defined (a graph is in SSA form)`);
      defined.add(name);
    }
  }
  for (const o of outputs) {
    if (!defined.has(o.name)) throw new OnnxError(OP, 'output', `graph output ${describeValue(o.name)} is produced by no node`);
  }
}
