/**
 * The base of every layer and block: named parameters (Variables that require gradients), buffers (Tensors
 * such as batch-norm running statistics), child modules, a training flag, and `stateDict`/`loadStateDict` with
 * PyTorch's dotted names (`convs.1.0.weight`) so weights move between atrous and PyTorch unchanged.
 */
import { ShapeError, describeValue } from '../errors.js';
import { Variable, type VariableLike } from '../autograd/variable.js';
import { Tensor } from '../tensor/tensor.js';
import { markUpdated, trackVersion } from '../tensor/version.js';
import { StateDictError, type StateDictMismatch } from './state-dict-error.js';
import { resolveStateDictAliases, type StateDictAlias } from './state-dict-aliases.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** A state dict: dotted name → tensor, in registration order. */
export type StateDict = Map<string, Tensor>;

/**
 * Base class of layers and blocks. Subclasses register their parts in the constructor and implement `forward`.
 *
 * @example
 * class Scale extends Module {
 *   readonly factor = this.registerParameter('factor', ones([1]));
 *   forward(x: VariableLike) { return F.mul(x, this.factor); }
 * }
 */
export abstract class Module {
  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private readonly parameterSlots = new Map<string, Variable | null>();
  private readonly bufferSlots = new Map<string, Tensor>();
  private readonly childSlots = new Map<string, Module>();

  /** Runs the module. */
  abstract forward(input: VariableLike, ...rest: never[]): Variable;

  /** Registers a trainable tensor under `name` (null for an absent optional parameter, e.g. no bias). */
  protected registerParameter(name: string, value: Tensor): Variable;
  protected registerParameter(name: string, value: Tensor | null): Variable | null;
  protected registerParameter(name: string, value: Tensor | null): Variable | null {
    const parameter = value ? new Variable(value, true) : null;
    if (parameter) trackVersion(parameter.value.data);
    this.parameterSlots.set(name, parameter);
    return parameter;
  }

  /** Registers a non-trainable tensor that belongs in the state dict (running statistics). */
  protected registerBuffer(name: string, value: Tensor): Tensor {
    this.bufferSlots.set(name, value);
    return value;
  }

  /** Registers a child whose parameters and buffers appear under `name.`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.childSlots.set(name, module);
    return module;
  }

  /** Direct children with their names. */
  namedChildren(): [string, Module][] { return [...this.childSlots]; }

  /** This module and every descendant, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.childSlots) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** Every parameter with its dotted name, each once. */
  namedParameters(): [string, Variable][] {
    const seen = new Set<Variable>();
    const out: [string, Variable][] = [];
    for (const [path, module] of this.namedModules()) {
      for (const [name, p] of module.parameterSlots) {
        if (p && !seen.has(p)) { seen.add(p); out.push([path ? `${path}.${name}` : name, p]); }
      }
    }
    return out;
  }

  /** Every parameter, each once (what an optimizer updates). */
  parameters(): Variable[] { return this.namedParameters().map(([, p]) => p); }

  /** Every buffer with its dotted name. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, module] of this.namedModules()) {
      for (const [name, b] of module.bufferSlots) out.push([path ? `${path}.${name}` : name, b]);
    }
    return out;
  }

  /** Number of trainable values, as `sum(p.numel() for p in m.parameters())`. */
  parameterCount(): number { return this.parameters().reduce((n, p) => n + p.size, 0); }

  /** Sets training mode here and below; returns this. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  /** Evaluation mode (`train(false)`); returns this. */
  eval(): this { return this.train(false); }

  /**
   * Other names under which this module's weights are commonly saved (relative to this module), which
   * `loadStateDict` maps onto its own keys. None by default; blocks with well-known foreign layouts declare theirs.
   */
  stateDictAliases(): readonly StateDictAlias[] { return []; }

  /** Clears every parameter's accumulated gradient. */
  zeroGrad(): void { for (const p of this.parameters()) p.zeroGrad(); }

