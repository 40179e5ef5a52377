export * from './tensor.js';
export * from './random.js';
export * from './npy.js';
export * from './wav.js';
