/**
 * ONNX control flow (If, Loop) and sequences, resolved while planning: atrous plans a graph for concrete input
 * shapes, and in the graphs exporters write the conditions, trip counts and sequence positions are shape
 * arithmetic the planner folds anyway (PyTorch exports `torch.tensor_split` as a Loop that fills a sequence, and
 * `squeeze(dim)` as an If on the dim's size). So an If becomes the nodes of the branch its folded condition
 * picks, a Loop its body unrolled once per iteration, and a sequence a list of value names known at plan time:
 * SequenceAt becomes an Identity, ConcatFromSequence a Concat, SplitToSequence a Split. What runs afterwards is
 * ordinary steps, which the fusion rules, the memory planner and the analysis see like any other.
 *
 * A condition, trip count or position that only the run could tell is refused with an {@link OnnxError} naming
 * the node, as is a Loop of more than {@link MAX_ITERATIONS} iterations.
 */
import { OnnxError, describeValue } from '../errors.js';
import { Attributes } from './attributes.js';
import type { AttributeProto, GraphProto } from './onnx-proto.js';
import type { OnnxNode } from './onnx-graph.js';
import type { ValueInfo } from './operators/index.js';
import { readTensorProto } from './tensor-data.js';
import { intValue, toNumbers, type OnnxValue } from './value.js';

/** The operators this module resolves; every other node is planned as it is. */
export const CONTROL_FLOW_OPERATORS: ReadonlySet<string> = new Set([
  'If', 'Loop', 'SequenceEmpty', 'SequenceConstruct', 'SequenceInsert', 'SequenceAt', 'SequenceLength',
  'ConcatFromSequence', 'SplitToSequence',
]);

/** The most iterations a Loop is unrolled to (each iteration's nodes become steps of the plan). */
export const MAX_ITERATIONS = 4096;

/** The subgraph attributes of the control-flow operators. */
const SUBGRAPHS: Readonly<Record<string, readonly string[]>> = { If: ['then_branch', 'else_branch'], Loop: ['body'] };

/** The subgraphs a node carries (If's branches, Loop's body), decoded. */
export function subgraphsOf(node: OnnxNode): GraphProto[] {
  return (SUBGRAPHS[node.opType] ?? []).map((name) => node.attributes.graph(name));
}

/** A subgraph's nodes as atrous holds them (names made unique within it as in {@link parseOnnx}). */
export function subgraphNodes(graph: GraphProto): OnnxNode[] {
  return graph.node.map((n, i) => ({
    name: n.name || `${n.opType}_${i}`, opType: n.opType, inputs: n.input.slice(), outputs: n.output.slice(),
    attributes: new Attributes(n.name || `${n.opType}_${i}`, n.attribute),
  }));
}

/** Every value name a node reads, including those its subgraphs read from the enclosing scopes. */
export function readsOf(node: OnnxNode): string[] {
  const reads = node.inputs.filter((n) => n !== '');
  for (const graph of subgraphsOf(node)) {
    const local = new Set([...graph.input.map((v) => v.name), ...graph.initializer.map((t) => t.name), ...graph.node.flatMap((n) => n.output)]);
    for (const inner of subgraphNodes(graph)) for (const name of readsOf(inner)) if (!local.has(name)) reads.push(name);
    for (const o of graph.output) if (!local.has(o.name)) reads.push(o.name);
  }
  return reads;
}

/** Where a Loop stands between two unrolled iterations. */
interface LoopState {
  node: OnnxNode;
  body: GraphProto;
  rename: (name: string) => string;
  trips: number;
  iteration: number;
  carried: string[];
  scans: string[][];
  /** The body's condition output of the iteration just planned. */
  condition: string;
}

const LOOP_NEXT = '@LoopNext';

/**
 * Expands control-flow nodes for the planner, which calls {@link expand} on every node {@link handles} accepts
 * and plans the returned nodes in its place (they may include further control flow, expanded in turn).
 */
export class ControlFlowExpander {
  /** Sequence values: the names of their elements, in order. */
  private readonly sequences = new Map<string, string[]>();
  /** How the names a node's subgraphs read from enclosing scopes were renamed when the node was inlined. */
  private readonly scopes = new WeakMap<OnnxNode, (name: string) => string>();
  private readonly loops = new WeakMap<OnnxNode, LoopState>();
  private serial = 0;

  constructor(private readonly infos: Map<string, ValueInfo>, private readonly opset: number) {}

