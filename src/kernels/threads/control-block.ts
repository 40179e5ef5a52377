/**
 * The words of one pool's control block in shared memory (Int32 indices). The host bumps GENERATION to publish a
 * job; every thread claims task indices with an atomic add on NEXT and counts finished tasks in COMPLETED, so the
 * host waits for the work, never for a worker that woke too late to find any (which matters on a busy machine).
 * Whichever thread runs a task, it writes the same outputs in the same order.
 */
export const Control = {
  /** Incremented once per job that asks for helpers; workers sleep on it with Atomics.wait. */
  GENERATION: 0,
  /** Next unclaimed task index of the current job; written last when a job is published. */
  NEXT: 1,
  /** Number of tasks of the current job. */
  COUNT: 2,
  /** Tasks of the current job that have finished. */
  COMPLETED: 3,
  /** Workers that have instantiated the module; each takes the next index as its own. */
  READY: 4,
  /** Workers with an index below this help with the current job. */
  HELPERS: 5,
  /** Byte address of the job's parameter block. */
  PARAMS: 6,
  /** Set by a worker whose task threw; the host reports it instead of returning a partial result. */
  FAILED: 7,
} as const;

export const CONTROL_WORDS = 16;
