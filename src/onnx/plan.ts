import { AtrousError, OnnxError, describeValue } from '../errors.js';
import type { OnnxGraph, OnnxNode, OnnxValueDescription } from './onnx-graph.js';
import { OPERATORS, type NodeContext, type Operator, type ValueInfo } from './operators/index.js';
import { checkedSize, type OnnxValue } from './value.js';
import { BufferArena } from './buffer-arena.js';
import { trackVersion } from '../tensor/version.js';
import { fuseSteps } from './fusion.js';
import { ControlFlowExpander, readsOf } from './control-flow.js';

/** One node left to run at run time, with everything about it resolved at load time. */
export interface PlannedStep {
  node: OnnxNode;
  context: NodeContext;
  operator: Operator;
  /** Output infos (type and shape) for the planned input shapes. */
  outputs: ValueInfo[];
  /** Values whose last reader is this step, freed after it runs. */
  release: string[];
}

/**
 * A graph specialised to concrete input shapes: every value's type and shape, the shape arithmetic folded into
 * constants, and the remaining nodes in order.
 */
export interface Plan {
  inputShapes: Map<string, number[]>;
  /** Type, shape and (for constants) data of every value in the graph. */
  infos: Map<string, ValueInfo>;
  steps: PlannedStep[];
  /** The steps as they run: {@link steps} with fusions applied (see fusion.ts), each releasing its last reads. */
  fused: PlannedStep[];
  /** How many nodes were evaluated at load time (shape arithmetic, constants, initializer-only subgraphs). */
  folded: number;
}

/**
 * Plans `graph` for the given input shapes: propagates types and shapes node by node, evaluates every node
 * whose inputs are all known (PyTorch's Shape → Gather → Unsqueeze → Concat chains, ConstantOfShape, Range,
 * Cast, Constant...), and checks every intermediate size against the allocation bound.
 *
 * @example planGraph(graph, new Map([['input', [1, 3, 224, 224]]])).steps.length
 */
export function planGraph(graph: OnnxGraph, inputShapes: Map<string, number[]>): Plan {
  const infos = new Map<string, ValueInfo>();
  for (const [name, value] of graph.initializers) infos.set(name, { type: value.type, shape: value.shape, value });
  for (const input of graph.inputs) {
    const shape = inputShapes.get(input.name);
    if (!shape) {
      const example = (input.dims ?? [1, 3, 224, 224]).map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : 224));
      throw new OnnxError(input.name, 'shape', `no shape for graph input ${describeValue(input.name)} (declared ${describeDims(input.dims)}); give one, e.g. --input-shape ${input.name}=${example.join(',')} (or plan({ ${input.name}: [${example.join(', ')}] }))`);
    }
    checkDeclared(input.name, input.dims, shape);
    checkedSize(input.name, 'shape', shape);
    infos.set(input.name, { type: input.type, shape: shape.slice() });
  }
  const declared = new Map([...graph.valueInfo, ...graph.outputs].map((v) => [v.name, v]));
  const steps: PlannedStep[] = [];
  let folded = 0;
  // Constants a step reads when the model runs keep their data, whichever folded node reads them last.
  const readAtRunTime = new Set<string>();
  const releaseFolded = foldedValueReleaser(graph, infos, readAtRunTime);
  // If, Loop and sequences become ordinary nodes here, planned in their place (control-flow.ts).
  const controlFlow = new ControlFlowExpander(infos, graph.opset);
  const pending = graph.nodes.slice().reverse();
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (controlFlow.handles(node)) {
      pending.push(...guardedNode(node, () => controlFlow.expand(node)).reverse());
      continue;
    }
    const operator = OPERATORS[node.opType];
    const context: NodeContext = {
      name: node.name, opType: node.opType, attributes: node.attributes, opset: graph.opset,
      usedOutputs: node.outputs.map((o) => o !== ''),
    };
    const inputs = node.inputs.map((name) => (name === '' ? undefined : infos.get(name)));
    let outputs: ValueInfo[];
    if (inputs.every((v) => v === undefined || v.value !== undefined)) {
      const values = guarded(context, () => operator.run(inputs.map((v) => v?.value), context));
      outputs = values.map((value) => ({ type: value.type, shape: value.shape, value }));
      folded++;
    } else {
      outputs = guarded(context, () => operator.infer(inputs, context));
      // Shape and Size know their result from shapes alone: folded although their input is not constant.
      if (outputs.every((o) => o.value !== undefined)) folded++;
      else {
        steps.push({ node, context, operator, outputs, release: [] });
        for (const name of node.inputs) if (name !== '') readAtRunTime.add(name);
      }
    }
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const info = outputs[i];
      if (!info) throw new OnnxError(node.name, 'output', `${node.opType} node ${describeValue(node.name)} has no output ${i} (${describeValue(name)}) in atrous`);
      checkedSize(node.name, 'output', info.shape);
      checkAgainstDeclared(node, name, info, declared.get(name));
      infos.set(name, info);
    });
    if (steps[steps.length - 1]?.node !== node) releaseFolded(node);
  }
  for (const output of graph.outputs) {
    if (!infos.has(output.name)) throw new OnnxError(output.name, 'output', `graph output ${describeValue(output.name)} is never computed`);
  }
  const keep = new Set(graph.outputs.map((o) => o.name));
  scheduleReleases(steps, keep);
  const fused = fuseSteps(steps, infos, keep).map((step) => ({ ...step, release: [] as string[] }));
  scheduleReleases(fused, keep);
  // Constants (initializers, folded values, fused weights) are the plan's own and never change while it runs:
  // versioned, the kernels find their packed weight panels in O(1) instead of comparing every weight per call.
  // Code that writes into a model's initializers in place must call markUpdated, as for a module's parameters.
  for (const info of infos.values()) if (info.value?.data instanceof Float32Array) trackVersion(info.value.data);
  return { inputShapes, infos, steps, fused, folded };
}

