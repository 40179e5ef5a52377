/**
 * Builds the WebAssembly kernels from assembly/ with the AssemblyScript compiler (an npm devDependency; nothing is
 * downloaded) into dist/src/kernels/wasm/, next to the loader that reads them. Three builds of one source:
 * relaxed SIMD and plain SIMD128 on shared memory (worker threads), and plain SIMD128 on ordinary memory for pages
 * without cross-origin isolation. Entries: index.ts (the conv kernels) and stream-engine.ts (the streaming
 * interpreter of src/nn/stream/). Run by `npm run build` (and so by `npm install` through `prepare`).
 */
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';

const outDir = 'dist/src/kernels/wasm';
const common = ['assembly/index.ts', 'assembly/stream-engine.ts', '-O3', '--noAssert', '--runtime', 'stub', '--importMemory', '--initialMemory', '32', '--maximumMemory', '32768'];
const builds = [
  { file: 'conv-relaxed-simd.wasm', flags: ['--sharedMemory', '--enable', 'simd,threads,relaxed-simd'] },
  { file: 'conv-simd.wasm', flags: ['--sharedMemory', '--enable', 'simd,threads'] },
  { file: 'conv-simd-unshared.wasm', flags: ['--enable', 'simd'] },
];

mkdirSync(outDir, { recursive: true });
for (const { file, flags } of builds) {
  const { error, stderr } = await asc.main([...common, ...flags, '-o', `${outDir}/${file}`]);
  if (error) {
    process.stderr.write(stderr.toString());
    process.exitCode = 1;
    break;
  }
}
// The bench's SIMD peak probe: its own small module, built next to the bench (assembly/build-peak-probe.mjs).
await import('./build-peak-probe.mjs');
