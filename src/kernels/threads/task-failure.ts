/**
 * A task of a kernel job threw (a WebAssembly trap, on the calling thread or a worker). Internal: the backend
 * turns it into a {@link KernelError} that names the op and the layer's geometry, which the pool does not know.
 */
export class TaskFailure extends Error {
  constructor(readonly task: number, readonly count: number, readonly detail: string, readonly job = 'job') {
    super(`${job} task ${task} of ${count} failed (${detail})`);
    this.name = 'TaskFailure';
  }
}
