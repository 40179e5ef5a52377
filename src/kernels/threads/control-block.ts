/**
 * The words of one pool's control block in shared memory (Int32 indices). The host bumps GENERATION to publish a
 * job; every thread claims tasks from the CLAIM word and counts finished tasks in COMPLETED, so the host waits for
 * the work, never for a worker that woke too late to find any (which matters on a busy machine). Whichever thread
 * runs a task, it writes the same outputs in the same order.
 *
 * CLAIM is one 64-bit word, (task count << 32) | next task index, claimed with a single atomic add, so a claim
 * always sees the count of the job it belongs to. With separate count and index words, a worker preempted between
 * claiming an index of a finished job and reading the count could read the next job's larger count, run that
 * job's task twice and let the host return while a task was still running (wrong results, or a task that read a
 * half-rewritten parameter block and trapped).
 */
export const Control = {
  /** Incremented once per job that asks for helpers; workers sleep on it with Atomics.wait. */
  GENERATION: 0,
  /** Tasks of the current job that have finished. */
  COMPLETED: 1,
  /** Workers that have instantiated the module; each takes the next index as its own. */
  READY: 2,
  /** Workers with an index below this help with the current job. */
  HELPERS: 3,
  /** Byte address of the job's parameter block. */
  PARAMS: 4,
  /** 0, or 1 + the index of the first task that threw; the host reports it instead of returning a partial result. */
  FAILED: 5,
  /** First Int32 word of the 64-bit claim word (8-byte aligned); written last when a job is published. */
  CLAIM: 8,
} as const;

export const CONTROL_WORDS = 16;

/** The 64-bit claim word of the control block at byte address `control` (64-byte aligned). */
export function claimWord(buffer: ArrayBufferLike, control: number): BigInt64Array {
  return new BigInt64Array(buffer, control + Control.CLAIM * 4, 1);
}

/** The claim word's value that publishes a job of `count` tasks, none claimed yet. */
export function publishedClaim(count: number): bigint {
  return BigInt(count) << 32n;
}

/** Claims the next task of the job the claim word holds: its index and the job's task count, or null when none is left. */
export function claimTask(claim: BigInt64Array): { task: number; count: number } | null {
  const ticket = Atomics.add(claim, 0, 1n);
  const count = Number(ticket >> 32n), task = Number(ticket & 0xffffffffn);
  return task < count ? { task, count } : null;
}
