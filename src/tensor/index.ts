export * from './tensor.js';
export * from './random.js';
export * from './npy.js';
export { setMemoryLimit, getMemoryLimit, checkAllocation, formatBytes, CONSERVATIVE_MEMORY_LIMIT } from './memory-budget.js';
export { trackVersion, markUpdated, versionOf } from './version.js';
