/**
 * The memory a Node process may use, and the default memory budget derived from it: the machine's memory, a
 * cgroup limit (containers: `docker run --memory 4g`), and the process's `ulimit -d` / `ulimit -v` limits,
 * whichever is smallest. `ATROUS_MEMORY_LIMIT` (bytes, or with a K/M/G/T suffix: `2G`) sets the budget directly.
 */
import fs from 'node:fs';
import os from 'node:os';
import { MemoryLimitError } from './errors.js';

/**
 * The share of the process's memory one allocation may take: an op holds its input, a staged or padded copy and
 * its output at once, so three budget-sized buffers plus the JS heap must still fit (under a 4 GiB limit: 1 GiB).
 */
export const BUDGET_SHARE = 1 / 4;

/** Bytes of physical memory. */
export function totalmem(): number {
  return os.totalmem();
}

/** The cgroup memory limit in bytes, or Infinity where there is none (`process.constrainedMemory` reports 0 or a huge value then). */
export function constrainedMemory(): number {
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  return limit > 0 && limit < 2 ** 62 ? limit : Infinity;
}

/**
 * The soft `ulimit -d` (data segment: every ArrayBuffer counts) and `ulimit -v` (address space) limits in bytes,
 * from `/proc/self/limits`; Infinity where unlimited or not on Linux.
 */
export function resourceLimit(): number {
  let text: string;
  try { text = fs.readFileSync('/proc/self/limits', 'utf8'); } catch { return Infinity; }
  let smallest = Infinity;
  for (const line of text.split('\n')) {
    const match = /^Max (data size|address space)\s+(\d+|unlimited)\s/.exec(line);
    if (match && match[2] !== 'unlimited') smallest = Math.min(smallest, Number(match[2]));
  }
  return smallest;
}

/**
 * Parses `ATROUS_MEMORY_LIMIT`: a whole number of bytes, optionally with a binary K, M, G or T suffix.
 *
 * @example parseMemorySize('2G') // 2147483648
 */
export function parseMemorySize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$/i.exec(text);
  const scale = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[(match?.[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  const bytes = match ? Math.floor(Number(match[1]) * scale) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new MemoryLimitError('ATROUS_MEMORY_LIMIT', 'ATROUS_MEMORY_LIMIT', `${JSON.stringify(text)} is not a memory size; use bytes or a number with K, M, G or T, e.g. ATROUS_MEMORY_LIMIT=2G`);
  }
  return bytes;
}

/** The default budget in Node: `ATROUS_MEMORY_LIMIT` when set, else a quarter of the memory this process may use. */
export function defaultMemoryLimit(env: NodeJS.ProcessEnv = process.env): number {
  const configured = env.ATROUS_MEMORY_LIMIT;
  if (configured !== undefined && configured !== '') return parseMemorySize(configured);
  return Math.floor(Math.min(totalmem(), constrainedMemory(), resourceLimit()) * BUDGET_SHARE);
}
