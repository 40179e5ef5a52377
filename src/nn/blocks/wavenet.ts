/**
 * WaveNet (van den Oord et al. 2016): a 1×1 input convolution, then stacks of gated residual layers with causal
 * dilations 1, 2, 4, ..., 2^(L−1) — each layer computes `z = tanh(W_f∗x + V_f·h) ⊙ σ(W_g∗x + V_g·h)` (h: an
 * optional global conditioning vector), adds a 1×1 of z back to its input (residual) and another 1×1 of z to the
 * skip sum — and an output head `1×1(relu(1×1(relu(skips))))`.
 *
 * Streaming generation keeps, per layer, a queue of the last `d(k−1)` inputs that layer saw, so each new sample
 * costs O(layers) convolution taps instead of a forward over the whole history; it computes the same numbers as
 * the full forward.
 */
import { add } from '../../autograd/arithmetic.js';
import { gatedActivation, relu } from '../../autograd/activations.js';
import { reshape } from '../../autograd/shape.js';
import { asVariable, noGrad, type Variable, type VariableLike } from '../../autograd/variable.js';
import { OptionError, ShapeError, describeValue } from '../../errors.js';
import type { Random } from '../../tensor/random.js';
import { Conv1d } from '../conv.js';
import { defaultGenerator } from '../init.js';
import { expectInput, Module } from '../module.js';
import { ModuleList } from '../sequential.js';

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
 * const stream = net.createStream(); const next = stream.step([0.1]);
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

  /**
   * Starts sample-by-sample generation for one sequence (batch 1) from silence (zeros before the first
   * sample, as the causal padding of the full forward).
   */
  createStream(condition?: ArrayLike<number>): WaveNetStream {
    return new WaveNetStream(this, condition);
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

/**
 * Incremental WaveNet inference. Layer `i` keeps a ring buffer of its last `d_i(k−1)+1` inputs; `step` pushes one
 * sample through every layer reading only those queues.
 */
export class WaveNetStream {
  private readonly queues: Float32Array[];
  private readonly heads: number[];
  private readonly conditionBias: { filter: Float32Array; gate: Float32Array }[] | null;
  private readonly residualChannels: number;
  private consumed = 0;

  constructor(private readonly net: WaveNet, condition?: ArrayLike<number>) {
    this.residualChannels = net.input.options.outChannels;
    this.queues = net.layers.modules.map((l) => new Float32Array((l.dilation * (l.kernelSize - 1) + 1) * this.residualChannels));
    this.heads = net.layers.modules.map(() => 0);
    if (net.conditionChannels !== null) {
      if (!condition || condition.length !== net.conditionChannels) {
        throw new ShapeError('WaveNetStream', 'condition', `this WaveNet is conditioned: pass ${net.conditionChannels} condition values, got ${condition ? condition.length : 'none'}`);
      }
      const h = Float32Array.from(condition);
      this.conditionBias = net.layers.modules.map((l) => ({
        filter: dense(l.conditionFilter!.weight.data, null, h, l.conditionFilter!.options.outChannels, h.length),
        gate: dense(l.conditionGate!.weight.data, null, h, l.conditionGate!.options.outChannels, h.length),
      }));
    } else {
      if (condition !== undefined) throw new OptionError('WaveNetStream', 'condition', 'this WaveNet was built without conditionChannels');
      this.conditionBias = null;
    }
  }

  /** Samples consumed so far. */
  get time(): number { return this.consumed; }

  /** Feeds one input sample (`inChannels` values) and returns the output at this time step (`outChannels` values). */
  step(sample: ArrayLike<number>): Float32Array {
    const net = this.net;
    if (sample.length !== net.inChannels) {
      throw new ShapeError('WaveNetStream', 'sample', `sample has ${sample.length} values but the WaveNet takes ${net.inChannels} input channels`);
    }
    return noGrad(() => {
      const R = this.residualChannels;
      let x = dense(net.input.weight.data, net.input.bias?.data ?? null, Float32Array.from(sample), R, net.inChannels);
      let skips: Float32Array | null = null;
      net.layers.modules.forEach((layer, li) => {
        const queue = this.queues[li];
        const slots = queue.length / R;
        const head = this.heads[li];
        queue.set(x, head * R);
        const gate = layer.filter.options.outChannels;
        const k = layer.kernelSize, d = layer.dilation;
        const f = new Float32Array(gate), g = new Float32Array(gate);
        const Wf = layer.filter.weight.data, Wg = layer.gate.weight.data;
        for (let o = 0; o < gate; o++) {
          let sf = layer.filter.bias ? layer.filter.bias.data[o] : 0;
          let sg = layer.gate.bias ? layer.gate.bias.data[o] : 0;
          for (let j = 0; j < k; j++) {
            // Tap j of a causal conv reads the input (k−1−j)·d steps back.
            const slot = (((head - (k - 1 - j) * d) % slots) + slots) % slots;
            const past = slot * R;
            for (let i = 0; i < R; i++) {
              const v = queue[past + i];
              sf += Wf[(o * R + i) * k + j] * v;
              sg += Wg[(o * R + i) * k + j] * v;
            }
          }
          if (this.conditionBias) { sf += this.conditionBias[li].filter[o]; sg += this.conditionBias[li].gate[o]; }
          f[o] = sf;
          g[o] = sg;
        }
        const z = new Float32Array(gate);
        for (let o = 0; o < gate; o++) z[o] = Math.tanh(f[o]) * (1 / (1 + Math.exp(-g[o])));
        const res = dense(layer.residual.weight.data, layer.residual.bias?.data ?? null, z, R, gate);
        const skip = dense(layer.skip.weight.data, layer.skip.bias?.data ?? null, z, layer.skip.options.outChannels, gate);
        for (let i = 0; i < R; i++) res[i] += x[i];
        x = res;
        if (skips) for (let i = 0; i < skip.length; i++) skips[i] += skip[i];
        else skips = skip;
        this.heads[li] = (head + 1) % slots;
      });
      const hidden = dense(net.output1.weight.data, net.output1.bias?.data ?? null, skips!.map((v) => Math.max(v, 0)), net.output1.options.outChannels, skips!.length);
      const out = dense(net.output2.weight.data, net.output2.bias?.data ?? null, hidden.map((v) => Math.max(v, 0)), net.output2.options.outChannels, hidden.length);
      this.consumed++;
      return out;
    });
  }
}

/** `W·v + b` for a 1×1 conv weight `[out, in, 1]` (or `[out, in]`). */
function dense(W: Float32Array, b: Float32Array | null, v: Float32Array, out: number, inn: number): Float32Array {
  const y = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let s = b ? b[o] : 0;
    for (let i = 0; i < inn; i++) s += W[o * inn + i] * v[i];
    y[o] = s;
  }
  return y;
}
