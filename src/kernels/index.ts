import { OptionError, describeValue } from '../errors.js';
import { activeKernels, hasBackend, listBackends, registerBackend, selectBackend } from './backend.js';
import { jsKernels } from './js/js-kernels.js';
import { referenceKernels } from './reference/conv-reference.js';
import { wasmKernels } from './wasm/conv-wasm.js';
import { WasmRuntime, loadWasmRuntime, wasmRuntime } from './wasm/wasm-runtime.js';

registerBackend(referenceKernels);
registerBackend(jsKernels);
/** False until the user picks a backend; until then `ready()` may upgrade the default to WASM. */
let chosenByUser = false;
if (wasmRuntime()) {
  registerBackend(wasmKernels);
  selectBackend('wasm');
} else {
  selectBackend('js');
}

/**
 * Chooses the kernels every op dispatches to: `'wasm'` (WebAssembly SIMD + worker threads, the default wherever
 * WebAssembly SIMD exists), `'js'` (pure JavaScript, the fallback) or `'reference'` (plain loops, for checking).
 * Results agree to float32 rounding whichever is chosen. In a browser, `await ready()` first: the WASM module is
 * fetched asynchronously.
 *
 * @example setBackend('reference');
 */
export function setBackend(name: string): void {
  if (!hasBackend(name)) {
    const wasmHint = name === 'wasm' ? ' (the WASM backend registers once loaded: await ready() first; it stays absent where WebAssembly SIMD is unavailable)' : '';
    throw new OptionError('setBackend', 'name', `backend ${describeValue(name)} is not one of ${listBackends().map((b) => `"${b}"`).join(', ')}${wasmHint}`);
  }
  chosenByUser = true;
  selectBackend(name);
}

/** Name of the backend in use. @example getBackend() // 'wasm' */
export function getBackend(): string {
  return activeKernels().name;
}

/**
 * Resolves when the WASM backend is loaded (browsers fetch and compile it; Node compiles it synchronously at
 * import) and its worker threads have started. If no backend was chosen explicitly, WASM becomes the default once
 * loaded. Ops stay synchronous; before this resolves in a browser they run on the JS backend.
 *
 * @example await ready(); conv(x, w, { dilation: 2 });
 */
export async function ready(): Promise<void> {
  const runtime = await loadWasmRuntime();
  if (runtime) {
    if (!hasBackend('wasm')) registerBackend(wasmKernels);
    if (!chosenByUser) selectBackend('wasm');
    await runtime.whenReady();
  }
  activeKernels();
}

/**
 * Number of threads the WASM kernels use (the calling thread plus n − 1 persistent workers sharing its memory).
 * Defaults to the number of cores in Node; 1 where shared memory or worker threads are unavailable (then it stays
 * 1). Any count gives bit-identical results: every output element is computed by one task in a fixed order.
 *
 * @example setThreads(1); // single-threaded, e.g. inside your own worker pool
 */
export function setThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new OptionError('setThreads', 'n', `thread count ${describeValue(n)} must be a positive integer`);
  }
  const runtime = wasmRuntime();
  if (runtime) runtime.setThreads(WasmRuntime.maxUsefulThreads(runtime.kernel) > 1 ? n : 1);
}

/** Threads the WASM kernels use (1 when WASM is unavailable). @example getThreads() // 2 */
export function getThreads(): number {
  return wasmRuntime()?.threadCount ?? 1;
}

/** Which WASM build runs (`'conv-relaxed-simd'`, `'conv-simd'`, `'conv-simd-unshared'`), or null without WASM. */
export function wasmBuild(): string | null {
  return wasmRuntime()?.kernel.build ?? null;
}

export { listBackends };
