/**
 * Runs onnxruntime-web in its own worker thread, one thread count per worker: ort-web reads `numThreads` once per
 * process-wide environment, so 1 and 2 threads can only be compared side by side from separate isolates.
 * Protocol: `{ prepare: { id, model, input, shape } }` → `{ ready: id } | { error }`; `{ run: id }` → `{ ms }`
 * (measured here: input tensor creation, run, and reading the output).
 */
import { parentPort, workerData } from 'node:worker_threads';

type Ort = typeof import('onnxruntime-web');
interface Prepared { session: import('onnxruntime-web').InferenceSession; input: Float32Array; shape: number[] }

const port = parentPort!;
const ort: Ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = (workerData as { threads: number }).threads;
const sessions = new Map<number, Prepared>();

port.on('message', async (message: { prepare?: { id: number; model: Uint8Array; input: Float32Array; shape: number[] }; run?: number; dispose?: number }) => {
  try {
    if (message.prepare) {
      const { id, model, input, shape } = message.prepare;
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      sessions.set(id, { session, input, shape });
      port.postMessage({ ready: id });
    } else if (message.run !== undefined) {
      const prepared = sessions.get(message.run)!;
      const start = performance.now();
      const result = await prepared.session.run({ X: new ort.Tensor('float32', prepared.input, prepared.shape) });
      const y = result.Y.data as Float32Array;
      const ms = performance.now() - start;
      port.postMessage({ ms, length: y.length });
    } else if (message.dispose !== undefined) {
      await sessions.get(message.dispose)?.session.release();
      sessions.delete(message.dispose);
      port.postMessage({ disposed: message.dispose });
    }
  } catch (error) {
    port.postMessage({ error: String(error) });
  }
});
port.postMessage({ started: true });
