import { OnnxError, describeValue } from '../errors.js';
import '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { parseOnnx, type OnnxGraph, type ParseOptions } from './onnx-graph.js';
import { declaredShape, executePlan, planGraph, type Plan } from './plan.js';
import { toTensor, type OnnxValue } from './value.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/**
 * An imported ONNX model, ready to run on atrous's ops (and through them its fast kernels). Plans are made per
 * input shape and cached, so the shape arithmetic is folded once per shape.
 */
export class OnnxModel {
  readonly graph: OnnxGraph;
  private readonly plans = new Map<string, Plan>();

  constructor(graph: OnnxGraph) {
    this.graph = graph;
  }

  /** Names of the inputs `run` expects. */
  get inputNames(): string[] { return this.graph.inputs.map((i) => i.name); }

  /** Names of the outputs `run` returns. */
  get outputNames(): string[] { return this.graph.outputs.map((o) => o.name); }

  /**
   * The plan for the given input shapes (defaults: the shapes the model declares, when they are all numbers).
   *
   * @example model.plan({ input: [1, 3, 224, 224] }).steps.length
   */
  plan(shapes: Record<string, readonly number[]> = {}): Plan {
    const resolved = new Map<string, number[]>();
    for (const input of this.graph.inputs) {
      const shape = shapes[input.name] ?? declaredShape(input.dims);
      if (shape) resolved.set(input.name, shape.slice());
    }
    for (const name of Object.keys(shapes)) {
      if (!this.inputNames.includes(name)) throw new OnnxError('OnnxModel', 'input', `the model has no input ${describeValue(name)}; inputs: ${this.inputNames.join(', ')}`);
    }
    const key = JSON.stringify([...resolved]);
    let plan = this.plans.get(key);
    if (!plan) {
      plan = planGraph(this.graph, resolved);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /**
   * Runs the model: one tensor per input name, one tensor per output name.
   *
   * @example const { output } = model.run({ input: randn([1, 3, 64, 64], 0) });
   */
  run(feeds: Record<string, Tensor>): Record<string, Tensor> {
    const values = new Map<string, OnnxValue>();
    for (const input of this.graph.inputs) {
      const t = feeds[input.name];
      if (!(t instanceof Tensor)) throw new OnnxError('OnnxModel.run', input.name, `input ${describeValue(input.name)} must be a Tensor; inputs: ${this.inputNames.join(', ')}`);
      values.set(input.name, input.type === 'float'
        ? { type: 'float', shape: t.shape.slice(), data: t.data }
        : { type: input.type, shape: t.shape.slice(), data: Float64Array.from(t.data) });
    }
    const plan = this.plan(Object.fromEntries([...values].map(([name, v]) => [name, v.shape])));
    const outputs = executePlan(this.graph, plan, values);
    return Object.fromEntries([...outputs].map(([name, v]) => [name, toTensor(v)]));
  }
}

/**
 * Imports an ONNX model from its bytes. Untrusted input is refused with an `OnnxError` (never a crash or a
 * huge allocation); external weight files need `options.externalData` (or `loadOnnxFile` in Node).
 *
 * @example
 * const model = loadOnnx(readFileSync('deeplabv3.onnx'));
 * const { output } = model.run({ input: tensor(pixels, [1, 3, 520, 520]) });
 */
export function loadOnnx(bytes: Uint8Array, options: ParseOptions = {}): OnnxModel {
  checkOptionKeys('loadOnnx', options, optionKeys<typeof options>({ externalData: true }));
  return new OnnxModel(parseOnnx(bytes, options));
}
