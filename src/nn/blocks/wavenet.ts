/**
 * WaveNet (van den Oord et al. 2016): a 1×1 input convolution, then stacks of gated residual layers with causal
 * dilations 1, 2, 4, ..., 2^(L−1) — each layer computes `z = tanh(W_f∗x + V_f·h) ⊙ σ(W_g∗x + V_g·h)` (h: an
 * optional global conditioning vector), adds a 1×1 of z back to its input (residual) and another 1×1 of z to the
 * skip sum — and an output head `1×1(relu(1×1(relu(skips))))`.
 *
 * `stream(net)` (nn/stream/) runs it sample by sample with a queue of the last `d(k−1)` inputs per layer, so each new
 * sample costs O(layers) instead of a forward over the whole history, and `generate(net, ...)` samples audio from it.
 */
import { add } from '../../autograd/arithmetic.js';
import { gatedActivation, relu } from '../../autograd/activations.js';
import { reshape } from '../../autograd/shape.js';
import { asVariable, type Variable, type VariableLike } from '../../autograd/variable.js';
import { OptionError, ShapeError, describeValue } from '../../errors.js';
import type { Random } from '../../tensor/random.js';
import { Conv1d } from '../conv.js';
import { defaultGenerator } from '../init.js';
import { expectInput, Module } from '../module.js';
import { ModuleList } from '../sequential.js';
import { checkOptionKeys, optionKeys } from '../../options.js';
import { fusedHalves, type StateDictAlias } from '../state-dict-aliases.js';

/** Options of {@link WaveNet}. */
export interface WaveNetOptions {
  inChannels: number;
  outChannels: number;
  residualChannels: number;
  /** Channels of the gated unit (default `residualChannels`). */
  gateChannels?: number;
  skipChannels: number;
  /** Taps per dilated convolution (default 2, as WaveNet). */
  kernelSize?: number;
  /** Layers per stack; stack dilations are 1, 2, ..., 2^(L−1) (default 10). */
  layersPerStack?: number;
  /** How many times the dilation cycle repeats (default 1). */
  stacks?: number;
  /** Size of the global conditioning vector h (speaker identity, ...); omit for none. */
  conditionChannels?: number;
  random?: Random;
}

/** One gated residual layer. Parameter names: `filter`, `gate`, `residual`, `skip`, `condition_filter`, `condition_gate`. */
export class WaveNetLayer extends Module {
  readonly filter: Conv1d;
  readonly gate: Conv1d;
  readonly residual: Conv1d;
  readonly skip: Conv1d;
  readonly conditionFilter: Conv1d | null;
  readonly conditionGate: Conv1d | null;
  readonly dilation: number;
  readonly kernelSize: number;

  constructor(o: Required<Omit<WaveNetOptions, 'conditionChannels' | 'random'>> & { conditionChannels?: number; random: Random }, dilation: number) {
    super();
    this.dilation = dilation;
    this.kernelSize = o.kernelSize;
    const dilated = { inChannels: o.residualChannels, outChannels: o.gateChannels, kernelSize: o.kernelSize, dilation, padding: 'causal' as const, random: o.random };
    this.filter = this.registerModule('filter', new Conv1d(dilated));
    this.gate = this.registerModule('gate', new Conv1d(dilated));
    this.residual = this.registerModule('residual', new Conv1d({ inChannels: o.gateChannels, outChannels: o.residualChannels, kernelSize: 1, random: o.random }));
    this.skip = this.registerModule('skip', new Conv1d({ inChannels: o.gateChannels, outChannels: o.skipChannels, kernelSize: 1, random: o.random }));
    const condition = o.conditionChannels
      ? { inChannels: o.conditionChannels, outChannels: o.gateChannels, kernelSize: 1, bias: false, random: o.random }
      : null;
    this.conditionFilter = condition ? this.registerModule('condition_filter', new Conv1d(condition)) : null;
    this.conditionGate = condition ? this.registerModule('condition_gate', new Conv1d(condition)) : null;
  }

  /**
   * The common fused layout: one dilated convolution of `2·gateChannels` outputs, filter half first (`filter_gate`,
   * or `conv` with `conv1x1_out`/`conv1x1_skip`/`conv1x1g` as r9y9's wavenet_vocoder names its layer).
   */
  override stateDictAliases(): readonly StateDictAlias[] {
    const biasAnd = (m: Conv1d | null) => (m?.bias ? ['weight', 'bias'] : ['weight']);
    return [
      ...fusedHalves('filter_gate', 'filter', 'gate', biasAnd(this.filter)),
      ...fusedHalves('conv', 'filter', 'gate', biasAnd(this.filter)),
      ...fusedHalves('condition_filter_gate', 'condition_filter', 'condition_gate', biasAnd(this.conditionFilter)),
      ...fusedHalves('conv1x1g', 'condition_filter', 'condition_gate', biasAnd(this.conditionFilter)),
      ...biasAnd(this.residual).map((k) => ({ from: [`conv1x1_out.${k}`], to: [`residual.${k}`] })),
      ...biasAnd(this.skip).map((k) => ({ from: [`conv1x1_skip.${k}`], to: [`skip.${k}`] })),
    ];
  }

