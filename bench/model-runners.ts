/**
 * Whole models, child-process side (bench/child.ts runs these; bench/models-suite.ts reads their results): one
 * contender loads one exported model, runs it on a seeded input once untimed per warm-up, then `samples` timed
 * runs. Load time is measured too but kept apart from the run times.
 *
 * Contenders: `atrous` (loadOnnxFile + run on the default backend and thread count), `ort-web-1`/`ort-web-2`
 * (onnxruntime-web's WebAssembly build with 1 or 2 threads, `InferenceSession.run`), `ort-node` (native
 * onnxruntime-node, its default threads).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getThreads, ready } from '../src/kernels/index.js';
import { loadOnnxFile } from '../src/onnx/load-file.js';
import { randn } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { MODELS_DIR, modelEntry } from './model-files.js';

export const MODEL_CONTENDERS = ['atrous', 'ort-web-1', 'ort-web-2', 'ort-node'] as const;

export interface ModelTiming {
  loadMs: number;
  samplesMs: number[];
  threads: number;
}

type Run = () => Promise<void>;

async function prepare(contender: string, path: string, input: Float32Array, shape: number[], inputName: string): Promise<{ run: Run; threads: number }> {
  if (contender === 'atrous') {
    await ready();
    const model = loadOnnxFile(path);
    const feed = { [inputName]: new Tensor(input, shape) };
    return { run: async () => { model.run(feed); }, threads: getThreads() };
  }
  if (contender === 'ort-web-1' || contender === 'ort-web-2') {
    const ort = await import('onnxruntime-web');
    const threads = contender === 'ort-web-1' ? 1 : 2;
    ort.env.wasm.numThreads = threads;
    const session = await ort.InferenceSession.create(readFileSync(path), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    return {
      run: async () => {
        const result = await session.run({ [inputName]: new ort.Tensor('float32', input, shape) });
        void Object.values(result)[0].data;
      },
      threads,
    };
  }
  if (contender === 'ort-node') {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(path);
    return {
      run: async () => {
        const result = await session.run({ [inputName]: new ort.Tensor('float32', input, shape) });
        void Object.values(result)[0].data;
      },
      threads: 0,
    };
  }
  throw new Error(`unknown bench contender "${contender}"; valid: ${MODEL_CONTENDERS.join(', ')}`);
}

/** Loads `model` in `contender`, warms up, and times `samples` runs on the seeded input. */
export async function timeModel(contender: string, model: string, options: { samples: number; warmup: number; seed: number }): Promise<ModelTiming> {
  const entry = modelEntry(model);
  const input = randn(entry.inputShape, options.seed).data;
  const loadStart = performance.now();
  const { run, threads } = await prepare(contender, join(MODELS_DIR, entry.file), input, entry.inputShape, entry.inputName);
  for (let i = 0; i < options.warmup; i++) await run();
  const loadMs = performance.now() - loadStart;
  const samplesMs: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const start = performance.now();
    await run();
    samplesMs.push(performance.now() - start);
  }
  return { loadMs, samplesMs, threads };
}

export interface HeapCheck {
  runs: number;
  /** MB after a full garbage collection, after 10 runs and after all `runs`. */
  after10: MemoryFigures;
  afterAll: MemoryFigures;
}

interface MemoryFigures { heapUsed: number; external: number; rss: number }

function memory(): MemoryFigures {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const mb = (v: number): number => Math.round(v / 1e5) / 10;
  return { heapUsed: mb(m.heapUsed), external: mb(m.external), rss: mb(m.rss) };
}

/**
 * atrous runs `model` `runs` times; the heap (JS heap, external memory — typed arrays and WASM memory — and
 * resident size) after a forced collection is read after 10 runs and after all of them. Needs `--expose-gc`.
 */
export async function heapCheck(model: string, runs: number, seed: number): Promise<HeapCheck> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('the heap check needs node --expose-gc');
  const entry = modelEntry(model);
  const { run } = await prepare('atrous', join(MODELS_DIR, entry.file), randn(entry.inputShape, seed).data, entry.inputShape, entry.inputName);
  for (let i = 0; i < 10; i++) await run();
  const after10 = memory();
  for (let i = 10; i < runs; i++) await run();
  return { runs, after10, afterAll: memory() };
}
