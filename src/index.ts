/**
 * atrous — dilated (atrous) convolutions for Node and the browser.
 * Layers (DESIGN.md): tensor → geometry → kernels → ops → autograd → analysis → nn → onnx → viz → cli.
 */
export * from './errors.js';
export * from './tensor/index.js';
export * from './geometry/index.js';
export { setBackend, getBackend, ready, listBackends } from './kernels/index.js';
export { conv, type ConvOptions } from './ops/conv.js';
export { convBackward, type ConvBackwardOptions, type ConvGradients } from './ops/conv-backward.js';
export { convTranspose, convTransposeBackward, type ConvTransposeOptions, type ConvTransposeBackwardOptions } from './ops/conv-transpose.js';
export { pad, padBackward, type PadOptions } from './ops/pad.js';