/**
 * Runs one operator so that whatever a malformed model makes it do surfaces as an error naming the node: typed
 * atrous errors pass through; anything else is wrapped in an {@link OnnxError} that keeps it as `cause`.
 */
function guardedNode<T>(node: OnnxNode, call: () => T): T {
  return guarded({ name: node.name, opType: node.opType } as NodeContext, call);
}

function guarded<T>(node: NodeContext, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof AtrousError) throw error;
    const wrapped = new OnnxError(node.name, 'node', `${node.opType} node ${describeValue(node.name)} failed: ${error instanceof Error ? error.message : String(error)}`);
    (wrapped as Error).cause = error;
    throw wrapped;
  }
}

/**
 * Returns a function to call after folding a node at load time: it drops the data of folded values once that
 * node was their last reader (keeping type and shape), so a chain of folded intermediates holds one or two at a
 * time rather than all of them. Graph outputs, initializers and values a step reads at run time are kept.
 */
function foldedValueReleaser(graph: OnnxGraph, infos: Map<string, ValueInfo>, readAtRunTime: ReadonlySet<string>): (node: OnnxNode) => void {
  const lastReader = new Map<string, OnnxNode>();
  // A value an If branch or a Loop body reads counts as read by that node, which is never the one released after.
  for (const node of graph.nodes) for (const name of readsOf(node)) lastReader.set(name, node);
  const keep = new Set([...graph.outputs.map((o) => o.name), ...graph.initializers.keys()]);
  return (node) => {
    for (const name of node.inputs) {
      const info = infos.get(name);
      if (info?.value === undefined || keep.has(name) || readAtRunTime.has(name) || lastReader.get(name) !== node) continue;
      infos.set(name, { type: info.type, shape: info.shape });
    }
  };
}

/** Marks each runtime value for release after its last reader, so a deep network holds few activations at once. */
function scheduleReleases(steps: PlannedStep[], keep: Set<string>): void {
  const lastReader = new Map<string, number>();
  steps.forEach((step, i) => step.node.inputs.forEach((name) => { if (name !== '') lastReader.set(name, i); }));
  for (const [name, i] of lastReader) if (!keep.has(name)) steps[i].release.push(name);
}

