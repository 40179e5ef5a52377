/**
 * Reverse-mode differentiation over the recorded ops: gradients flow from an output back to every variable it
 * depends on, visiting ops in reverse order of recording so each op's output gradient is complete (summed over
 * all its uses) before its vector-Jacobian product runs.
 */
import { ShapeError, describeValue } from '../errors.js';
import { add } from '../ops/elementwise.js';
import { Tensor } from '../tensor/tensor.js';
import { Variable } from './variable.js';

/**
 * Accumulates d(output)/d(leaf) into the `grad` of every leaf that requires it. `gradOutput` defaults to 1 for a
 * single-value output (a loss); gradients add to what earlier `backward` calls left (call `zeroGrad` between
 * steps, as PyTorch).
 *
 * @example
 * const loss = F.mseLoss(model.forward(x), target);
 * backward(loss);            // every parameter's .grad is now set
 */
export function backward(output: Variable, gradOutput?: Tensor): void {
  const { gradients, exclusive } = propagate('backward', output, gradOutput, null);
  for (const [v, g] of gradients) {
    // A copy unless the sum is this pass's own, because a vector-Jacobian product may hand the same tensor to
    // several inputs and optimizers and clipping change gradients in place.
    if (v.isLeaf && v.requiresGrad) v.grad = v.grad ? add(v.grad, g) : exclusive.has(g) ? g : g.clone();
  }
}

/**
 * The gradients of `output` with respect to `inputs`, returned rather than stored (nothing's `grad` changes).
 * An input the output does not depend on gets zeros.
 *
 * @example const [dx] = grad(F.sum(F.tanh(x)), [x]);
 */
export function grad(output: Variable, inputs: readonly Variable[], gradOutput?: Tensor): Tensor[] {
  const { gradients } = propagate('grad', output, gradOutput, new Set(inputs));
  return inputs.map((v) => gradients.get(v) ?? new Tensor(new Float32Array(v.size), v.shape));
}

/**
 * The gradients, and which of them are sums this pass allocated and handed to nobody: those accumulate further
 * contributions in place (a variable used by several ops gets one buffer, not one per use).
 */
interface Propagated { gradients: Map<Variable, Tensor>; exclusive: Set<Tensor> }

function propagate(op: string, output: Variable, gradOutput: Tensor | undefined, keep: Set<Variable> | null): Propagated {
  if (!(output instanceof Variable)) throw new ShapeError(op, 'output', `output must be a Variable, got ${describeValue(output)}`);
  if (!output.requiresGrad) {
    throw new ShapeError(op, 'output', 'output does not require a gradient: no input that requires one was recorded into it (were the ops run inside noGrad, or on constants only?)');
  }
  const seed = gradOutput ?? defaultSeed(op, output);
  if (seed.shape.join() !== output.shape.join()) {
    throw new ShapeError(op, 'gradOutput', `gradOutput shape ${describeValue(seed.shape)} must equal the output shape ${describeValue(output.shape)}`);
  }
  const order = recordedAncestors(output);
  const gradients = new Map<Variable, Tensor>([[output, seed]]);
  const exclusive = new Set<Tensor>();
  for (const v of order) {
    const g = gradients.get(v);
    const creator = v.creator;
    if (!g || !creator) continue;
    // Once a vector-Jacobian product sees it, the tensor may be aliased by what it returns.
    exclusive.delete(g);
    const inputGradients = creator.vjp(g);
    creator.inputs.forEach((input, i) => {
      const gi = inputGradients[i];
      if (!input.requiresGrad || !gi) return;
      if (gi.shape.join() !== input.shape.join()) {
        throw new Error(`atrous internal error: ${creator.op} returned a gradient of shape [${gi.shape}] for an input of shape [${input.shape}]`);
      }
      const previous = gradients.get(input);
      if (!previous) {
        gradients.set(input, gi);
      } else if (exclusive.has(previous)) {
        const sum = previous.data, more = gi.data;
        for (let j = 0; j < sum.length; j++) sum[j] += more[j];
      } else {
        const sum = add(previous, gi);
        exclusive.add(sum);
        gradients.set(input, sum);
      }
    });
    if (v !== output && !(keep?.has(v))) gradients.delete(v);
  }
  return { gradients, exclusive };
}

/** Every recorded variable the output depends on (including itself), latest first. */
function recordedAncestors(output: Variable): Variable[] {
  const seen = new Set<Variable>([output]);
  const stack = [output];
  const found: Variable[] = [];
  while (stack.length > 0) {
    const v = stack.pop()!;
    found.push(v);
    for (const input of v.creator?.inputs ?? []) {
      if (input.requiresGrad && !seen.has(input)) {
        seen.add(input);
        stack.push(input);
      }
    }
  }
  return found.sort((a, b) => b.sequence - a.sequence);
}

function defaultSeed(op: string, output: Variable): Tensor {
  if (output.size !== 1) {
    throw new ShapeError(op, 'gradOutput', `output has shape ${describeValue(output.shape)}; pass gradOutput unless the output is a single value (a loss)`);
  }
  return new Tensor(Float32Array.of(1), output.shape);
}
