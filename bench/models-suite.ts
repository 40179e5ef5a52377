/**
 * The whole-model benchmark (`npm run bench -- --models`, `atrous bench --models`): the exported models of
 * scripts/make_bench_models.py run in atrous, onnxruntime-web (1 and 2 threads) and onnxruntime-node, and one
 * training step of three nets in atrous and PyTorch CPU (1 and 2 threads each), every contender and thread count
 * in a process of its own, round by round in rotating order, on seeded inputs; plus a heap check of atrous
 * (heap after many runs of a model against after 10).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { ChildEnvironment } from './child.js';
import { peakLine, probePeak } from './isolated-suite.js';
import { EXPORT_SCRIPT, MODELS_DIR, MODEL_NAMES, TORCH_TRAINING_SCRIPT, TRAINING_NAMES, readManifest } from './model-files.js';
import type { HeapCheck, ModelTiming } from './model-runners.js';
import { MODEL_CONTENDERS } from './model-runners.js';
import { runNodeChild, runProcess } from './spawn.js';
import { geometricMean, median, quantile } from './stats.js';
import type { TrainingTiming } from './training-atrous.js';

const PYTHON = '/usr/bin/python3';
const SEED = 7;
const CHILD_TIMEOUT_MS = 600_000;
/** The default heap check stops at this much running time per model (at least 20 runs), so the bench stays bounded. */
const HEAP_BUDGET_MS = 30_000;

export interface ModelSuiteOptions {
  quick?: boolean;
  /** Models and training nets by name (default: all). */
  select?: string[];
  /** Inference: atrous, ort-web-1, ort-web-2, ort-node; training: atrous, torch (default: all). */
  contenders?: string[];
  atrousOnly?: boolean;
  /** Rounds (default 3, quick 1). */
  rounds?: number;
  /** Runs of the heap check; default 100, for a slow model as many as fit in ~30 s (at least 20); 0 skips it. */
  heapRuns?: number;
  inference?: boolean;
  training?: boolean;
  log?: (line: string) => void;
}

/** Median and spread of timed samples, in ms. */
export interface Timing {
  samplesMs: number[];
  medianMs: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
}

export interface ModelRow extends Timing {
  model: string;
  contender: string;
  threads: number | null;
  loadMs: number;
  failure?: string;
}

export interface TrainingRow extends Timing {
  net: string;
  contender: 'atrous' | 'torch';
  threads: number;
  firstLoss: number;
  failure?: string;
}

export interface HeapRow {
  model: string;
  result?: HeapCheck;
  failure?: string;
}

export interface ModelSuiteResult {
  environment: Record<string, string | number | null>;
  inference: ModelRow[];
  heap: HeapRow[];
  training: TrainingRow[];
  summary: {
    /** Per model: best onnxruntime-web time ÷ atrous time (> 1: atrous faster), and onnxruntime-node's. */
    perModel: { model: string; vsBestWeb: number; bestWeb: string | null; vsNative: number }[];
    geomeanVsBestWeb: number;
    /** Per net: atrous time ÷ PyTorch time at 1 and 2 threads (≤ 2 is the goal), atrous 1-thread ÷ 2-thread time. */
    perNet: { net: string; vsTorch1: number; vsTorch2: number; atrousSpeedup: number }[];
  };
  text: string;
}

const TRAINING_CONTENDERS = ['atrous', 'torch'] as const;

function emptyTiming(): Timing {
  return { samplesMs: [], medianMs: NaN, q1: NaN, q3: NaN, min: NaN, max: NaN };
}

function summarizeTiming(t: Timing): void {
  if (t.samplesMs.length === 0) return;
  t.medianMs = median(t.samplesMs);
  t.q1 = quantile(t.samplesMs, 0.25);
  t.q3 = quantile(t.samplesMs, 0.75);
  t.min = Math.min(...t.samplesMs);
  t.max = Math.max(...t.samplesMs);
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % Math.max(1, items.length);
  return [...items.slice(k), ...items.slice(0, k)];
}

function pick<T extends string>(all: readonly T[], wanted: readonly string[] | undefined): T[] {
  if (!wanted || wanted.length === 0) return [...all];
  return all.filter((name) => wanted.includes(name));
}

function checkNames(select: readonly string[] | undefined, contenders: readonly string[] | undefined): void {
  const models = [...MODEL_NAMES, ...TRAINING_NAMES] as string[];
  for (const name of select ?? []) {
    if (!models.includes(name)) throw new Error(`unknown bench model "${name}"; valid: ${models.join(', ')}`);
  }
  const valid = [...new Set<string>([...MODEL_CONTENDERS, ...TRAINING_CONTENDERS])];
  for (const name of contenders ?? []) {
    if (!valid.includes(name)) throw new Error(`unknown bench contender "${name}"; valid with --models: ${valid.join(', ')}`);
  }
}

