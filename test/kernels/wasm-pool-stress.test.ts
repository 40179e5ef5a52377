import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AtrousError, KernelError } from '../../src/index.js';
import { computeConvGeometry, type ConvGeometry } from '../../src/geometry/conv-geometry.js';
import { referenceKernels } from '../../src/kernels/reference/conv-reference.js';
import { claimTask, publishedClaim } from '../../src/kernels/threads/control-block.js';
import { TaskFailure } from '../../src/kernels/threads/task-failure.js';
import { wasmKernels } from '../../src/kernels/wasm/conv-wasm.js';
import { Slot } from '../../src/kernels/wasm/job-params.js';
import { Random } from '../../src/tensor/random.js';
import { onPool, relativeError, runtime } from './pool-helpers.js';


function randomArray(rng: Random, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Small layers with the geometries fuzzed models produce: huge strides, outputs of size 1, padding wider than the input. */
function randomLayer(rng: Random): ConvGeometry | null {
  const rank = 1 + rng.int(2);
  const size = Array.from({ length: rank }, () => 1 + rng.int(12));
  const kernel = size.map(() => 1 + rng.int(3));
  const stride = size.map(() => [1, 1, 2, 3, 1000, 2 ** 31, 2 ** 40][rng.int(7)]);
  const dilation = size.map(() => 1 + rng.int(3));
  const padding = size.map(() => [0, 1, 3, 20][rng.int(4)]);
  const channels = 1 + rng.int(6);
  const groups = rng.int(3) === 0 ? channels : 1;
  const outChannels = groups === channels ? channels * (1 + rng.int(2)) : 1 + rng.int(6);
  try {
    return computeConvGeometry('conv', [1 + rng.int(2), channels, ...size], [outChannels, channels / groups, ...kernel], { stride, dilation, padding, groups });
  } catch {
    return null;
  }
}

describe('the worker pool under stress', { skip: runtime ? false : 'WebAssembly SIMD is not available here' }, () => {
  it('falls back to the JS kernels when the system refuses to grow the memory', () => {
    const memory = runtime!.kernel.memory;
    const side = Math.ceil(Math.sqrt(memory.buffer.byteLength / 4 / 4)) + 8;
    const g = computeConvGeometry('conv', [1, 4, side, side], [4, 4, 3, 3], { dilation: 2, padding: 2 });
    const rng = new Random(1);
    const x = randomArray(rng, 4 * side * side), w = randomArray(rng, 4 * 4 * 9);
    Object.defineProperty(memory, 'grow', { value: () => { throw new RangeError('WebAssembly.Memory.grow(): Unable to grow instance memory'); }, configurable: true });
    try {
      assert.ok(relativeError(wasmKernels.convForward(g, x, w, null), referenceKernels.convForward(g, x, w, null)) <= 1e-5);
    } finally {
      delete (memory as { grow?: unknown }).grow;
    }
  });

  it('claims each task once, with the count of the job the claim came from', () => {
    const claim = new BigInt64Array(new SharedArrayBuffer(8));
    Atomics.store(claim, 0, publishedClaim(2));
    assert.deepEqual([claimTask(claim), claimTask(claim), claimTask(claim)], [{ task: 0, count: 2 }, { task: 1, count: 2 }, null]);
    Atomics.store(claim, 0, publishedClaim(5));
    assert.deepEqual(claimTask(claim), { task: 0, count: 5 });
  });

  for (const threads of [1, 2, 3]) {
    it(`equals the reference over random odd geometries on ${threads} thread(s), interleaved with layers that grow the memory`, () => {
      const rng = new Random(40 + threads);
      let checked = 0;
      onPool(threads, () => {
        for (let i = 0; i < 400; i++) {
          const side = 48 * threads + Math.floor(i / 2);
          const g = i % 50 === 49
            ? computeConvGeometry('conv', [1, 2, side, side], [2, 2, 3, 3], { dilation: 2, padding: 2 })
            : randomLayer(rng);
          if (!g) continue;
          const x = randomArray(rng, g.batch * g.inChannels * g.inSize.reduce((a, b) => a * b));
          const w = randomArray(rng, g.outChannels * (g.inChannels / g.groups) * g.kernelSize.reduce((a, b) => a * b));
          const y = referenceKernels.convForward(g, x, w, null);
          const dy = randomArray(rng, y.length);
          const label = `x [${g.batch}, ${g.inChannels}, ${g.inSize}] k [${g.kernelSize}] stride [${g.stride}] dilation [${g.dilation}] pad [${g.padBefore}]`;
          assert.ok(relativeError(wasmKernels.convForward(g, x, w, null), y) <= 1e-5, `forward ${label}`);
          assert.ok(relativeError(wasmKernels.convBackwardInput(g, dy, w), referenceKernels.convBackwardInput(g, dy, w)) <= 1e-5, `input gradient ${label}`);
          assert.ok(relativeError(wasmKernels.convBackwardWeight(g, x, dy), referenceKernels.convBackwardWeight(g, x, dy)) <= 1e-5, `weight gradient ${label}`);
          checked++;
        }
      });
      assert.ok(checked > 300, `${checked} layers checked`);
    });
  }

  it('reports a task that traps, on any thread, as a TaskFailure naming the job and task', () => {
    const rt = runtime!;
    for (const threads of [1, 3]) {
      onPool(threads, () => {
        const beyondMemory = rt.kernel.memory.buffer.byteLength - 64;
        const slots = new Map([[Slot.N, 1], [Slot.G, 1], [Slot.CIG, 6], [Slot.XS, beyondMemory], [Slot.STAGED_PLANE, 1 << 20], [Slot.ID, 1], [Slot.IH, 1], [Slot.IW, 1], [Slot.SW, 1], [Slot.XQ, 1], [Slot.XH, 1]]);
        assert.throws(() => rt.runJob('STAGE', slots, 1 << 30), (error: unknown) =>
          error instanceof TaskFailure && error.job === 'STAGE' && error.count === 6 && error.task >= 0 && error.task < 6);
      });
    }
  });

  it('turns a failed kernel job into a KernelError that names the op, the pass and the geometry', () => {
    const rt = runtime!;
    const g = computeConvGeometry('conv', [1, 3, 64, 64], [8, 3, 3, 3], { stride: 1000, padding: 1 });
    const runJob = rt.runJob;
    rt.runJob = () => { throw new TaskFailure(2, 4, 'RuntimeError: memory access out of bounds', 'FORWARD'); };
    try {
      assert.throws(() => wasmKernels.convForward(g, new Float32Array(3 * 64 * 64), new Float32Array(8 * 27), null), (error: unknown) =>
        error instanceof KernelError && error instanceof AtrousError && error.op === 'conv' &&
        /forward kernel failed on x \[1, 3, 64, 64\], weight \[8, 3, 3, 3\], stride \[1000, 1000\].*FORWARD task 2 of 4/.test(error.message));
    } finally {
      rt.runJob = runJob;
    }
  });
});
