import { checkAllocation } from '../tensor/memory-budget.js';

/**
 * A zeroed float32 buffer of `values` values for a kernel's result, refused with a MemoryLimitError naming `op`
 * and `what` when it would exceed the memory budget (a typo like `padding: 1e9` asks for gigabytes).
 *
 * @example const y = outputBuffer('conv', 'output', 1024);
 */
export function outputBuffer(op: string, what: string, values: number): Float32Array {
  checkAllocation(op, what, values * 4);
  return new Float32Array(values);
}