  /** Whether the planner must hand `node` to {@link expand}. */
  handles(node: OnnxNode): boolean {
    return CONTROL_FLOW_OPERATORS.has(node.opType) || node.opType === LOOP_NEXT ||
      (node.opType === 'Identity' && this.sequences.has(node.inputs[0]));
  }

  /** The nodes to plan instead of `node`. */
  expand(node: OnnxNode): OnnxNode[] {
    switch (node.opType) {
      case 'If': return this.expandIf(node);
      case 'Loop': return this.startLoop(node);
      case LOOP_NEXT: return this.continueLoop(this.loops.get(node)!);
      case 'Identity': this.sequences.set(node.outputs[0], this.sequence(node, node.inputs[0])); return [];
      case 'SequenceEmpty': this.sequences.set(node.outputs[0], []); return [];
      case 'SequenceConstruct': this.sequences.set(node.outputs[0], node.inputs.slice()); return [];
      case 'SequenceInsert': {
        const list = this.sequence(node, node.inputs[0]).slice();
        const at = node.inputs[2] ? this.position(node, node.inputs[2], list.length + 1) : list.length;
        list.splice(at, 0, node.inputs[1]);
        this.sequences.set(node.outputs[0], list);
        return [];
      }
      case 'SequenceAt': {
        const list = this.sequence(node, node.inputs[0]);
        const copy = this.identity(node, list[this.position(node, node.inputs[1], list.length)], node.outputs[0]);
        return copy ? [copy] : [];
      }
      case 'SequenceLength': {
        const value = intValue([this.sequence(node, node.inputs[0]).length], []);
        this.infos.set(node.outputs[0], { type: 'int', shape: [], value });
        return [];
      }
      case 'ConcatFromSequence': return this.concatFromSequence(node);
      case 'SplitToSequence': return this.splitToSequence(node);
      default: throw new OnnxError(node.name, 'node', `${node.opType} is not a control-flow operator`);
    }
  }

  private expandIf(node: OnnxNode): OnnxNode[] {
    const condition = this.constant(node, node.inputs[0], 'cond');
    if (condition.length !== 1) throw new OnnxError(node.name, 'cond', `If condition must hold one value, got ${condition.length}`);
    const taken = condition[0] !== 0 ? 'then_branch' : 'else_branch';
    const branch = node.attributes.graph(taken);
    if (branch.output.length !== node.outputs.length) {
      throw new OnnxError(node.name, taken, `${taken} has ${branch.output.length} outputs; the If node has ${node.outputs.length}`);
    }
    const prefix = `${node.name}/${taken === 'then_branch' ? 'then' : 'else'}:`;
    const { nodes, rename } = this.inline(node, branch, prefix, new Map());
    return [...nodes, ...branch.output.map((o, i) => this.identity(node, rename(o.name), node.outputs[i])).filter((n): n is OnnxNode => n !== null)];
  }

  private startLoop(node: OnnxNode): OnnxNode[] {
    const [tripName = '', conditionName = '', ...initial] = node.inputs;
    const body = node.attributes.graph('body');
    if (body.input.length !== initial.length + 2 || body.output.length < initial.length + 1) {
      throw new OnnxError(node.name, 'body', `Loop body takes ${body.input.length} inputs and gives ${body.output.length} outputs; with ${initial.length} loop-carried values it must take ${initial.length + 2} and give at least ${initial.length + 1}`);
    }
    const trips = tripName ? this.constant(node, tripName, 'M')[0] : Infinity;
    const enter = conditionName ? this.constant(node, conditionName, 'cond')[0] !== 0 : true;
    if (!tripName && !conditionName) throw new OnnxError(node.name, 'M', 'a Loop with neither a trip count nor a condition never ends');
    const state: LoopState = {
      node, body, rename: this.scopes.get(node) ?? ((n) => n), trips, iteration: 0, carried: initial,
      scans: Array.from({ length: body.output.length - 1 - initial.length }, () => []), condition: '',
    };
    return enter && trips > 0 ? this.iterate(state) : this.finishLoop(state);
  }

