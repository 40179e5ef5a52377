/**
 * The process one benchmark job runs in (started by bench/spawn.ts): `node dist/bench/child.js '<job JSON>'`.
 * It does its job, prints its result line and exits, so no thread pool outlives it.
 *
 * Jobs:
 * - `peak`: the per-core SIMD peak (bench/peak.ts) and the environment atrous sees here;
 * - `layers`: one layer contender over the chosen layers (warm-up, then `samples` timed calls per layer);
 * - `model`: one contender running one whole model (bench/model-runners.ts);
 * - `heap`: atrous running one model many times, with the heap measured after 10 and after all runs;
 * - `train`: one atrous training step, repeated (bench/training-atrous.ts).
 */
import { availableParallelism, loadavg } from 'node:os';
import { getThreads, listBackends, ready, wasmBuild } from '../src/kernels/index.js';
import { selectContenders } from './contestants/registry.js';
import { runBench } from './harness.js';
import { measurePeak } from './peak.js';
import { reportResult } from './spawn.js';
import { selectShapes } from './suite.js';

export interface ChildEnvironment {
  node: string;
  cores: number;
  wasmBuild: string | null;
  defaultThreads: number;
}

export type ChildJob =
  | { kind: 'peak'; repeats: number; callMs: number }
  | { kind: 'layers'; contender: string; shapes: string[]; samples: number; warmup: number; seed: number }
  | { kind: 'model'; contender: string; model: string; samples: number; warmup: number; seed: number }
  | { kind: 'heap'; model: string; runs: number; seed: number }
  | { kind: 'train'; model: string; threads: number; samples: number; warmup: number };

async function environment(): Promise<ChildEnvironment> {
  await ready();
  return { node: process.version, cores: availableParallelism(), wasmBuild: wasmBuild(), defaultThreads: getThreads() };
}

async function run(job: ChildJob): Promise<unknown> {
  switch (job.kind) {
    case 'peak':
      return { peak: measurePeak(job), environment: await environment(), loadAverage: loadavg()[0] };
    case 'layers': {
      const env = await environment();
      const [spec] = selectContenders([job.contender]);
      const shapes = selectShapes(job.shapes).filter((s) => !spec.shapes || spec.shapes.includes(s.name));
      const contestant = spec.make(env.defaultThreads, listBackends().includes('wasm'));
      const rows = shapes.length === 0 ? [] : await runBench({ shapes, contestants: [contestant], rounds: job.samples, warmup: job.warmup, seed: job.seed });
      return { rows };
    }
    case 'model': {
      const { timeModel } = await import('./model-runners.js');
      return timeModel(job.contender, job.model, job);
    }
    case 'heap': {
      const { heapCheck } = await import('./model-runners.js');
      return heapCheck(job.model, job.runs, job.seed);
    }
    case 'train': {
      const { timeTrainingStep } = await import('./training-atrous.js');
      return timeTrainingStep(job.model, job.threads, job);
    }
  }
}

try {
  reportResult(await run(JSON.parse(process.argv[2] ?? '{}') as ChildJob));
  process.exit(0);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(1);
}
