import { getBuiltin } from '../threads/worker-pool.js';

/**
 * The compiled kernel module and the memory it runs on. Three builds come from assembly/ (see assembly/build.mjs):
 * relaxed SIMD on shared memory, plain SIMD128 on shared memory, and plain SIMD128 on ordinary memory for pages
 * that cannot create shared memory (no cross-origin isolation). The first that `WebAssembly.validate` accepts and
 * whose memory can be created wins; relaxed SIMD needs no flag in current browsers and Node ≥ 22
 * (`--experimental-wasm-relaxed-simd` on Node 20), and the plain build gives the same results to float32 rounding.
 */
export interface KernelModule {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  shared: boolean;
  build: string;
}

/**
 * The builds in order of preference. Each names its file with a literal `new URL('./….wasm', import.meta.url)`,
 * the form bundlers (Vite, webpack) recognize as an asset to emit; scripts/build-web.mjs copies the files beside
 * the browser bundle for the same expression to find them there.
 */
interface Build { name: string; shared: boolean; url: () => URL }

const BUILDS: Build[] = [
  { name: 'conv-relaxed-simd', shared: true, url: () => new URL('./conv-relaxed-simd.wasm', import.meta.url) },
  { name: 'conv-simd', shared: true, url: () => new URL('./conv-simd.wasm', import.meta.url) },
  { name: 'conv-simd-unshared', shared: false, url: () => new URL('./conv-simd-unshared.wasm', import.meta.url) },
];

/** Pages of 64 KiB: the module's initial and maximum memory (2 GiB, reserved, not committed). */
export const INITIAL_PAGES = 32;
export const MAXIMUM_PAGES = 32768;

type Chosen = Omit<KernelModule, 'module'> & { bytes: Uint8Array<ArrayBuffer> };

/** Compiles synchronously where the bytes can be read synchronously (Node); null elsewhere. */
export function loadKernelModuleSync(): KernelModule | null {
  const fs = getBuiltin('node:fs') as typeof import('node:fs') | undefined;
  if (!fs || typeof WebAssembly !== 'object') return null;
  for (const build of BUILDS) {
    const memory = createMemory(build.shared);
    if (!memory) continue;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(fs.readFileSync(build.url()));
    } catch {
      continue;
    }
    const chosen = accept(build, bytes, memory);
    if (chosen) return { ...chosen, module: new WebAssembly.Module(chosen.bytes) };
  }
  return null;
}

/**
 * Fetches and compiles (browsers): one build at a time in order of preference, skipping those whose memory cannot
 * be created here (shared memory off cross-origin isolated pages), and stopping at the first that validates, so a
 * page downloads one module, not three.
 */
export async function loadKernelModule(): Promise<KernelModule | null> {
  const sync = loadKernelModuleSync();
  if (sync) return sync;
  if (typeof WebAssembly !== 'object') return null;
  for (const build of BUILDS) {
    const memory = createMemory(build.shared);
    if (!memory) continue;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      const response = await fetch(build.url());
      if (!response.ok) continue;
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch {
      continue;
    }
    const chosen = accept(build, bytes, memory);
    if (chosen) return { ...chosen, module: await WebAssembly.compile(chosen.bytes) };
  }
  return null;
}

/** The build, if this engine validates its bytes (relaxed SIMD, or SIMD at all, may be missing). */
function accept(build: Build, bytes: Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory): Chosen | null {
  return WebAssembly.validate(bytes) ? { bytes, memory, shared: build.shared, build: build.name } : null;
}

function createMemory(shared: boolean): WebAssembly.Memory | null {
  try {
    return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
  } catch {
    return null;
  }
}
