import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { computeConvGeometry, randn } from '../../src/index.js';
import { wasmKernels } from '../../src/kernels/wasm/conv-wasm.js';
import { runtime } from './pool-helpers.js';

/**
 * The relaxed-SIMD build is preferred wherever the engine validates it (browsers, Node ≥ 22); Node 20 runs the
 * plain SIMD128 build unless started with `--experimental-wasm-relaxed-simd`. This suite re-runs the kernel suites
 * and the op suites in a child process on the relaxed build, and compares the two builds on one layer.
 *
 * Results policy between builds: relaxed_madd may fuse (one rounding per product instead of two), so the builds
 * differ by float32 rounding only: max |relaxed − plain| ≤ 1e-6 · max(1, max |plain|) on a K = 576 layer. Each build
 * alone gives the same bits for any thread count.
 */
const BETWEEN_BUILDS = 1e-6;
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const relaxedAvailable = runtime !== null && spawnSync(process.execPath, [RELAXED_FLAG, '-e', ''], { encoding: 'utf8' }).status === 0;
/** The WASM kernel suites here and every op suite (fixtures, randomized tile-edge layers, adjoint and gradient laws). */
const SUITES = [
  ...['wasm-kernels', 'extreme-geometry', 'fused-entry-points', 'accumulation-accuracy', 'epilogue'].map((name) => new URL(`./${name}.test.js`, import.meta.url).pathname),
  new URL('../ops/', import.meta.url).pathname,
];
const INDEX = JSON.stringify(new URL('../../src/index.js', import.meta.url).href);

describe('every WASM build', { skip: !relaxedAvailable && 'this engine cannot run the relaxed-SIMD build' }, () => {
  it('the kernel and op suites pass on the relaxed-SIMD build', { timeout: 600_000 }, () => {
    const build = spawnSync(process.execPath, [RELAXED_FLAG, '--input-type=module', '-e', `import { wasmBuild } from ${INDEX}; console.log(wasmBuild());`], { encoding: 'utf8' });
    assert.equal(build.stdout.trim(), 'conv-relaxed-simd');
    // Without NODE_TEST_CONTEXT the child runs as a test runner of its own, not as a subtest reporting to this one.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_TEST_CONTEXT'));
    const suites = spawnSync(process.execPath, [RELAXED_FLAG, '--test', '--test-reporter=tap', ...SUITES], { encoding: 'utf8', timeout: 590_000, env, maxBuffer: 1 << 28 });
    const count = (name: string): number => Number(suites.stdout.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? Number.NaN);
    assert.equal(suites.status, 0, suites.stdout.split('\n').filter((line) => /not ok|error/.test(line)).join('\n'));
    assert.equal(count('fail'), 0);
    assert.ok(count('pass') >= 900, `only ${count('pass')} tests ran on the relaxed build`);
  });

  const plainHere = runtime?.kernel.build !== 'conv-relaxed-simd';
  it(`relaxed and plain builds agree within ${BETWEEN_BUILDS} of max |y| on a K = 576 layer`, { skip: !plainHere && 'this process runs the relaxed build itself' }, () => {
    const script = `
      import { computeConvGeometry, randn } from ${INDEX};
      import { wasmKernels } from ${JSON.stringify(new URL('../../src/kernels/wasm/conv-wasm.js', import.meta.url).href)};
      const g = computeConvGeometry('conv', [1, 64, 20, 20], [16, 64, 3, 3], { dilation: 4, padding: 4 });
      process.stdout.write(JSON.stringify(Array.from(wasmKernels.convForward(g, randn([1, 64, 20, 20], 1).data, randn([16, 64, 3, 3], 2).data, null))));`;
    const child = spawnSync(process.execPath, [RELAXED_FLAG, '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(child.status, 0, child.stderr);
    const relaxed = JSON.parse(child.stdout) as number[];
    const g = computeConvGeometry('conv', [1, 64, 20, 20], [16, 64, 3, 3], { dilation: 4, padding: 4 });
    const plain = wasmKernels.convForward(g, randn([1, 64, 20, 20], 1).data, randn([16, 64, 3, 3], 2).data, null);
    let scale = 1, worst = 0;
    plain.forEach((v, i) => { scale = Math.max(scale, Math.abs(v)); worst = Math.max(worst, Math.abs(v - relaxed[i])); });
    assert.ok(worst / scale <= BETWEEN_BUILDS, `builds differ by ${worst / scale}`);
  });
});
