export * from './conv-arithmetic.js';
export * from './padding.js';
export * from './conv-geometry.js';
export * from './tap-valid-range.js';
export * from './pool-arithmetic.js';
export * from './receptive-field.js';
