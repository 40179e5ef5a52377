/**
 * What every optimizer shares, as `torch.optim.Optimizer`: parameter groups with their own hyperparameters, a
 * per-parameter state (momentum buffers, moments, step counts) that `stateDict`/`loadStateDict` save and restore
 * exactly, frozen parameters skipped, and `zeroGrad`.
 */
import { Variable } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';
import { checkOptionKeys } from '../../options.js';
import { Tensor } from '../../tensor/tensor.js';
import { markUpdated } from '../../tensor/version.js';

/** A hyperparameter value of a group: a number, a flag, or a pair (Adam's betas). */
export type Hyperparameter = number | boolean | readonly [number, number];

/** One parameter group as an optimizer holds it: its parameters and its own hyperparameters. */
export type ParamGroup<H> = H & {
  params: Variable[];
  /** The learning rate schedules start from (PyTorch's `initial_lr`). */
  initialLr: number;
};

/**
 * What optimizers take: the parameters (`model.parameters()`), or groups of them, each with hyperparameters that
 * override the optimizer's defaults (`[{ params: backbone, lr: 1e-4 }, { params: head }]`).
 */
export type ParameterInput<H> = readonly Variable[] | readonly ({ params: readonly Variable[] } & Partial<H>)[];

/** A per-parameter state entry: tensors (buffers, moments) and numbers (step counts). */
export type ParameterState = Record<string, Tensor | number>;

/**
 * An optimizer's state as `optimizer.state_dict()`: per-parameter state keyed by the parameter's index across
 * all groups in order, and each group's hyperparameters with its parameters' indices.
 */
export interface OptimizerStateDict {
  state: Map<number, ParameterState>;
  paramGroups: ({ params: number[] } & Record<string, Hyperparameter | number[]>)[];
}

/** Base of {@link SGD}, {@link Adam} and {@link AdamW}. */
export abstract class Optimizer<H extends { lr: number } = { lr: number }> {
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state, created on a parameter's first update. */
  protected readonly state = new Map<Variable, ParameterState>();

  constructor(readonly name: string, parameters: ParameterInput<H>, defaults: H, readonly hyperparameterKeys: readonly string[]) {
    if (!Array.isArray(parameters)) {
      throw new OptionError(name, 'parameters', `parameters ${describeValue(parameters)} must be an array of Variables (model.parameters()) or of groups { params, ...options }`);
    }
    if (parameters.length === 0) throw new OptionError(name, 'parameters', 'got an empty parameter list (as PyTorch refuses); pass model.parameters()');
    const groups = parameters.every((p) => p instanceof Variable)
      ? [{ params: parameters as readonly Variable[] }]
      : (parameters as readonly ({ params: readonly Variable[] } & Partial<H>)[]);
    const seen = new Set<Variable>();
    this.paramGroups = groups.map((group, g) => {
      if (group instanceof Variable || group === null || typeof group !== 'object') {
        throw new OptionError(name, `parameters[${g}]`, `parameters mixes Variables and groups at index ${g}; pass either model.parameters() or groups { params, ...options }`);
      }
      checkOptionKeys(`${name} parameter group ${g}`, group, ['params', ...hyperparameterKeys]);
      if (!Array.isArray(group.params) || group.params.length === 0) {
        throw new OptionError(name, `parameters[${g}].params`, `group ${g} needs a non-empty params array, got ${describeValue(group.params)}`);
      }
      group.params.forEach((p, i) => {
        if (!(p instanceof Variable)) throw new OptionError(name, `parameters[${g}].params[${i}]`, `parameter ${i} of group ${g} is ${describeValue(p)}, not a Variable`);
        if (!p.isLeaf) throw new OptionError(name, `parameters[${g}].params[${i}]`, `parameter ${i} of group ${g} is the result of ${p.creator!.op}, not a leaf; optimizers update leaves (parameters)`);
        if (seen.has(p)) throw new OptionError(name, `parameters[${g}].params[${i}]`, `parameter ${i} of group ${g} is already in an earlier group; a parameter belongs to one group`);
        seen.add(p);
      });
      const merged: Record<string, unknown> = { ...defaults };
      const given = group as unknown as Record<string, unknown>;
      for (const key of hyperparameterKeys) if (given[key] !== undefined) merged[key] = given[key];
      this.checkGroup(merged as H);
      return { ...(merged as H), params: group.params.slice(), initialLr: merged.lr as number };
    });
  }

  /** Refuses hyperparameters this optimizer cannot use (each optimizer names and bounds its own). */
  protected abstract checkGroup(group: H): void;

  /** Updates one parameter of `group` from its gradient `grad` (called only for parameters that have one). */
  protected abstract update(p: Variable, grad: Float32Array, group: ParamGroup<H>, state: ParameterState | undefined): ParameterState | undefined;

