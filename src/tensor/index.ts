export * from './tensor.js';
export * from './random.js';
export * from './npy.js';
export { setMemoryLimit, getMemoryLimit, checkAllocation, checkTensorAllocation, formatBytes, MAX_TYPED_ARRAY_LENGTH, CONSERVATIVE_MEMORY_LIMIT } from './memory-budget.js';
export * from './wav.js';
export { trackVersion, markUpdated, versionOf } from './version.js';