  /**
   * Freezes (`false`) or unfreezes every parameter here and below, as `module.requires_grad_()`; a frozen
   * parameter gets no gradient and optimizers leave it unchanged. Returns this.
   *
   * @example model.backbone.setRequiresGrad(false); // fine-tune the head only
   */
  setRequiresGrad(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Parameters and buffers by dotted name, in PyTorch's order (each module's parameters, then its buffers,
   * then its children). The tensors are the module's own: copy them before changing them.
   */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    const visit = (module: Module, prefix: string): void => {
      for (const [name, p] of module.parameterSlots) if (p) out.set(prefix + name, p.value);
      for (const [name, b] of module.bufferSlots) out.set(prefix + name, b);
      for (const [name, child] of module.childSlots) visit(child, `${prefix}${name}.`);
    };
    visit(this, '');
    return out;
  }

  /**
   * Copies tensors into this module's parameters and buffers by name. With `strict` (default) every key must
   * match and every shape agree; otherwise a {@link StateDictError} lists all the problems and nothing is
   * changed. Non-strict loading skips missing and unexpected keys but still refuses mis-shaped ones. Known
   * foreign layouts are mapped first (weight-norm `weight_g`/`weight_v` and parametrizations, and each block's
   * {@link stateDictAliases}). Every loaded tensor's version is bumped, so cached packed weights are repacked.
   *
   * @example model.loadStateDict(readSafetensors(fs.readFileSync('aspp.safetensors')));
   */
  loadStateDict(state: StateDict | Record<string, Tensor>, options: { strict?: boolean } = {}): void {
    checkOptionKeys('loadStateDict', options, optionKeys<typeof options>({ strict: true }));
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const offeredMap = state instanceof Map ? state : new Map(Object.entries(state));
    const incoming = resolveStateDictAliases(offeredMap, {
      ownKeys: new Set(own.keys()),
      aliases: this.namedModules().map(([path, m]) => ({ prefix: path ? `${path}.` : '', aliases: m.stateDictAliases() })),
    });
    const mismatches: StateDictMismatch[] = [];
    for (const [key, tensor] of own) {
      const offered = incoming.get(key);
      if (!offered) {
        if (strict) mismatches.push({ key, kind: 'missing', expected: tensor.shape });
      } else if (!(offered instanceof Tensor) || offered.size !== tensor.size || offered.shape.join() !== tensor.shape.join()) {
        mismatches.push({ key, kind: 'shape', expected: tensor.shape, actual: offered instanceof Tensor ? offered.shape : [] });
      }
    }
    if (strict) {
      for (const [key, tensor] of incoming) if (!own.has(key)) mismatches.push({ key, kind: 'unexpected', actual: tensor.shape });
    }
    if (mismatches.length > 0) throw new StateDictError('loadStateDict', mismatches);
    for (const [key, tensor] of own) {
      const offered = incoming.get(key);
      if (offered) { tensor.data.set(offered.data); markUpdated(tensor.data); }
    }
  }
}

/**
 * Checks a block's input: rank `2 + spatialRank` and `channels` channels, reporting every mismatch at once in a
 * {@link ShapeError} that names the block.
 *
 * @example expectInput('ASPP', x, 256, 2)
 */
export function expectInput(block: string, x: VariableLike, channels: number, spatialRank: number | readonly number[]): void {
  const shape = x.shape;
  const ranks = typeof spatialRank === 'number' ? [spatialRank] : spatialRank;
  const problems: string[] = [];
  if (!ranks.includes(shape.length - 2)) {
    problems.push(`it has ${Math.max(0, shape.length - 2)} spatial dimension(s) but ${block} takes ${ranks.join(' or ')} ([N, C, ...spatial])`);
  }
  if (shape.length < 2 || shape[1] !== channels) {
    problems.push(`it has ${shape.length >= 2 ? shape[1] : 'no'} channels but ${block} was built for ${channels}`);
  }
  if (problems.length > 0) {
    throw new ShapeError(block, 'input', `input shape ${describeValue(shape)} does not fit: ${problems.join('; ')}`);
  }
}