  /** The nodes of one iteration, then the marker at which the planner decides on the next. */
  private iterate(state: LoopState): OnnxNode[] {
    const { node, body } = state;
    if (state.iteration >= MAX_ITERATIONS) {
      throw new OnnxError(node.name, 'M', `Loop runs more than ${MAX_ITERATIONS} iterations; atrous unrolls loops while planning and stops there`);
    }
    const prefix = `${node.name}#${state.iteration}:`;
    const iterationName = `${prefix}iteration`, conditionName = `${prefix}condition`;
    this.infos.set(iterationName, { type: 'int', shape: [], value: intValue([state.iteration], []) });
    this.infos.set(conditionName, { type: 'bool', shape: [], value: { type: 'bool', shape: [], data: Float64Array.of(1) } });
    const bindings = new Map<string, string>([[body.input[0].name, iterationName], [body.input[1].name, conditionName]]);
    state.carried.forEach((name, k) => bindings.set(body.input[2 + k].name, name));
    const { nodes, rename } = this.inline(node, body, prefix, bindings, state.rename);
    const outputs = body.output.map((o) => rename(o.name));
    state.condition = outputs[0];
    state.carried = outputs.slice(1, 1 + state.carried.length);
    outputs.slice(1 + state.carried.length).forEach((name, k) => state.scans[k].push(name));
    state.iteration++;
    const marker: OnnxNode = { name: `${prefix}next`, opType: LOOP_NEXT, inputs: [], outputs: [], attributes: new Attributes(`${prefix}next`, []) };
    this.loops.set(marker, state);
    return [...nodes, marker];
  }

  private continueLoop(state: LoopState): OnnxNode[] {
    const go = this.constant(state.node, state.condition, 'cond')[0] !== 0;
    return go && state.iteration < state.trips ? this.iterate(state) : this.finishLoop(state);
  }

  /** Final loop-carried values to the Loop's outputs; scan outputs stacked along a new first axis. */
  private finishLoop(state: LoopState): OnnxNode[] {
    const { node } = state;
    const nodes: OnnxNode[] = [];
    state.carried.forEach((name, k) => { const n = this.identity(node, name, node.outputs[k]); if (n) nodes.push(n); });
    state.scans.forEach((names, k) => {
      const output = node.outputs[state.carried.length + k];
      if (!output) return;
      if (names.length === 0) throw new OnnxError(node.name, 'output', `Loop ran no iteration, so its scan output ${describeValue(output)} has no shape`);
      nodes.push(...this.stack(node, names, output));
    });
    return nodes;
  }

  private concatFromSequence(node: OnnxNode): OnnxNode[] {
    const list = this.sequence(node, node.inputs[0]);
    if (list.length === 0) throw new OnnxError(node.name, 'input_sequence', 'ConcatFromSequence of an empty sequence');
    const axis = node.attributes.int('axis');
    if (node.attributes.int('new_axis', 0) === 1) return this.stack(node, list, node.outputs[0], axis);
    return [this.node(node, 'Concat', list, [node.outputs[0]], [intAttribute('axis', axis)])];
  }

