import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  OptionError, conv, convBackward, convTranspose, convTransposeBackward, getBackend, setBackend, tensor, type Tensor,
} from '../../src/index.js';
import { computeConvGeometry, type ConvGeometryOptions } from '../../src/geometry/conv-geometry.js';
import { setThreads, wasmBuild } from '../../src/index.js';
import { referenceKernels } from '../../src/kernels/reference/conv-reference.js';
import { wasmKernels } from '../../src/kernels/wasm/conv-wasm.js';
import { Random } from '../../src/tensor/random.js';
import { RELATIVE_TOLERANCE, decode, loadTorchFixtures, scaledError } from '../ops/torch-fixtures.js';
import { onPool, relativeError, runtime } from './pool-helpers.js';

const THREAD_COUNTS = [1, 2, 3];

function randomArray(rng: Random, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

interface EdgeCase { x: number[]; w: number[]; options: ConvGeometryOptions }

/**
 * Layers aimed at the kernels' edges: channel counts one below, at and above the 4-row panels and the 8-wide
 * tiles, odd sizes, stride with dilation, groups (depthwise and channel multipliers), 1-D to 3-D, batch 2.
 */
function edgeCases(): EdgeCase[] {
  const rng = new Random(3);
  const cases: EdgeCase[] = [];
  for (const channels of [3, 4, 5, 7, 8, 9]) {
    for (const rank of [1, 2, 3]) {
      const size = rank === 3 ? [5, 4 + rng.int(3), 7 + rng.int(4)] : rank === 2 ? [9 + rng.int(8), 11 + rng.int(9)] : [13 + rng.int(20)];
      const kernel = size.map(() => 1 + rng.int(3));
      const dilation = size.map((n, i) => 1 + rng.int(Math.min(3, kernel[i] > 1 ? Math.floor((n - 1) / (kernel[i] - 1)) : 3)));
      const stride = size.map(() => 1 + rng.int(3));
      const padding = kernel.map((k, i) => rng.int(dilation[i] * (k - 1) + 1));
      const groups = [1, channels][rng.int(2)];
      const outChannels = groups === 1 ? [channels - 1 || 1, channels, channels + 1][rng.int(3)] : channels * (1 + rng.int(2));
      cases.push({
        x: [1 + rng.int(2), channels, ...size],
        w: [outChannels, channels / groups, ...kernel],
        options: { stride, dilation, padding, groups },
      });
    }
  }
  cases.push({ x: [1, 6, 33, 33], w: [6, 6, 3, 3], options: { dilation: 12, padding: 12 } });
  cases.push({ x: [1, 6, 13, 21], w: [12, 1, 3, 3], options: { dilation: [2, 3], stride: [1, 2], padding: [2, 1], groups: 6 } });
  cases.push({ x: [2, 5, 4, 9, 11], w: [5, 1, 3, 3, 3], options: { dilation: [1, 2, 3], padding: 1, groups: 5 } });
  cases.push({ x: [1, 8, 40], w: [10, 4, 2], options: { dilation: 16, padding: [[16, 0]], groups: 2 } });
  cases.push({ x: [2, 12, 17, 19], w: [8, 3, 3, 2], options: { dilation: [2, 3], stride: [2, 1], padding: [[1, 3], [2, 0]], groups: 4 } });
  cases.push({ x: [2, 5, 11, 14], w: [15, 1, 3, 3], options: { dilation: [3, 2], stride: [2, 3], padding: [[1, 2], [2, 0]], groups: 5 } });
  cases.push({ x: [1, 7, 9, 9], w: [7, 1, 3, 3], options: { dilation: 4, padding: 4, groups: 7 } });
  return cases;
}

describe('the WebAssembly SIMD backend', { skip: runtime ? false : 'WebAssembly SIMD is not available here' }, () => {
  let previous = '';
  before(() => { previous = getBackend(); setBackend('wasm'); });
  after(() => setBackend(previous));

  it('is the default backend where WebAssembly SIMD exists, on the build WebAssembly.validate accepted', () => {
    const fresh = spawnSync(process.execPath, ['--input-type=module', '-e',
      `import { getBackend, getThreads, wasmBuild } from ${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)};
       console.log(getBackend(), getThreads() >= 1, typeof wasmBuild());`], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(fresh.stdout.trim(), 'wasm true string');
    assert.match(wasmBuild() ?? '', /^conv-(relaxed-simd|simd|simd-unshared)$/);
  });

  for (const threads of THREAD_COUNTS) {
    it(`equals the reference kernel on tile-edge layers with ${threads} thread(s), forward and both gradients`, () => {
      const rng = new Random(threads);
      for (const { x: xShape, w: wShape, options } of edgeCases()) {
        const g = computeConvGeometry('conv', xShape, wShape, options);
        const x = randomArray(rng, xShape.reduce((a, b) => a * b));
        const w = randomArray(rng, wShape.reduce((a, b) => a * b));
        const bias = randomArray(rng, wShape[0]);
        const label = `x ${xShape} w ${wShape} ${JSON.stringify(options)}`;
        const y = referenceKernels.convForward(g, x, w, bias);
        const dy = randomArray(rng, y.length);
        onPool(threads, () => {
          assert.ok(relativeError(wasmKernels.convForward(g, x, w, bias), y) <= RELATIVE_TOLERANCE, `forward ${label}`);
          assert.ok(relativeError(wasmKernels.convBackwardInput(g, dy, w), referenceKernels.convBackwardInput(g, dy, w)) <= RELATIVE_TOLERANCE, `input gradient ${label}`);
          assert.ok(relativeError(wasmKernels.convBackwardWeight(g, x, dy), referenceKernels.convBackwardWeight(g, x, dy)) <= RELATIVE_TOLERANCE, `weight gradient ${label}`);
        });
      }
    });
  }

  it('gives bit-identical results for 1, 2 and 3 threads', () => {
    const rng = new Random(11);
    for (const { x: xShape, w: wShape, options } of [
      { x: [2, 24, 21, 19], w: [20, 24, 3, 3], options: { dilation: 2, padding: 2 } },
      { x: [1, 16, 30, 30], w: [16, 1, 3, 3], options: { dilation: 3, padding: 3, groups: 16, stride: 2 } },
      { x: [1, 12, 300], w: [28, 12, 2], options: { dilation: 32, padding: 16 } },
    ]) {
      const g = computeConvGeometry('conv', xShape, wShape, options);
      const x = randomArray(rng, xShape.reduce((a, b) => a * b));
      const w = randomArray(rng, wShape.reduce((a, b) => a * b));
      const dy = randomArray(rng, referenceKernels.convForward(g, x, w, null).length);
      const results = THREAD_COUNTS.map((threads) => onPool(threads, () => [
        wasmKernels.convForward(g, x, w, null), wasmKernels.convBackwardInput(g, dy, w), wasmKernels.convBackwardWeight(g, x, dy),
      ]));
      for (const other of results.slice(1)) {
        other.forEach((values, i) => assert.deepEqual(values, results[0][i], `output ${i} of x ${xShape} w ${wShape}`));
      }
    }
  });

  it('repacks cached weight panels when the weights change in place', () => {
    const x = tensor(Array.from({ length: 2 * 8 * 8 }, (_, i) => Math.sin(i)), [1, 2, 8, 8]);
    const w = tensor(Array.from({ length: 6 * 2 * 9 }, (_, i) => Math.cos(i)), [6, 2, 3, 3]);
    const first = conv(x, w, { dilation: 2, padding: 2 });
    w.data[5] += 1;
    const second = conv(x, w, { dilation: 2, padding: 2 });
    setBackend('reference');
    const expected = conv(x, w, { dilation: 2, padding: 2 });
    setBackend('wasm');
    assert.notDeepEqual(second.data, first.data);
    assert.ok(relativeError(second.data, expected.data) <= RELATIVE_TOLERANCE);
  });

  it('matches every PyTorch fixture case (forward, transposed, all gradients) with 1 and 2 threads', () => {
    const fixtures = loadTorchFixtures();
    let worst = 0;
    for (const threads of [1, 2]) {
      onPool(threads, () => {
        for (const c of fixtures.cases) {
          const x = decode(c.input), w = decode(c.weight), dy = decode(c.gradOutput);
          const options = { ...c.options, bias: c.bias ? decode(c.bias) : null };
          const forward = c.op === 'conv' ? conv(x, w, options) : convTranspose(x, w, options);
          const grads = c.op === 'conv' ? convBackward(x, w, dy, options) : convTransposeBackward(x, w, dy, options);
          const pairs: [string, Tensor, Tensor][] = [
            ['output', forward, decode(c.output)], ['gradInput', grads.input, decode(c.gradInput)], ['gradWeight', grads.weight, decode(c.gradWeight)],
          ];
          for (const [name, actual, expected] of pairs) {
            const error = scaledError(actual, expected, `${c.id} ${name}`);
            worst = Math.max(worst, error);
            assert.ok(error <= RELATIVE_TOLERANCE, `${c.id} ${name} with ${threads} thread(s): scaled error ${error}`);
          }
        }
      });
    }
    console.log(`# wasm: ${fixtures.cases.length} PyTorch cases × 3 tensors × threads 1, 2: worst scaled error ${worst.toExponential(2)}`);
  });

  it('lets a process that used the worker pool exit on its own', () => {
    const script = `import { conv, randn, setThreads } from ${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)};
      setThreads(2);
      for (let i = 0; i < 5; i++) conv(randn([1, 64, 48, 48], i), randn([64, 64, 3, 3], 9), { dilation: 2, padding: 2 });
      console.log('done');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.signal, null, 'the process had to be killed: the pool kept it alive');
    assert.equal(child.stdout.trim(), 'done');
    assert.equal(child.status, 0);
  });
});

describe('setThreads', () => {
  it('rejects counts that are not positive integers, naming the value', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => setThreads(bad), (e: unknown) => e instanceof OptionError && /setThreads/.test(e.message) && e.message.includes(String(bad)));
    }
  });
});