/** A numeric dim the file declares (graph output or value_info) must equal the planned one. */
function checkAgainstDeclared(node: OnnxNode, name: string, info: ValueInfo, declared: OnnxValueDescription | undefined): void {
  const dims = declared?.dims;
  if (!dims || dims.length !== info.shape.length) return;
  if (dims.some((d, i) => typeof d === 'number' && d > 0 && d !== info.shape[i])) {
    throw new OnnxError(node.name, 'value_info', `${node.opType} node ${describeValue(node.name)} computes ${describeValue(name)} with shape ${describeValue(info.shape)}, but the model declares ${describeDims(dims)}; the file is inconsistent or was exported for another input shape`);
  }
}

function describeDims(dims: (number | string | null)[] | null): string {
  return dims ? `[${dims.map((d) => (d === null ? '?' : d)).join(', ')}]` : 'without a shape';
}

function checkDeclared(name: string, dims: (number | string | null)[] | null, shape: number[]): void {
  if (!dims) return;
  const fits = dims.length === shape.length && dims.every((d, i) => typeof d !== 'number' || d === shape[i] || d <= 0);
  if (!fits) throw new OnnxError(name, 'shape', `input ${describeValue(name)} has shape ${describeValue(shape)} but the model declares ${describeDims(dims)}`);
}

/** The declared shape of an input when every dimension is a number, else undefined (symbolic dimensions). */
export function declaredShape(dims: (number | string | null)[] | null): number[] | undefined {
  if (!dims || dims.some((d) => typeof d !== 'number' || d <= 0)) return undefined;
  return dims as number[];
}

/** Options of {@link executePlan}. */
export interface ExecuteOptions {
  /** Run the fused steps (default) or the plain ones, node by node (to check that fusion changes nothing). */
  fused?: boolean;
}

/** Runs a plan's steps on the graph inputs and returns every graph output. */
export function executePlan(graph: OnnxGraph, plan: Plan, feeds: Map<string, OnnxValue>, options: ExecuteOptions = {}): Map<string, OnnxValue> {
  const values = new Map<string, OnnxValue>(feeds);
  const lookup = (name: string): OnnxValue | undefined => {
    if (name === '') return undefined;
    return values.get(name) ?? plan.infos.get(name)?.value;
  };
  const arena = arenaOf(plan);
  for (const value of feeds.values()) arena.hold(value.data);
  let outputs: OnnxValue[];
  try {
    runSteps(options.fused === false ? plan.steps : plan.fused, values, lookup, arena);
    outputs = arena.detachOutputs(graph.outputs.map((o) => lookup(o.name)!));
  } finally {
    arena.endRun();
  }
  return new Map(graph.outputs.map((o, i) => [o.name, outputs[i]]));
}

function runSteps(steps: PlannedStep[], values: Map<string, OnnxValue>, lookup: (name: string) => OnnxValue | undefined, arena: BufferArena): void {
  for (const step of steps) {
    const results = guarded(step.context, () => step.operator.run(step.node.inputs.map(lookup), step.context, arena));
    step.node.outputs.forEach((name, i) => {
      if (name === '') return;
      const r = results[i];
      const expected = step.outputs[i];
      if (!r || r.shape.length !== expected.shape.length || r.shape.some((n, d) => n !== expected.shape[d])) {
        throw new OnnxError(step.node.name, 'output', `${step.node.opType} node ${describeValue(step.node.name)} produced ${describeValue(r?.shape)} where the plan expected ${describeValue(expected.shape)}`);
      }
      values.set(name, r);
      arena.hold(r.data);
    });
    for (const name of step.release) {
      const released = values.get(name);
      if (!released) continue;
      values.delete(name);
      arena.release(released.data);
    }
  }
}

const arenas = new WeakMap<Plan, BufferArena>();

/** The plan's buffer arena, kept across runs so steady-state runs reuse every intermediate buffer. */
function arenaOf(plan: Plan): BufferArena {
  let arena = arenas.get(plan);
  if (!arena) {
    arena = new BufferArena();
    arenas.set(plan, arena);
  }
  return arena;
}
