/** The small networks the examples compare: same layers and parameters, different dilation schedules. */
import { BatchNorm2d, Conv2d, ReLU, Sequential, manualSeed, moduleGraph, graphCost, receptiveField, coverage, type Module } from '../../src/index.js';

/**
 * `layers` 3×3 convolutions of `width` channels, each with batch norm and ReLU, dilation `dilations[i]` and padding
 * equal to it (size kept), then a 1×1 classifier: the same parameters whatever the schedule.
 */
export function dilatedSegmenter(inChannels: number, width: number, classes: number, dilations: readonly number[], seed: number): Sequential {
  manualSeed(seed);
  const layers: Module[] = [];
  dilations.forEach((d, i) => {
    layers.push(new Conv2d({ inChannels: i === 0 ? inChannels : width, outChannels: width, kernelSize: 3, dilation: d, padding: d }), new BatchNorm2d({ numFeatures: width }), new ReLU());
  });
  layers.push(new Conv2d({ inChannels: width, outChannels: classes, kernelSize: 1 }));
  return new Sequential(...layers);
}

/** Receptive field, coverage and cost of a module on `[channels, size, size]` inputs, from the analysis. */
export interface NetworkFacts {
  rf: number;
  /** Offsets inside the field that no path reaches. */
  holes: number;
  coveredFraction: number;
  params: number;
  macs: number;
}

/** What the analysis says of `model` — the same numbers `atrous analyze` prints. */
export function networkFacts(model: Module, channels: number, size: number): NetworkFacts {
  const graph = moduleGraph(model, { rank: 2, channels, size: [size, size] });
  const field = receptiveField(graph).output;
  const cover = coverage(graph);
  const cost = graphCost(graph);
  if (field.rf[0] === null) throw new Error(`networkFacts: ${model.constructor.name} has a global receptive field; these examples compare local ones`);
  return { rf: field.rf[0], holes: cover.holes, coveredFraction: cover.coveredFraction, params: model.parameterCount(), macs: cost.macs };
}
