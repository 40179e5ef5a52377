/**
 * atrous — dilated (atrous) convolutions for Node and the browser.
 * Layers (DESIGN.md): tensor → geometry → kernels → ops → autograd → analysis → nn → onnx → viz → cli.
 */
import { defaultMemoryLimit } from './node-memory.js';
import { setMemoryLimit } from './tensor/memory-budget.js';

// Node knows the machine: the budget is a quarter of the memory this process may use (the smallest of the machine,
// a cgroup and ulimit -d/-v), or ATROUS_MEMORY_LIMIT when set.
setMemoryLimit(defaultMemoryLimit());

export { checkOptionKeys, closestKey, optionKeys } from './options.js';
export * from './errors.js';
export * from './tensor/index.js';
export * from './geometry/index.js';
export { setBackend, getBackend, ready, listBackends, setThreads, getThreads, wasmBuild } from './kernels/index.js';
export { KernelError } from './kernels/kernel-error.js';
export { conv, type ConvOptions } from './ops/conv.js';
export { convBackward, type ConvBackwardOptions, type ConvGradients } from './ops/conv-backward.js';
export { convTranspose, convTransposeBackward, type ConvTransposeOptions, type ConvTransposeBackwardOptions } from './ops/conv-transpose.js';
export { pad, padBackward, type PadOptions } from './ops/pad.js';
export { broadcastShapes, broadcastTo, sumToShape } from './ops/broadcast.js';
export { add, sub, mul, div, addBackward, subBackward, mulBackward, divBackward, type Operand, type BinaryGradients } from './ops/elementwise.js';
export { relu, reluBackward, leakyRelu, leakyReluBackward, tanh, tanhBackward, sigmoid, sigmoidBackward, gelu, geluBackward, erf } from './ops/activations.js';
export { matmul, matmulBackward, linear, linearBackward } from './ops/matmul.js';
export { sum, sumBackward, mean, meanBackward, type ReduceOptions } from './ops/reduce.js';
export { softmax, softmaxBackward, logSoftmax, logSoftmaxBackward } from './ops/softmax.js';
export { mseLoss, mseLossBackward, crossEntropy, crossEntropyBackward, type Reduction, type MseLossOptions, type CrossEntropyOptions } from './ops/loss.js';
export { batchNorm, batchNormBackward, type BatchNormOptions, type BatchNormGradients } from './ops/batch-norm.js';
export { concat, split } from './ops/concat.js';
export { slice, sliceBackward, type SliceSpec } from './ops/slice.js';
export { transpose, transposeBackward } from './ops/transpose.js';
export { dropout, dropoutMask } from './ops/dropout.js';
export * from './analysis/index.js';
export * from './autograd/index.js';
export * from './nn/index.js';
export { weightNorm, weightNormBackward, channelNorms } from './ops/weight-norm.js';
export * from './viz/index.js';
export { readSafetensors, readSafetensorsHeader, writeSafetensors, type SafetensorsEntry, type SafetensorsHeader } from './tensor/safetensors.js';
export * from './onnx/index.js';
export { maxPool, maxPoolBackward, avgPool, avgPoolBackward, type PoolOptions } from './ops/pool.js';
export { resize, resizeBackward, type ResizeOptions, type CoordinateMode, type NearestMode } from './ops/resize.js';
export { adaptiveAvgPool, adaptiveAvgPoolBackward } from './ops/adaptive-pool.js';
export { layerNorm, layerNormBackward, groupNorm, groupNormBackward, type NormalizationOptions, type NormalizationGradients } from './ops/normalization.js';
