/**
 * Memory planning for the executor: float buffers recycled across the steps of a run and across runs. A value's
 * buffer goes back to the arena when the last value viewing it is released (the planner's last-reader schedule);
 * the next step asking for that many floats gets it. After the first run of a plan every intermediate buffer is
 * reused, so steady-state runs allocate only the graph outputs they hand to the caller.
 */
export class BufferArena {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private readonly live = new Map<ArrayBufferLike, number>();

  /** A buffer of exactly `length` floats, recycled when one is free. Its contents are unspecified. */
  take(length: number): Float32Array {
    const list = this.free.get(length);
    const reused = list?.pop();
    if (reused) return reused;
    const fresh = new Float32Array(length);
    this.owned.add(fresh.buffer);
    return fresh;
  }

  /** Records that a value now refers to `data` (its own buffer or a view of another's). */
  hold(data: Float32Array | Float64Array): void {
    this.live.set(data.buffer, (this.live.get(data.buffer) ?? 0) + 1);
  }

  /** Records that a value referring to `data` was released; frees the buffer when nothing refers to it. */
  release(data: Float32Array | Float64Array): void {
    const count = (this.live.get(data.buffer) ?? 0) - 1;
    if (count > 0) { this.live.set(data.buffer, count); return; }
    this.live.delete(data.buffer);
    if (!this.owned.has(data.buffer)) return;
    const whole = new Float32Array(data.buffer);
    const list = this.free.get(whole.length) ?? [];
    list.push(whole);
    this.free.set(whole.length, list);
  }

  /**
   * Ends a run: buffers still referenced (the graph outputs, now the caller's) leave the arena for good, and the
   * reference counts start afresh.
   */
  endRun(): void {
    for (const buffer of this.live.keys()) this.owned.delete(buffer);
    this.live.clear();
  }
}
