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

interface Build { file: string; shared: boolean }

const BUILDS: Build[] = [
  { file: 'conv-relaxed-simd.wasm', shared: true },
  { file: 'conv-simd.wasm', shared: true },
  { file: 'conv-simd-unshared.wasm', shared: false },
];

/** Pages of 64 KiB: the module's initial and maximum memory (2 GiB, reserved, not committed). */
export const INITIAL_PAGES = 32;
export const MAXIMUM_PAGES = 32768;

/** Compiles synchronously where the bytes can be read synchronously (Node); null elsewhere. */
export function loadKernelModuleSync(): KernelModule | null {
  const fs = getBuiltin('node:fs') as typeof import('node:fs') | undefined;
  if (!fs) return null;
  const picked = choose((file) => {
    try {
      return new Uint8Array(fs.readFileSync(new URL(file, import.meta.url)));
    } catch {
      return null;
    }
  });
  return picked && { ...picked, module: new WebAssembly.Module(picked.bytes) };
}

/** Fetches and compiles (browsers). */
export async function loadKernelModule(): Promise<KernelModule | null> {
  const sync = loadKernelModuleSync();
  if (sync) return sync;
  const bytes = new Map<string, Uint8Array<ArrayBuffer> | null>();
  await Promise.all(BUILDS.map(async ({ file }) => {
    try {
      const response = await fetch(new URL(file, import.meta.url));
      bytes.set(file, response.ok ? new Uint8Array(await response.arrayBuffer()) : null);
    } catch {
      bytes.set(file, null);
    }
  }));
  const picked = choose((file) => bytes.get(file) ?? null);
  return picked && { ...picked, module: await WebAssembly.compile(picked.bytes) };
}

type Chosen = Omit<KernelModule, 'module'> & { bytes: Uint8Array<ArrayBuffer> };

function choose(read: (file: string) => Uint8Array<ArrayBuffer> | null): Chosen | null {
  if (typeof WebAssembly !== 'object') return null;
  for (const build of BUILDS) {
    const bytes = read(build.file);
    if (!bytes || !WebAssembly.validate(bytes)) continue;
    const memory = createMemory(build.shared);
    if (!memory) continue;
    return { bytes, memory, shared: build.shared, build: build.file.replace(/\.wasm$/, '') };
  }
  return null;
}

function createMemory(shared: boolean): WebAssembly.Memory | null {
  try {
    return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
  } catch {
    return null;
  }
}