/** Exports the models missing from bench/models/ with the committed script; returns why it failed, if it did. */
function exportMissing(models: readonly string[], nets: readonly string[], log: (line: string) => void): string | null {
  const manifest = readManifest();
  const missing = [
    ...models.filter((m) => !manifest?.models[m] || !existsSync(join(MODELS_DIR, manifest.models[m].file))),
    ...nets.filter((n) => !manifest?.training[n] || !existsSync(join(MODELS_DIR, manifest.training[n].file))),
  ];
  if (missing.length === 0) return null;
  log(`exporting ${missing.join(', ')} with ${PYTHON} scripts/make_bench_models.py (once; PyTorch 1.13) ...`);
  const result = spawnSync(PYTHON, [EXPORT_SCRIPT, '--only', ...missing], { encoding: 'utf8', timeout: 900_000 });
  if (result.status === 0) return null;
  const tail = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim().split('\n').slice(-2).join(' | ');
  return `export failed: ${tail || `exit status ${result.status}`}`;
}

export async function runModelSuite(options: ModelSuiteOptions = {}): Promise<ModelSuiteResult> {
  const log = options.log ?? (() => undefined);
  checkNames(options.select, options.contenders);
  const quick = options.quick ?? false;
  const rounds = options.rounds ?? (quick ? 1 : 3);
  const loadAtStart = loadavg();
  const models = options.inference === false ? [] : pick(MODEL_NAMES, options.select);
  const nets = options.training === false ? [] : pick(TRAINING_NAMES, options.select);
  let contenders = pick(MODEL_CONTENDERS, options.contenders);
  let trainers = pick(TRAINING_CONTENDERS, options.contenders);
  if (options.atrousOnly) {
    contenders = contenders.filter((c) => c === 'atrous');
    trainers = trainers.filter((c) => c === 'atrous');
  }
  const exportFailure = exportMissing(models, nets, log);

  log('measuring the SIMD peak and the environment (own process) ...');
  const probe = await probePeak(true);
  const env: ChildEnvironment = probe.environment ?? { node: process.version, cores: 0, wasmBuild: null, defaultThreads: 1 };

  const inference: ModelRow[] = [];
  for (const model of models) {
    for (const contender of contenders) inference.push({ model, contender, threads: null, loadMs: NaN, ...emptyTiming(), failure: exportFailure ?? undefined });
  }
  const loads = new Map<ModelRow, number[]>();
  for (let round = 0; round < rounds && !exportFailure; round++) {
    const start = performance.now();
    for (const [index, model] of models.entries()) {
      for (const contender of rotate(contenders, round + index)) {
        const row = inference.find((r) => r.model === model && r.contender === contender)!;
        const outcome = await runNodeChild<ModelTiming>(
          { kind: 'model', contender, model, samples: quick ? 1 : 2, warmup: 1, seed: SEED }, { timeoutMs: CHILD_TIMEOUT_MS });
        if (!outcome.ok) {
          row.failure = outcome.error;
          log(`  ${model} / ${contender}: fails: ${outcome.error}`);
          continue;
        }
        row.samplesMs.push(...outcome.value.samplesMs);
        row.threads = outcome.value.threads || null;
        loads.set(row, [...(loads.get(row) ?? []), outcome.value.loadMs]);
      }
    }
    log(`inference round ${round + 1}/${rounds} (${((performance.now() - start) / 1000).toFixed(0)} s, load average ${loadavg()[0].toFixed(2)})`);
  }
  for (const row of inference) {
    summarizeTiming(row);
    row.loadMs = loads.has(row) ? median(loads.get(row)!) : NaN;
    if (row.samplesMs.length > 0) delete row.failure;
  }

  const heap: HeapRow[] = [];
  const heapRuns = options.heapRuns ?? (quick ? 20 : 100);
  if (heapRuns > 0 && contenders.includes('atrous')) {
    for (const model of models) {
      const measured = inference.find((r) => r.model === model && r.contender === 'atrous');
      if (!measured || measured.samplesMs.length === 0) {
        heap.push({ model, failure: measured?.failure ?? 'not run' });
        continue;
      }
      const runs = options.heapRuns !== undefined ? heapRuns
        : Math.min(heapRuns, Math.max(20, Math.floor(HEAP_BUDGET_MS / measured.medianMs)));
      const outcome = await runNodeChild<HeapCheck>({ kind: 'heap', model, runs, seed: SEED }, { timeoutMs: CHILD_TIMEOUT_MS, nodeFlags: ['--expose-gc'] });
      heap.push(outcome.ok ? { model, result: outcome.value } : { model, failure: outcome.error });
      log(`heap check ${model}: ${outcome.ok ? `${runs} runs` : `fails: ${outcome.error}`}`);
    }
  }

  const training: TrainingRow[] = [];
  const threadCounts = [1, 2];
  for (const net of nets) {
    for (const contender of trainers) {
      for (const threads of threadCounts) training.push({ net, contender, threads, firstLoss: NaN, ...emptyTiming(), failure: exportFailure ?? undefined });
    }
  }
  const jobs = trainers.flatMap((contender) => threadCounts.map((threads) => ({ contender, threads })));
  for (let round = 0; round < rounds && !exportFailure && nets.length > 0; round++) {
    const start = performance.now();
    for (const [index, net] of nets.entries()) {
      for (const { contender, threads } of rotate(jobs, round + index)) {
        const row = training.find((r) => r.net === net && r.contender === contender && r.threads === threads)!;
        const samples = quick ? 1 : 3, warmup = quick ? 1 : 2;
        const outcome = contender === 'atrous'
          ? await runNodeChild<TrainingTiming>({ kind: 'train', model: net, threads, samples, warmup }, { timeoutMs: CHILD_TIMEOUT_MS })
          : await runProcess<TrainingTiming>(PYTHON, [TORCH_TRAINING_SCRIPT, net, '--threads', String(threads), '--samples', String(samples), '--warmup', String(warmup)], CHILD_TIMEOUT_MS);
        if (!outcome.ok) {
          row.failure = outcome.error;
          log(`  ${net} / ${contender} ×${threads}: fails: ${outcome.error}`);
          continue;
        }
        row.samplesMs.push(...outcome.value.samplesMs);
        row.firstLoss = outcome.value.firstLoss;
      }
    }
    log(`training round ${round + 1}/${rounds} (${((performance.now() - start) / 1000).toFixed(0)} s, load average ${loadavg()[0].toFixed(2)})`);
  }
  for (const row of training) {
    summarizeTiming(row);
    if (row.samplesMs.length > 0) delete row.failure;
  }

  const loadAtEnd = loadavg();
  const summary = summarizeModels(models, inference, nets, training);
  const environment = {
    mode: 'isolated',
    node: env.node,
    cores: env.cores,
    wasmBuild: env.wasmBuild,
    defaultThreads: env.defaultThreads,
    loadAverageStart: round2(loadAtStart[0]),
    loadAverageEnd: round2(loadAtEnd[0]),
    peakPlain: probe.peak ? round2(probe.peak.plain) : null,
    peakRelaxed: probe.peak?.relaxed ? round2(probe.peak.relaxed) : null,
    date: new Date().toISOString(),
    rounds,
  };
  const header = [
    `atrous bench --models (isolated: every contender and thread count in its own process, ${rounds} interleaved round${rounds === 1 ? '' : 's'}) — ${environment.date}, Node ${env.node}, ${env.cores} cores, wasm build ${env.wasmBuild ?? 'none'}, atrous threads ${env.defaultThreads}`,
    `load average ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end (1, 5, 15 min)`,
    peakLine(probe),
  ];
  const result = { environment, inference, heap, training, summary, text: '' };
  result.text = formatModelReport(result, header);
  return result;
}