  private splitToSequence(node: OnnxNode): OnnxNode[] {
    const [input, splitName] = node.inputs;
    const shape = this.infos.get(input)?.shape;
    if (!shape) throw new OnnxError(node.name, 'input', `SplitToSequence input ${describeValue(input)} has no known shape`);
    const axis = node.attributes.int('axis', 0), keep = node.attributes.int('keepdims', 1) === 1;
    const a = axis < 0 ? axis + shape.length : axis;
    if (!(a >= 0 && a < shape.length)) throw new OnnxError(node.name, 'axis', `axis ${axis} is out of range for rank ${shape.length}`);
    const length = shape[a];
    let sizes: number[];
    if (splitName) {
      const split = this.constant(node, splitName, 'split');
      const chunk = split[0];
      sizes = this.infos.get(splitName)!.shape.length === 0
        ? Array.from({ length: Math.ceil(length / chunk) }, (_, i) => Math.min(chunk, length - i * chunk))
        : split;
    } else {
      sizes = Array(length).fill(1);
    }
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, s) => p + s, 0) !== length) {
      throw new OnnxError(node.name, 'split', `split sizes ${describeValue(sizes)} do not add up to ${length}, the length of axis ${axis}`);
    }
    const names = sizes.map(() => this.fresh(node, 'piece'));
    const splitSizes = this.define(node, intValue(sizes));
    const nodes = [this.node(node, 'Split', [input, splitSizes], names, [intAttribute('axis', a)])];
    if (!splitName && !keep) {
      const axes = this.define(node, intValue([a]));
      const squeezed = names.map((n) => { const s = this.fresh(node, 'squeezed'); nodes.push(this.node(node, 'Squeeze', [n, axes], [s])); return s; });
      this.sequences.set(node.outputs[0], squeezed);
    } else {
      this.sequences.set(node.outputs[0], names);
    }
    return nodes;
  }

  /** `names` each unsqueezed at `axis` and concatenated there (a Loop's scan output, ConcatFromSequence with new_axis). */
  private stack(node: OnnxNode, names: string[], output: string, axis = 0): OnnxNode[] {
    const axes = this.define(node, intValue([axis]));
    const nodes: OnnxNode[] = [];
    const pieces = names.map((name) => {
      const piece = this.fresh(node, 'unsqueezed');
      nodes.push(this.opset >= 13
        ? this.node(node, 'Unsqueeze', [name, axes], [piece])
        : this.node(node, 'Unsqueeze', [name], [piece], [intsAttribute('axes', [axis])]));
      return piece;
    });
    nodes.push(this.node(node, 'Concat', pieces, [output], [intAttribute('axis', axis)]));
    return nodes;
  }

  /**
   * A subgraph's nodes with its own values renamed under `prefix`, its inputs bound to `bindings`, and what it
   * reads from enclosing scopes resolved through `outer` (how the enclosing node's own scope was renamed).
   */
  private inline(owner: OnnxNode, graph: GraphProto, prefix: string, bindings: Map<string, string>, outer = this.scopes.get(owner) ?? ((n: string) => n)): { nodes: OnnxNode[]; rename: (name: string) => string } {
    const local = new Set([...graph.node.flatMap((n) => n.output), ...graph.initializer.map((t) => t.name)]);
    const rename = (name: string): string => name === '' ? '' : bindings.get(name) ?? (local.has(name) ? prefix + name : outer(name));
    for (const proto of graph.initializer) {
      const value = readTensorProto(proto, `${owner.name}.${proto.name}`);
      this.infos.set(prefix + proto.name, { type: value.type, shape: value.shape, value });
    }
    const nodes = subgraphNodes(graph).map((n) => {
      const inlined: OnnxNode = { ...n, name: prefix + n.name, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) };
      if (SUBGRAPHS[n.opType]) this.scopes.set(inlined, rename);
      return inlined;
    });
    return { nodes, rename };
  }

  private sequence(node: OnnxNode, name: string): string[] {
    const list = this.sequences.get(name);
    if (!list) throw new OnnxError(node.name, 'input', `${node.opType} reads ${describeValue(name)}, which is not a sequence`);
    return list;
  }

  /** A position in a sequence of `length` (negative counts from the end), from a constant. */
  private position(node: OnnxNode, name: string, length: number): number {
    const [p] = this.constant(node, name, 'position');
    const at = p < 0 ? p + length : p;
    if (!Number.isInteger(at) || at < 0 || at >= length) {
      throw new OnnxError(node.name, 'position', `position ${p} is outside a sequence of ${length === 0 ? 'no' : length} element${length === 1 ? '' : 's'}`);
    }
    return at;
  }

  /** The data of a value the planner has folded, or a typed refusal naming what would have to be known. */
  private constant(node: OnnxNode, name: string, argument: string): number[] {
    const value = this.infos.get(name)?.value;
    if (!value) {
      throw new OnnxError(node.name, argument, `${node.opType} ${argument} ${describeValue(name)} is known only when the model runs; atrous resolves control flow while planning, so it must follow from the input shapes`);
    }
    return toNumbers(value);
  }

  /** `to = from`: an Identity node, or for a sequence the same element list (null: nothing to run). */
  private identity(node: OnnxNode, from: string, to: string): OnnxNode | null {
    if (to === '') return null;
    const list = this.sequences.get(from);
    if (list) { this.sequences.set(to, list); return null; }
    return this.node(node, 'Identity', [from], [to]);
  }

  private node(owner: OnnxNode, opType: string, inputs: string[], outputs: string[], attributes: AttributeProto[] = []): OnnxNode {
    const name = `${owner.name}/${opType}#${this.serial++}`;
    return { name, opType, inputs, outputs, attributes: new Attributes(name, attributes) };
  }

  private fresh(owner: OnnxNode, what: string): string {
    return `${owner.name}/${what}#${this.serial++}`;
  }

  private define(owner: OnnxNode, value: OnnxValue): string {
    const name = this.fresh(owner, 'constant');
    this.infos.set(name, { type: value.type, shape: value.shape, value });
    return name;
  }
}

function intAttribute(name: string, value: number): AttributeProto {
  return { ...EMPTY_ATTRIBUTE, name, type: 2, i: value };
}

function intsAttribute(name: string, values: number[]): AttributeProto {
  return { ...EMPTY_ATTRIBUTE, name, type: 7, ints: values };
}

const EMPTY_ATTRIBUTE: AttributeProto = {
  name: '', refAttrName: '', type: 0, f: 0, i: 0, s: new Uint8Array(0), floats: [], ints: [], strings: [], tensors: [], graphs: [],
};