  /** Returns the residual output and this layer's skip contribution; `h` is `[N, conditionChannels, 1]`. */
  run(x: Variable, h: Variable | null): { residual: Variable; skip: Variable } {
    let f = this.filter.forward(x);
    let g = this.gate.forward(x);
    if (h && this.conditionFilter && this.conditionGate) {
      f = add(f, this.conditionFilter.forward(h));
      g = add(g, this.conditionGate.forward(h));
    }
    const z = gatedActivation(f, g);
    return { residual: add(x, this.residual.forward(z)), skip: this.skip.forward(z) };
  }

  forward(x: VariableLike): Variable { return this.run(asVariable('WaveNetLayer', x), null).residual; }
}

/**
 * `[N, inChannels, L] → [N, outChannels, L]`, causal; the receptive field is `1 + stacks·(k−1)(2^L − 1)`.
 *
 * @example
 * const net = new WaveNet({ inChannels: 1, outChannels: 256, residualChannels: 32, skipChannels: 64, layersPerStack: 10 });
 * const logits = net.forward(randn([1, 1, 16000]));  // [1, 256, 16000]; stream(net).step([0.1]) for one sample
 */
export class WaveNet extends Module {
  readonly input: Conv1d;
  readonly layers: ModuleList<WaveNetLayer>;
  readonly output1: Conv1d;
  readonly output2: Conv1d;
  readonly inChannels: number;
  readonly conditionChannels: number | null;

  constructor(options: WaveNetOptions) {
    super();
    checkOptionKeys('WaveNet', options, optionKeys<typeof options>({ inChannels: true, outChannels: true, residualChannels: true, gateChannels: true, skipChannels: true, kernelSize: true, layersPerStack: true, stacks: true, conditionChannels: true, random: true }));
    const o = {
      ...options,
      gateChannels: options.gateChannels ?? options.residualChannels,
      kernelSize: options.kernelSize ?? 2,
      layersPerStack: options.layersPerStack ?? 10,
      stacks: options.stacks ?? 1,
      random: options.random ?? defaultGenerator(),
    };
    for (const key of ['inChannels', 'outChannels', 'residualChannels', 'gateChannels', 'skipChannels', 'kernelSize', 'layersPerStack', 'stacks'] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 1) throw new OptionError('WaveNet', key, `${key} ${describeValue(o[key])} must be a positive integer`);
    }
    this.inChannels = o.inChannels;
    this.conditionChannels = o.conditionChannels ?? null;
    this.input = this.registerModule('input', new Conv1d({ inChannels: o.inChannels, outChannels: o.residualChannels, kernelSize: 1, random: o.random }));
    const dilations = Array.from({ length: o.stacks * o.layersPerStack }, (_, i) => 2 ** (i % o.layersPerStack));
    this.layers = this.registerModule('layers', new ModuleList(dilations.map((d) => new WaveNetLayer(o, d))));
    this.output1 = this.registerModule('output1', new Conv1d({ inChannels: o.skipChannels, outChannels: o.skipChannels, kernelSize: 1, random: o.random }));
    this.output2 = this.registerModule('output2', new Conv1d({ inChannels: o.skipChannels, outChannels: o.outChannels, kernelSize: 1, random: o.random }));
  }

  /** Samples of history each output sees. */
  get receptiveField(): number {
    return 1 + this.layers.modules.reduce((sum, l) => sum + l.dilation * (l.kernelSize - 1), 0);
  }

  /**
   * Runs the whole sequence; `condition` is the global conditioning vector per batch item, `[N, conditionChannels]`.
   */
  forward(x: VariableLike, condition?: VariableLike): Variable {
    expectInput('WaveNet', x, this.inChannels, 1);
    const h = this.conditioning(x.shape[0], condition);
    let residual = this.input.forward(x);
    let skips: Variable | null = null;
    for (const layer of this.layers.modules) {
      const out = layer.run(residual, h);
      residual = out.residual;
      skips = skips ? add(skips, out.skip) : out.skip;
    }
    return this.output2.forward(relu(this.output1.forward(relu(skips!))));
  }

  private conditioning(batch: number, condition?: VariableLike): Variable | null {
    if (this.conditionChannels === null) {
      if (condition !== undefined) throw new OptionError('WaveNet', 'condition', 'this WaveNet was built without conditionChannels, so it takes no condition');
      return null;
    }
    if (condition === undefined) throw new OptionError('WaveNet', 'condition', `this WaveNet is conditioned: pass a [N, ${this.conditionChannels}] condition`);
    if (condition.shape.length !== 2 || condition.shape[0] !== batch || condition.shape[1] !== this.conditionChannels) {
      throw new ShapeError('WaveNet', 'condition', `condition shape ${describeValue(condition.shape)} must be [${batch}, ${this.conditionChannels}]`);
    }
    return reshape(condition, [batch, this.conditionChannels, 1]);
  }
}