function summarizeModels(models: readonly string[], inference: ModelRow[], nets: readonly string[], training: TrainingRow[]): ModelSuiteResult['summary'] {
  const perModel = models.map((model) => {
    const of = (c: string): ModelRow | undefined => inference.find((r) => r.model === model && r.contender === c && Number.isFinite(r.medianMs));
    const atrous = of('atrous');
    const webs = ['ort-web-1', 'ort-web-2'].map(of).filter((r): r is ModelRow => r !== undefined);
    const best = webs.reduce<ModelRow | null>((b, r) => (!b || r.medianMs < b.medianMs ? r : b), null);
    const native = of('ort-node');
    return {
      model,
      bestWeb: best?.contender ?? null,
      vsBestWeb: atrous && best ? best.medianMs / atrous.medianMs : NaN,
      vsNative: atrous && native ? native.medianMs / atrous.medianMs : NaN,
    };
  });
  const ratios = perModel.map((m) => m.vsBestWeb).filter(Number.isFinite);
  const perNet = nets.map((net) => {
    const of = (c: string, t: number): number => training.find((r) => r.net === net && r.contender === c && r.threads === t)?.medianMs ?? NaN;
    return { net, vsTorch1: of('atrous', 1) / of('torch', 1), vsTorch2: of('atrous', 2) / of('torch', 2), atrousSpeedup: of('atrous', 1) / of('atrous', 2) };
  });
  return { perModel, geomeanVsBestWeb: ratios.length ? geometricMean(ratios) : NaN, perNet };
}

