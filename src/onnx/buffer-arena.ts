/**
 * Memory planning for the executor: float buffers recycled across the steps of a run and across runs. A value's
 * buffer goes back to the arena when the last value viewing it is released (the planner's last-reader schedule);
 * the next step asking for that many floats gets it. After the first run of a plan every intermediate buffer is
 * reused, so steady-state runs allocate only the graph outputs they hand to the caller.
 *
 * With the WASM backend on shared memory the buffers live in the kernels' own memory (WasmRuntime.takeResident):
 * a conv, an elementwise op or a normalization then reads its operands where the previous step wrote them, and
 * writes its result in place, instead of copying every tensor into the module and back out per op. Such a buffer
 * never leaves the arena: `detachOutputs` copies the graph outputs into ordinary arrays before the caller sees
 * them, and a plan's buffers go back to the runtime's pool when the plan is garbage collected.
 */
import { activeKernels } from '../kernels/backend.js';
import { wasmRuntime, type WasmRuntime } from '../kernels/wasm/wasm-runtime.js';
import type { OnnxValue } from './value.js';

/** Returns a collected plan's resident buffers to the runtime's pool. */
const returnResidents = new FinalizationRegistry<{ rt: WasmRuntime; buffers: Float32Array[] }>(({ rt, buffers }) => {
  for (const b of buffers) rt.releaseResident(b);
});

export class BufferArena {
  private readonly free = new Map<number, Float32Array[]>();
  /** Allocation keys (an ordinary array's ArrayBuffer, or a resident buffer's whole view) this arena owns. */
  private readonly owned = new WeakSet<object>();
  private readonly live = new Map<object, number>();
  /** Every resident buffer this arena took, handed back to the runtime when the arena is collected. */
  private readonly residents: { rt: WasmRuntime; buffers: Float32Array[] } | null;

  constructor() {
    const rt = activeKernels().name === 'wasm' ? wasmRuntime() : null;
    this.residents = rt ? { rt, buffers: [] } : null;
    if (this.residents) returnResidents.register(this, this.residents);
  }

  /** A buffer of exactly `length` floats, recycled when one is free. Its contents are unspecified. */
  take(length: number): Float32Array {
    const list = this.free.get(length);
    const reused = list?.pop();
    if (reused) return reused;
    // Resident only while the wasm backend is the active one (the kernels that read in place are its).
    const resident = this.residents && activeKernels().name === 'wasm' ? this.residents.rt.takeResident(length) : null;
    if (resident) {
      this.residents!.buffers.push(resident);
      this.owned.add(resident);
      return resident;
    }
    const fresh = new Float32Array(length);
    this.owned.add(fresh.buffer);
    return fresh;
  }

  /** Records that a value now refers to `data` (its own buffer or a view of another's). */
  hold(data: Float32Array | Float64Array): void {
    const key = this.keyOf(data);
    this.live.set(key, (this.live.get(key) ?? 0) + 1);
  }

  /** Records that a value referring to `data` was released; frees the buffer when nothing refers to it. */
  release(data: Float32Array | Float64Array): void {
    const key = this.keyOf(data);
    const count = (this.live.get(key) ?? 0) - 1;
    if (count > 0) { this.live.set(key, count); return; }
    this.live.delete(key);
    if (!this.owned.has(key)) return;
    const whole = key instanceof Float32Array ? key : new Float32Array(key as ArrayBufferLike);
    const list = this.free.get(whole.length) ?? [];
    list.push(whole);
    this.free.set(whole.length, list);
  }

  /**
   * Graph outputs in resident buffers, copied into ordinary arrays (the caller may keep them as long as it likes;
   * the resident buffer stays the arena's). Returns the values to hand out.
   */
  detachOutputs(outputs: readonly OnnxValue[]): OnnxValue[] {
    const rt = this.residents?.rt;
    if (!rt) return outputs.slice();
    return outputs.map((v) => (v.data instanceof Float32Array && rt.isResident(v.data) ? { ...v, data: v.data.slice() } : v));
  }

  /**
   * Ends a run: ordinary buffers still referenced (the graph outputs, now the caller's) leave the arena for good;
   * resident ones (whose contents `detachOutputs` copied) go back to it. The reference counts start afresh.
   */
  endRun(): void {
    for (const key of this.live.keys()) {
      if (!this.owned.has(key)) continue;
      if (key instanceof Float32Array) {
        const list = this.free.get(key.length) ?? [];
        list.push(key);
        this.free.set(key.length, list);
      } else {
        this.owned.delete(key);
      }
    }
    this.live.clear();
  }

  /** What identifies `data`'s allocation: its resident buffer's whole view, or its ArrayBuffer. */
  private keyOf(data: Float32Array | Float64Array): object {
    // An empty view may start where the next resident buffer begins: it must not count against that buffer.
    if (this.residents && data instanceof Float32Array && data.length > 0) {
      const base = this.residents.rt.residentBase(data);
      if (base) return base;
    }
    return data.buffer;
  }
}
