/**
 * The words of one pool's control block in shared memory (Int32 indices). The host bumps GENERATION to publish a
 * job; workers claim task indices with an atomic add on NEXT, so whichever thread runs a task, the task writes the
 * same outputs in the same order.
 */
export const Control = {
  /** Incremented once per job; workers sleep on it with Atomics.wait. */
  GENERATION: 0,
  /** Next unclaimed task index of the current job. */
  NEXT: 1,
  /** Number of tasks of the current job. */
  COUNT: 2,
  /** Workers that finished the current job. */
  DONE: 3,
  /** Workers that have instantiated the module; each takes the next index as its own. */
  READY: 4,
  /** Workers with an index below this take part in the current job. */
  PARTICIPANTS: 5,
  /** Byte address of the job's parameter block. */
  PARAMS: 6,
} as const;

export const CONTROL_WORDS = 16;