const ms = (v: number): string => (!Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const round2 = (v: number): number => Math.round(v * 100) / 100;
const fmtLoad = (l: number[]): string => l.map((v) => v.toFixed(2)).join(', ');

/** A failure as a table cell: its first 160 characters (the JSON output keeps all of it). */
const failureCell = (failure: string): string => `fails: ${failure.length > 160 ? `${failure.slice(0, 159)}…` : failure}`;

function cell(t: Timing & { failure?: string }): string {
  if (t.failure !== undefined && t.samplesMs.length === 0) return failureCell(t.failure);
  if (t.samplesMs.length === 0) return '–';
  return `${ms(t.medianMs)} (${ms(t.min)}–${ms(t.max)})`;
}

function formatModelReport(result: Omit<ModelSuiteResult, 'text'>, header: string[]): string {
  const lines = [...header, ''];
  const models = [...new Set(result.inference.map((r) => r.model))];
  const manifest = readManifest();
  if (models.length > 0) {
    const contenders = [...new Set(result.inference.map((r) => r.contender))];
    const label = (c: string): string => (c === 'atrous' ? 'atrous' : c.replace(/^ort-web-(\d)$/, 'ort-web ×$1'));
    lines.push('inference: median ms (min–max) of every round\'s runs, seeded input; load = median load + warm-up run, ms');
    for (const model of models) {
      const entry = manifest?.models[model];
      lines.push(`${model}${entry ? ` — ${entry.description}, input ${entry.inputShape.join('×')}` : ''}`);
      for (const c of contenders) {
        const row = result.inference.find((r) => r.model === model && r.contender === c)!;
        const extra = row.samplesMs.length > 0 ? `  n ${row.samplesMs.length}  IQR ${ms(row.q1)}–${ms(row.q3)}  load ${ms(row.loadMs)}` : '';
        lines.push(`  ${label(c).padEnd(12)} ${cell(row)}${extra}`);
      }
    }
    lines.push('');
    lines.push('ratios: speed of atrous ÷ speed of the best onnxruntime-web (best web time ÷ atrous time; > 1: atrous faster), and ÷ onnxruntime-node');
    for (const m of result.summary.perModel) {
      const atrous = result.inference.find((r) => r.model === m.model && r.contender === 'atrous');
      const versus = Number.isFinite(m.vsBestWeb) && m.bestWeb ? ` (vs ${label(m.bestWeb)})` : atrous?.failure !== undefined ? ' (atrous fails)' : '';
      lines.push(`  ${m.model.padEnd(24)} ${times(m.vsBestWeb).padStart(7)}${versus}   native ${times(m.vsNative)}`);
    }
    lines.push(`  ${'geometric mean'.padEnd(24)} ${times(result.summary.geomeanVsBestWeb).padStart(7)}`);
    lines.push('');
  }
  if (result.heap.length > 0) {
    lines.push('heap check (atrous, forced GC before each reading): MB after 10 runs → after all runs (JS heap; external incl. typed arrays and WASM memory; RSS)');
    for (const h of result.heap) {
      if (!h.result) {
        lines.push(`  ${h.model.padEnd(24)} ${failureCell(h.failure ?? 'no result')}`);
        continue;
      }
      const { after10: a, afterAll: b, runs } = h.result;
      const delta = (x: number, y: number): string => `${x.toFixed(1)} → ${y.toFixed(1)} (${y - x >= 0 ? '+' : ''}${(y - x).toFixed(1)})`;
      lines.push(`  ${h.model.padEnd(24)} ${String(runs).padStart(3)} runs  heap ${delta(a.heapUsed, b.heapUsed)}  external ${delta(a.external, b.external)}  rss ${delta(a.rss, b.rss)}`);
    }
    lines.push('');
  }
  const nets = [...new Set(result.training.map((r) => r.net))];
  if (nets.length > 0) {
    lines.push('training: one step (forward + backward + Adam), same initial weights and batch; median ms (min–max); first loss = before any update');
    for (const net of nets) {
      const entry = manifest?.training[net];
      lines.push(`${net}${entry ? ` — ${entry.description}` : ''}`);
      for (const row of result.training.filter((r) => r.net === net)) {
        const name = `${row.contender === 'torch' ? 'PyTorch' : 'atrous'} ×${row.threads}`;
        const loss = Number.isFinite(row.firstLoss) ? `  first loss ${row.firstLoss.toPrecision(7)}` : '';
        lines.push(`  ${name.padEnd(12)} ${cell(row)}${row.samplesMs.length > 0 ? `  n ${row.samplesMs.length}` : ''}${loss}`);
      }
    }
    lines.push('');
    lines.push('ratios: atrous time ÷ PyTorch time at the same thread count (< 1: atrous faster); atrous 1-thread time ÷ 2-thread time');
    for (const n of result.summary.perNet) {
      lines.push(`  ${n.net.padEnd(24)} ×1 ${times(n.vsTorch1).padStart(7)}   ×2 ${times(n.vsTorch2).padStart(7)}   atrous 1→2 threads ${times(n.atrousSpeedup)}`);
    }
  }
  return lines.join('\n');
}
