/**
 * Builds an nn model from a JSON description, for commands that load weights into a known architecture:
 * `{ "type": "WaveNet", ...WaveNetOptions }`, `{ "type": "TCN", ...TcnOptions }`, or
 * `{ "type": "Sequential", "layers": [{ "type": "Conv1d", ...ConvLayerOptions }, { "type": "ReLU" }, ...] }` with
 * layers Conv1d, DilatedCausalConv1d, WeightNormConv1d, TemporalBlock, BatchNorm1d, ReLU, LeakyReLU (negativeSlope),
 * Tanh, Sigmoid, GELU, Identity, Dropout (p) and nested Sequentials; for `atrous summary` also the 2-D blocks ASPP,
 * ContextModule, ResNet and Conv2d. One format for every command that takes `--model-config`.
 */
import { readFileSync } from 'node:fs';
import { FormatError, describeValue } from '../errors.js';
import { GELU, Identity, LeakyReLU, ReLU, Sigmoid, Tanh } from '../nn/activation.js';
import { BatchNorm1d } from '../nn/batch-norm.js';
import { ASPP } from '../nn/blocks/aspp.js';
import { ContextModule } from '../nn/blocks/context-module.js';
import { ResNet } from '../nn/blocks/resnet.js';
import { DilatedCausalConv1d } from '../nn/blocks/dilated-causal-conv1d.js';
import { TCN, TemporalBlock } from '../nn/blocks/tcn.js';
import { WaveNet } from '../nn/blocks/wavenet.js';
import { Conv1d, Conv2d } from '../nn/conv.js';
import { Dropout } from '../nn/dropout.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { WeightNormConv1d } from '../nn/weight-norm-conv.js';
import { readSafetensors } from '../tensor/safetensors.js';

type Config = Record<string, unknown> & { type?: unknown };

const BUILDERS: Record<string, (options: Config, path: string) => Module> = {
  WaveNet: (o) => new WaveNet(o as never),
  TCN: (o) => new TCN(o as never),
  TemporalBlock: (o) => new TemporalBlock(o as never),
  Conv1d: (o) => new Conv1d(o as never),
  DilatedCausalConv1d: (o) => new DilatedCausalConv1d(o as never),
  WeightNormConv1d: (o) => new WeightNormConv1d(o as never),
  BatchNorm1d: (o) => new BatchNorm1d(o as never),
  ReLU: () => new ReLU(),
  LeakyReLU: (o) => new LeakyReLU(o.negativeSlope as number | undefined),
  Tanh: () => new Tanh(),
  Sigmoid: () => new Sigmoid(),
  GELU: () => new GELU(),
  Identity: () => new Identity(),
  Dropout: (o) => new Dropout(o.p as number | undefined),
  ASPP: (o) => new ASPP(o as never),
  ContextModule: (o) => new ContextModule(o as never),
  ResNet: (o) => new ResNet(o as never),
  Conv2d: (o) => new Conv2d(o as never),
  Sequential: (o, path) => {
    if (!Array.isArray(o.layers)) throw new FormatError('model-config', path, `${path}: a Sequential needs "layers": [...]`);
    return new Sequential(...o.layers.map((layer, i) => buildModel(layer as Config, `${path}.layers[${i}]`)));
  },
};

/** The `"type"` names a config may use. */
export const BUILDER_TYPES: readonly string[] = Object.keys(BUILDERS);

/**
 * The model a config describes (fresh weights; load a state dict next).
 *
 * @example buildModel({ type: 'TCN', inputChannels: 1, channels: [16, 16] })
 */
export function buildModel(config: Config, path = 'config'): Module {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new FormatError('model-config', path, `${path} must be an object with a "type"`);
  const { type, ...options } = config;
  const build = typeof type === 'string' ? BUILDERS[type] : undefined;
  if (!build) throw new FormatError('model-config', path, `${path}.type ${describeValue(type)} is not one of ${Object.keys(BUILDERS).join(', ')}`);
  return build(options, path);
}

/** Reads `--model-config` and the safetensors weights, loads them strictly and switches to eval mode. */
export function loadModel(op: string, weightsPath: string, configPath: string): Module {
  const read = (path: string, what: string): Uint8Array => {
    try { return readFileSync(path); } catch (e) { throw new FormatError(op, what, `cannot read ${JSON.stringify(path)}: ${(e as Error).message}`); }
  };
  let config: Config;
  try { config = JSON.parse(new TextDecoder().decode(read(configPath, 'model-config'))) as Config; } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(op, 'model-config', `${JSON.stringify(configPath)} is not valid JSON: ${(e as Error).message}`);
  }
  const model = buildModel(config);
  model.loadStateDict(readSafetensors(read(weightsPath, 'model')));
  return model.eval();
}
