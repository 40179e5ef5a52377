/** The memory a Node process may use: the machine's, and a cgroup limit where the process runs under one. */
import os from 'node:os';

/** Bytes of physical memory. */
export function totalmem(): number {
  return os.totalmem();
}

/** The cgroup memory limit in bytes, or Infinity where there is none (`process.constrainedMemory` reports 0 or a huge value then). */
export function constrainedMemory(): number {
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  return limit > 0 && limit < 2 ** 62 ? limit : Infinity;
}
