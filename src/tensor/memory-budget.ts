/**
 * The memory budget: the most bytes any single allocation atrous makes on a caller's behalf may take — an
 * output, a staging buffer, a padded copy, an ONNX plan's intermediate, WASM memory growth, a CLI analysis.
 * Checked *before* allocating, so a typo (`padding: 1e9`) or a hostile file becomes a typed error naming what
 * needed how much, instead of an allocator crash or the OOM killer.
 *
 * The default is a conservative constant (1 GiB) where the machine is unknown (browsers); the Node entry sets it
 * to a quarter of the memory this process may use, or to `ATROUS_MEMORY_LIMIT` (see `src/node-memory.ts`).
 */
import { MemoryLimitError } from '../errors.js';

/** Where the machine is unknown (browsers): 1 GiB. */
export const CONSERVATIVE_MEMORY_LIMIT = 2 ** 30;

let limit = CONSERVATIVE_MEMORY_LIMIT;

/**
 * Sets the budget in bytes (a positive safe integer). Returns the previous budget.
 *
 * @example const previous = setMemoryLimit(4 * 2 ** 30); // allow allocations of up to 4 GiB
 */
export function setMemoryLimit(bytes: number): number {
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 1) {
    throw new MemoryLimitError('setMemoryLimit', 'bytes', `memory limit ${String(bytes)} must be a positive integer number of bytes, e.g. 2 ** 30 for 1 GiB`);
  }
  const previous = limit;
  limit = bytes;
  return previous;
}

/** The budget in bytes. @example getMemoryLimit() // 12884901888 on a 24 GiB machine */
export function getMemoryLimit(): number {
  return limit;
}

/**
 * Throws a {@link MemoryLimitError} when allocating `bytes` for `what` in `op` would exceed the budget.
 * `bytes` may be any non-negative number, including one past 2^53 (computed from untrusted sizes): it is compared,
 * never allocated.
 *
 * @example checkAllocation('pad', 'output', values * 4);
 */
export function checkAllocation(op: string, what: string, bytes: number): void {
  if (!(bytes <= limit)) {
    throw new MemoryLimitError(op, what, `the ${what} would need ${formatBytes(bytes)}, more than the memory limit of ${formatBytes(limit)}; use smaller sizes, or raise the limit with setMemoryLimit(bytes) if the machine has the memory`);
  }
}

/**
 * The most values one typed array holds in every engine atrous runs on (V8 allows 2^32 − 1 float32 values).
 * Sizes past it are refused by name even under a budget raised past 16 GiB.
 */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32 - 1;

/**
 * {@link checkAllocation} for a typed array of `values` elements of `bytesPerValue` bytes (float32 by default):
 * also refuses a length no typed array can have, which would otherwise be a raw `RangeError`.
 *
 * @example checkTensorAllocation('zeros', 'tensor', 2 ** 40); // MemoryLimitError: zeros: the tensor would need 4 TiB ...
 */
export function checkTensorAllocation(op: string, what: string, values: number, bytesPerValue = 4): void {
  checkAllocation(op, what, values * bytesPerValue);
  if (!(values <= MAX_TYPED_ARRAY_LENGTH)) {
    throw new MemoryLimitError(op, what, `the ${what} would hold ${values} values, more than the ${MAX_TYPED_ARRAY_LENGTH} one typed array can address`);
  }
}

/** `1.5 GiB`, `512 MiB`, `12 bytes`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toPrecision(3))} ${units[unit]}`;
}
