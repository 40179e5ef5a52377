export * from './conv-arithmetic.js';
export * from './padding.js';
export * from './conv-geometry.js';
