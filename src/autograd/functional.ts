/**
 * Every tracked op in one namespace, as `torch.nn.functional`: `import { functional as F } from 'atrous'`.
 * Each takes Variables (or Tensors as constants) and returns a Variable on the tape.
 */
export { add, sub, mul, div } from './arithmetic.js';
export { relu, leakyRelu, tanh, sigmoid, gelu, gatedActivation } from './activations.js';
export { conv, convTranspose, type ConvVariableOptions, type ConvTransposeVariableOptions } from './conv.js';
export { matmul, linear } from './linear.js';
export { sum, mean } from './reduce.js';
export { softmax, logSoftmax } from './softmax.js';
export { mseLoss, crossEntropy } from './loss.js';
export { batchNorm, type BatchNormVariableOptions } from './batch-norm.js';
export { reshape, transpose, concat, slice, pad } from './shape.js';
export { dropout } from './dropout.js';
export { weightNorm } from './weight-norm.js';
export { maxPool, avgPool, adaptiveAvgPool } from './pool.js';
export { interpolate, type InterpolateOptions } from './interpolate.js';
export { layerNorm, groupNorm, type NormalizationVariableOptions } from './normalization.js';
