import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkerPool } from '../../src/kernels/threads/worker-pool.js';
import { loadKernelModule } from '../../src/kernels/wasm/wasm-module.js';
import { wasmRuntime } from '../../src/kernels/wasm/wasm-runtime.js';

const runtime = wasmRuntime();
const BUILD_ORDER = ['conv-relaxed-simd.wasm', 'conv-simd.wasm', 'conv-simd-unshared.wasm'];

/** Runs `body` as a browser would see this process: no Node built-ins, and the given globals. */
async function asInBrowser<T>(globals: Record<string, unknown>, body: () => Promise<T>): Promise<T> {
  const proc = process as unknown as { getBuiltinModule: (id: string) => unknown };
  const getBuiltinModule = proc.getBuiltinModule;
  const saved = Object.keys(globals).map((key) => [key, Object.getOwnPropertyDescriptor(globalThis, key)] as const);
  proc.getBuiltinModule = () => undefined;
  for (const [key, value] of Object.entries(globals)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  try {
    return await body();
  } finally {
    proc.getBuiltinModule = getBuiltinModule;
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, key, descriptor);
      else delete (globalThis as Record<string, unknown>)[key];
    }
  }
}

describe('loading the kernels in a browser', { skip: runtime ? false : 'WebAssembly SIMD is not available here' }, () => {
  it('fetches the builds in order of preference and stops at the first that validates', async () => {
    const fetched: string[] = [];
    const fakeFetch = async (url: URL): Promise<Response> => {
      const file = url.pathname.split('/').pop()!;
      fetched.push(file);
      return new Response(readFileSync(fileURLToPath(url)), { headers: { 'content-type': 'application/wasm' } });
    };
    const kernel = await asInBrowser({ fetch: fakeFetch }, loadKernelModule);
    assert.ok(kernel);
    assert.deepEqual(fetched, BUILD_ORDER.slice(0, BUILD_ORDER.indexOf(`${kernel.build}.wasm`) + 1));
    assert.equal(kernel.build, runtime!.kernel.build, 'the same build as Node picked synchronously');
  });

  it('goes on to the next build when one cannot be downloaded', async () => {
    const fetched: string[] = [];
    const fakeFetch = async (url: URL): Promise<Response> => {
      const file = url.pathname.split('/').pop()!;
      fetched.push(file);
      if (file !== 'conv-simd-unshared.wasm') return new Response('not found', { status: 404 });
      return new Response(readFileSync(fileURLToPath(url)));
    };
    const kernel = await asInBrowser({ fetch: fakeFetch }, loadKernelModule);
    assert.equal(kernel?.build, 'conv-simd-unshared');
    assert.deepEqual(fetched, BUILD_ORDER);
  });

  it('drops a Web Worker whose script fails to load instead of waiting for it', { timeout: 5_000 }, async () => {
    class FailingWorker extends EventTarget {
      constructor(readonly url: URL, readonly options: { type: string }) {
        super();
        setTimeout(() => this.dispatchEvent(new Event('error')), 1);
      }
      postMessage(): void {}
      terminate(): void {}
    }
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 64, shared: true });
    await asInBrowser({ Worker: FailingWorker }, async () => {
      const pool = new WorkerPool(runtime!.kernel.module, memory, 65536, 2, () => undefined);
      assert.equal(pool.size, 2);
      await pool.whenReady(60_000);
      assert.equal(pool.size, 0);
      let ran = 0;
      new WorkerPool(runtime!.kernel.module, memory, 65536 + 64, 0, () => { ran++; }).execute(0, 3, 2);
      assert.equal(ran, 3);
    });
  });
});
