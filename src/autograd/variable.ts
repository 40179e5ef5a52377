/**
 * The tracked tensor of the autograd tape. Every op applied to a `Variable` that requires a gradient records,
 * in the result, the op's inputs and its vector-Jacobian product; `backward` walks those records from the
 * output back in reverse order of recording. Leaves (parameters, inputs) are created with `variable(...)`.
 */
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** One recorded op: its inputs and the map from its output's gradient to each input's gradient. */
export interface GradFunction {
  /** Op name, for error messages and debugging (`conv`, `add`, ...). */
  readonly op: string;
  readonly inputs: readonly Variable[];
  /** Vector-Jacobian product: one gradient per input (null where an input needs none). */
  readonly vjp: (gradOutput: Tensor) => readonly (Tensor | null)[];
}

let gradEnabled = true;
let nextSequence = 0;

/**
 * A tensor on the tape. `value` holds the numbers; `grad` receives accumulated gradients when this is a leaf
 * that requires them.
 *
 * @example
 * const w = variable(tensor([2]), { requiresGrad: true });
 * backward(F.mul(w, w)); w.grad!.data // [4]
 */
export class Variable {
  readonly value: Tensor;
  /** Accumulated gradient of a leaf after `backward` (summed over calls until `zeroGrad`). */
  grad: Tensor | null = null;
  private requiresGradFlag: boolean;
  /** The recorded op that produced this variable; null for leaves and untracked results. */
  readonly creator: GradFunction | null;
  /** Order of creation: a recorded op's output always comes after its inputs. */
  readonly sequence: number;

  constructor(value: Tensor, requiresGrad = false, creator: GradFunction | null = null) {
    if (!(value instanceof Tensor)) throw new ShapeError('Variable', 'value', `value must be a Tensor, got ${describeValue(value)}`);
    this.value = value;
    this.requiresGradFlag = requiresGrad;
    this.creator = creator;
    this.sequence = nextSequence++;
  }

  /**
   * Whether ops on this variable record gradients. Settable on leaves, as `torch.Tensor.requires_grad_`: a
   * parameter set to false is frozen (no gradient, skipped by optimizers).
   *
   * @example model.conv1.weight.requiresGrad = false;
   */
  get requiresGrad(): boolean { return this.requiresGradFlag; }
  set requiresGrad(flag: boolean) {
    if (typeof flag !== 'boolean') throw new OptionError('Variable', 'requiresGrad', `requiresGrad ${describeValue(flag)} must be true or false`);
    if (!this.isLeaf) {
      throw new OptionError('Variable', 'requiresGrad', `requiresGrad can only be changed on a leaf (a parameter or input), not on the result of ${this.creator!.op}; use detach()`);
    }
    this.requiresGradFlag = flag;
    if (!flag) this.grad = null;
  }

  get shape(): readonly number[] { return this.value.shape; }
  get data(): Float32Array { return this.value.data; }
  get rank(): number { return this.value.rank; }
  get size(): number { return this.value.size; }

  /** True for variables not produced by a recorded op (parameters, inputs, constants). */
  get isLeaf(): boolean { return this.creator === null; }

  /** The same numbers, off the tape: gradients stop here. */
  detach(): Variable { return new Variable(this.value, false, null); }

  /** Clears the accumulated gradient. */
  zeroGrad(): void { this.grad = null; }
}

/**
 * A leaf variable wrapping `value` (not copied).
 *
 * @example const x = variable(randn([1, 3, 8]), { requiresGrad: true });
 */
export function variable(value: Tensor, options: { requiresGrad?: boolean } = {}): Variable {
  checkOptionKeys('variable', options, optionKeys<typeof options>({ requiresGrad: true }));
  return new Variable(value, options.requiresGrad ?? false, null);
}

/** A Variable as it is, or a Tensor as an untracked constant. */
export type VariableLike = Variable | Tensor;

/** Wraps a Tensor as a constant leaf; passes a Variable through. */
export function asVariable(op: string, x: VariableLike): Variable {
  if (x instanceof Variable) return x;
  if (x instanceof Tensor) return new Variable(x, false, null);
  throw new ShapeError(op, 'input', `input must be a Variable or a Tensor, got ${describeValue(x)}`);
}

/**
 * Records one op: returns `value` as a Variable that remembers its inputs and vector-Jacobian product when
 * gradients are enabled and some input requires one; otherwise an untracked Variable.
 */
export function record(op: string, value: Tensor, inputs: readonly Variable[], vjp: GradFunction['vjp']): Variable {
  const tracked = gradEnabled && inputs.some((v) => v.requiresGrad);
  return new Variable(value, tracked, tracked ? { op, inputs, vjp } : null);
}

/** Whether ops currently record onto the tape. */
export function isGradEnabled(): boolean { return gradEnabled; }

/**
 * Runs `fn` without recording (inference, optimizer updates, streaming); restores the previous mode even if
 * `fn` throws.
 *
 * @example const y = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}