  /** Applies one update from the accumulated gradients; frozen parameters and those without a gradient are skipped. */
  step(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.requiresGrad || !p.grad) continue;
        const next = this.update(p, p.grad.data, group, this.state.get(p));
        if (next) this.state.set(p, next);
        markUpdated(p.value.data);
      }
    }
  }

  /** Every parameter of every group, in order. */
  get parameters(): Variable[] { return this.paramGroups.flatMap((g) => g.params); }

  /** The first group's learning rate; setting it sets every group's (schedules set each group's own). */
  get lr(): number { return this.paramGroups[0].lr; }
  set lr(lr: number) {
    checkHyperparameter(this.name, 'lr', lr, 0);
    for (const group of this.paramGroups) group.lr = lr;
  }

  /**
   * Clears every parameter's gradient: dropped (`setToNone`, the default, as PyTorch 2) or zero-filled in place.
   *
   * @example optimizer.zeroGrad({ setToNone: false });
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    checkOptionKeys(`${this.name}.zeroGrad`, options, ['setToNone']);
    for (const p of this.parameters) {
      if (options.setToNone ?? true) p.zeroGrad();
      else p.grad?.data.fill(0);
    }
  }

  /**
   * The optimizer's state as PyTorch's `state_dict()`: copies of every state tensor, step counts, and each group's
   * hyperparameters. Restoring it with {@link loadStateDict} resumes training exactly.
   *
   * @example const saved = optimizer.stateDict(); ... optimizer.loadStateDict(saved);
   */
  stateDict(): OptimizerStateDict {
    const index = new Map(this.parameters.map((p, i) => [p, i]));
    const state = new Map<number, ParameterState>();
    for (const [p, entry] of this.state) {
      const copy: ParameterState = {};
      for (const [key, value] of Object.entries(entry)) copy[key] = value instanceof Tensor ? value.clone() : value;
      state.set(index.get(p)!, copy);
    }
    const paramGroups = this.paramGroups.map((group) => {
      const values = group as unknown as Record<string, Hyperparameter>;
      const out: Record<string, Hyperparameter> = { initialLr: group.initialLr };
      for (const key of this.hyperparameterKeys) out[key] = values[key];
      return { ...out, params: group.params.map((p) => index.get(p)!) } as OptimizerStateDict['paramGroups'][number];
    });
    return { state, paramGroups };
  }

  /**
   * Restores a {@link stateDict}: group hyperparameters and per-parameter state, checked against this optimizer's
   * groups (same group count and sizes, state tensors of the parameters' shapes) before anything changes.
   */
  loadStateDict(saved: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (saved === null || typeof saved !== 'object' || !(saved.state instanceof Map) || !Array.isArray(saved.paramGroups)) {
      throw new OptionError(op, 'state', 'expected { state: Map, paramGroups: [...] } as stateDict() returns');
    }
    const own = this.stateDict().paramGroups;
    if (saved.paramGroups.length !== own.length || saved.paramGroups.some((g, i) => g.params?.length !== own[i].params.length)) {
      throw new OptionError(op, 'paramGroups', `the saved groups have ${describeValue(saved.paramGroups.map((g) => g.params?.length))} parameters but this optimizer's have ${describeValue(own.map((g) => g.params.length))}`);
    }
    const parameters = this.parameters;
    const restored = new Map<Variable, ParameterState>();
    for (const [i, entry] of saved.state) {
      const p = parameters[i];
      if (!p) throw new OptionError(op, 'state', `state for parameter ${i}, but there are ${parameters.length}`);
      const copy: ParameterState = {};
      for (const [key, value] of Object.entries(entry)) {
        if (value instanceof Tensor && value.size !== p.size) {
          throw new OptionError(op, 'state', `state ${key} of parameter ${i} has ${value.size} values; the parameter has ${p.size}`);
        }
        copy[key] = value instanceof Tensor ? value.clone() : value;
      }
      restored.set(p, copy);
    }
    const groups = saved.paramGroups.map((g, i) => {
      const values: Record<string, unknown> = { ...this.paramGroups[i] };
      for (const key of this.hyperparameterKeys) if (g[key] !== undefined) values[key] = g[key];
      if (typeof g.initialLr === 'number') values.initialLr = g.initialLr;
      this.checkGroup(values as H);
      return values;
    });
    groups.forEach((values, i) => Object.assign(this.paramGroups[i], values));
    this.state.clear();
    for (const [p, entry] of restored) this.state.set(p, entry);
  }
}

/** Throws unless `value` is a finite number in `[min, max)`. */
export function checkHyperparameter(op: string, name: string, value: unknown, min: number, max = Infinity): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= min && value < max)) {
    throw new OptionError(op, name, `${name} ${describeValue(value)} must be a finite number in [${min}, ${max === Infinity ? '∞' : max})`);
  }
  return value;
}
