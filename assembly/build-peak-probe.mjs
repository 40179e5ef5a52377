/**
 * Builds the bench's peak probe (assembly/peak-probe.ts) into dist/bench/: plain SIMD128 and relaxed SIMD, no
 * shared memory, no imports. A separate tiny module so the kernels' builds stay as they are. Run by
 * assembly/build.mjs (and so by `npm run build`).
 */
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';

const outDir = 'dist/bench';
const builds = [
  { file: 'peak-probe-simd.wasm', features: 'simd' },
  { file: 'peak-probe-relaxed-simd.wasm', features: 'simd,relaxed-simd' },
];

mkdirSync(outDir, { recursive: true });
for (const { file, features } of builds) {
  const { error, stderr } = await asc.main([
    'assembly/peak-probe.ts', '-O3', '--noAssert', '--runtime', 'stub', '--enable', features, '-o', `${outDir}/${file}`,
  ]);
  if (error) {
    process.stderr.write(stderr.toString());
    process.exitCode = 1;
    break;
  }
}
