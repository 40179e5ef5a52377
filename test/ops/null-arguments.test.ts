/**
 * Issue 17, item 10: the public entries of the tensor, geometry, ops and ONNX layers refuse null, undefined and
 * wrong types with a typed error naming the function, never a raw TypeError from deep inside.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as atrous from '../../src/index.js';

/** Entries of these layers, by name; every one is called with the arguments below. */
const ENTRIES = [
  'tensor', 'zeros', 'full', 'ones', 'arange', 'randn', 'rand', 'shapeSize', 'readNpy', 'writeNpy', 'readSafetensors', 'readSafetensorsHeader', 'writeSafetensors',
  'computeConvGeometry', 'computeConvTransposeGeometry', 'resolvePadding', 'perDimension', 'spatialSize',
  'conv', 'convBackward', 'convTranspose', 'convTransposeBackward', 'pad', 'padBackward', 'broadcastShapes', 'broadcastTo', 'sumToShape',
  'add', 'sub', 'mul', 'div', 'relu', 'reluBackward', 'leakyRelu', 'leakyReluBackward', 'tanh', 'tanhBackward', 'sigmoid', 'sigmoidBackward',
  'gelu', 'geluBackward', 'matmul', 'linear', 'sum', 'sumBackward', 'mean', 'meanBackward', 'softmax', 'softmaxBackward', 'logSoftmax',
  'logSoftmaxBackward', 'mseLoss', 'mseLossBackward', 'crossEntropy', 'batchNorm', 'concat', 'split', 'slice', 'sliceBackward', 'transpose',
  'transposeBackward', 'dropout', 'weightNorm', 'channelNorms', 'maxPool', 'avgPool', 'resize', 'adaptiveAvgPool', 'layerNorm', 'groupNorm',
  'loadOnnx', 'loadOnnxFile', 'externalDataFromDirectory',
] as const;

const ARGUMENTS: unknown[][] = [[null], [undefined, undefined], ['x', 'y'], [{}, {}, {}]];

describe('public entries refuse null, undefined and wrong types with typed errors', () => {
  for (const name of ENTRIES) {
    it(name, () => {
      const entry = (atrous as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      assert.equal(typeof entry, 'function', `${name} is exported`);
      for (const args of ARGUMENTS) {
        try {
          entry(...args);
        } catch (error) {
          assert.ok(error instanceof atrous.AtrousError, `${name}(${args.map(String).join(', ')}) threw ${(error as Error)?.stack}`);
        }
      }
    });
  }
});
