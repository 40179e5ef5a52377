/**
 * Builds the browser side into dist/web/: `atrous.js`, the library bundle of src/browser.ts (ESM, minified, no Node
 * built-ins); `explorer.js`, the explorer page's module, and its three workers — `designer-worker.js` (schedule
 * search), `inspector-worker.js` (ONNX models) and `conv-worker.js` (conv timing) — all importing `./atrous.js`;
 * the page's HTML and CSS; and the
 * WASM kernels copied beside the bundle, where the loader's literal `new URL('./conv-….wasm', import.meta.url)` looks for them. The
 * module Web Worker of the kernels' thread pool, `web-worker.js`, also beside the bundle (the pool starts it through
 * `new URL('./web-worker.js', import.meta.url)` on cross-origin isolated pages). `stream-worklet.js`, the AudioWorklet
 * module of streaming. The page's modules are type-checked first (web/tsconfig.json). The bundles' esbuild metafiles go
 * to dist/web-meta.json
 * (outside the served folder) so a test can prove no `node:` module got in. Run by `npm run build` after the WASM
 * build, which must come first.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const outDir = 'dist/web';
const wasmDir = 'dist/src/kernels/wasm';
const pageFiles = ['web/index.html', 'web/explorer.css'];

const wasmFiles = readdirSync(wasmDir, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.wasm')).map((e) => e.name);
if (wasmFiles.length === 0) {
  console.error(`build-web: no .wasm files in ${wasmDir}; build the kernels first (node assembly/build.mjs, part of npm run build)`);
  process.exit(1);
}

const check = spawnSync(join('node_modules', '.bin', 'tsc'), ['-p', 'web/tsconfig.json'], { stdio: 'inherit' });
if (check.status !== 0) {
  console.error('build-web: the explorer page does not type-check (tsc -p web/tsconfig.json)');
  process.exit(1);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, metafile: true, logLevel: 'warning' };
const library = await build({ ...common, entryPoints: ['src/browser.ts'], outfile: join(outDir, 'atrous.js') });
const worker = await build({ ...common, entryPoints: ['src/kernels/threads/web-worker.ts'], outfile: join(outDir, 'web-worker.js') });
/** The AudioWorklet module of streaming (src/stream-worklet.ts): the plan runner only, no model classes. */
const streamWorklet = await build({ ...common, entryPoints: ['src/stream-worklet.ts'], outfile: join(outDir, 'stream-worklet.js') });

/** The page imports the library through `../src/browser.js`; in dist/web that is the bundle beside it. */
const libraryBesidePage = {
  name: 'library-beside-page',
  setup(builder) {
    builder.onResolve({ filter: /\/src\/browser\.js$/ }, () => ({ path: './atrous.js', external: true }));
  },
};
const page = await build({ ...common, entryPoints: ['web/explorer.ts', 'web/designer-worker.ts', 'web/inspector-worker.ts', 'web/conv-worker.ts'], outdir: outDir, plugins: [libraryBesidePage] });

for (const file of wasmFiles) copyFileSync(join(wasmDir, file), join(outDir, file));
for (const file of pageFiles) copyFileSync(file, join(outDir, file.slice('web/'.length)));
writeFileSync('dist/web-meta.json', JSON.stringify({ library: library.metafile, worker: worker.metafile, streamWorklet: streamWorklet.metafile, page: page.metafile }));

const size = (file) => {
  const bytes = readFileSync(join(outDir, file));
  return `${file} ${(bytes.length / 1024).toFixed(0)} KiB (${(gzipSync(bytes).length / 1024).toFixed(0)} KiB gzip)`;
};
console.log(`build-web: ${outDir}/ ← ${['atrous.js', 'web-worker.js', 'stream-worklet.js', 'explorer.js', 'designer-worker.js', 'inspector-worker.js', 'conv-worker.js', ...wasmFiles].map(size).join(', ')}`);
