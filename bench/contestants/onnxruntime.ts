import { Worker } from 'node:worker_threads';
import type { Contestant, LayerData } from '../contestant.js';
import { onnxConvModel } from '../onnx-conv-model.js';
import type { BenchShape } from '../shapes.js';

/**
 * onnxruntime-node (native, AVX-512 here: the practical limit of the CPU) running the one-Conv ONNX model built in
 * onnx-conv-model.ts, with its default thread count.
 */
export function onnxruntimeNodeContestant(): Contestant {
  let ort: typeof import('onnxruntime-node') | null | undefined;
  const sessions: { release(): Promise<void> }[] = [];
  return {
    name: 'onnxruntime-node',
    role: 'native',
    pass: 'forward',
    async prepare(shape: BenchShape, data: LayerData) {
      if (ort === undefined) ort = await import('onnxruntime-node').catch(() => null);
      if (!ort) return { unsupported: 'onnxruntime-node not installed' };
      const runtime = ort;
      const session = await runtime.InferenceSession.create(onnxConvModel(shape, data.w));
      sessions.push(session);
      return async () => {
        const start = performance.now();
        const result = await session.run({ X: new runtime.Tensor('float32', data.x, shape.input) });
        void (result.Y.data as Float32Array).length;
        return performance.now() - start;
      };
    },
    async dispose() {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}

/** onnxruntime-web (its WebAssembly SIMD build) with `threads` threads, in a worker of its own. */
export function onnxruntimeWebContestant(threads: number): Contestant {
  let worker: Worker | null = null;
  let nextId = 0;
  const request = (message: unknown): Promise<Record<string, unknown>> => new Promise((resolve) => {
    worker!.once('message', (reply: Record<string, unknown>) => resolve(reply));
    worker!.postMessage(message);
  });
  return {
    name: `ort-web ×${threads}`,
    role: 'peer',
    pass: 'forward',
    threads,
    async prepare(shape: BenchShape, data: LayerData) {
      if (!worker) {
        const started = new Worker(new URL('./ort-web-worker.js', import.meta.url), { workerData: { threads } });
        const first = await new Promise<Record<string, unknown>>((resolve) => {
          started.once('message', resolve);
          started.once('error', (error) => resolve({ error: String(error) }));
        });
        if (first.error) return { unsupported: `onnxruntime-web: ${String(first.error).slice(0, 60)}` };
        worker = started;
      }
      const id = nextId++;
      const ready = await request({ prepare: { id, model: onnxConvModel(shape, data.w), input: data.x, shape: shape.input } });
      if (ready.error) return { unsupported: `onnxruntime-web: ${String(ready.error).slice(0, 60)}` };
      return async () => {
        const reply = await request({ run: id });
        if (reply.error) throw new Error(String(reply.error));
        return reply.ms as number;
      };
    },
    async dispose() {
      await worker?.terminate();
      worker = null;
    },
  };
}
