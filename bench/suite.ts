/**
 * The in-process layer benchmark (`--in-process`): every contender in this one process, interleaved round by
 * round. Kept as a labelled option for quick comparisons; onnxruntime's thread pools keep spinning after their
 * runs and take a core from whatever runs next here, so the default is the isolated run (isolated-suite.ts).
 */
import { getThreads, ready, setBackend, setThreads, wasmBuild, listBackends } from '../src/kernels/index.js';
import type { Contestant } from './contestant.js';
import { atrousContestant } from './contestants/atrous.js';
import { onnxruntimeNodeContestant, onnxruntimeWebContestant } from './contestants/onnxruntime.js';
import { tfjsContestant } from './contestants/tfjs.js';
import { runBench, type BenchRow } from './harness.js';
import { formatReport } from './report.js';
import { measurePeak } from './peak.js';
import { BENCH_SHAPES, TINY_SHAPE, type BenchShape } from './shapes.js';
import { summarize, type BenchSummary } from './summary.js';

export interface SuiteOptions {
  /** A fast smoke run: fewer rounds and warm-up calls. */
  quick?: boolean;
  /** Layers by name (default: the six of the issue; 'tiny' selects the smoke-test layer). */
  shapes?: string[];
  /** Leave out the peer libraries (atrous only). */
  atrousOnly?: boolean;
  log?: (line: string) => void;
}

export interface SuiteResult {
  environment: Record<string, string | number | null>;
  rows: BenchRow[];
  summary: BenchSummary;
  text: string;
}

/** The layer the core issue quotes the pure-JS path against the reference kernel on. */
const REFERENCE_LAYER = 'context';

export async function runSuite(options: SuiteOptions = {}): Promise<SuiteResult> {
  await ready();
  const defaultThreads = getThreads();
  const shapes = selectShapes(options.shapes);
  const wasm = listBackends().includes('wasm');
  const threadCounts = [...new Set([1, Math.max(2, defaultThreads)])];
  const contestants: Contestant[] = [];
  for (const n of threadCounts) if (wasm) contestants.push(atrousContestant('wasm', n, 'forward', n === defaultThreads));
  contestants.push(atrousContestant('js', 1, 'forward', !wasm));
  contestants.push(atrousContestant('reference', 1, 'forward', false, (s) => s.name === REFERENCE_LAYER || s.name === TINY_SHAPE.name));
  if (!options.atrousOnly) {
    contestants.push(tfjsContestant('wasm'), tfjsContestant('cpu'), onnxruntimeWebContestant(1), onnxruntimeWebContestant(2), onnxruntimeNodeContestant());
  }
  for (const n of threadCounts) if (wasm) contestants.push(atrousContestant('wasm', n, 'backward', n === defaultThreads));
  contestants.push(atrousContestant('js', 1, 'backward', !wasm));
  const os = await import('node:os');
  const environment = {
    mode: 'in-process',
    node: process.version,
    cores: os.availableParallelism(),
    loadAverage: Number(os.loadavg()[0].toFixed(2)),
    wasmBuild: wasmBuild(),
    defaultThreads,
    date: new Date().toISOString(),
    rounds: options.quick ? 3 : 9,
  };
  const peak = measurePeak({ repeats: options.quick ? 2 : 5, callMs: 50 });
  const build = wasmBuild();
  const peakPerCore = build?.includes('relaxed') && peak.relaxed ? peak.relaxed : peak.plain;
  const rows = await runBench({
    shapes, contestants, rounds: environment.rounds, warmup: options.quick ? 1 : 2, seed: 2024, log: options.log, peakPerCore,
  });
  setBackend(wasm ? 'wasm' : 'js');
  setThreads(defaultThreads);
  const summary = summarize(rows);
  const header = [
    `atrous bench (IN-PROCESS: all contenders share this process; onnxruntime's spinning thread pools skew what runs after them — the default isolated run does not) — ${environment.date}, Node ${environment.node}, ${environment.cores} cores (load average ${environment.loadAverage} at start), wasm build ${environment.wasmBuild ?? 'none'}, default threads ${defaultThreads}`,
    `per-core f32x4 multiply-add peak (this process): plain SIMD ${peak.plain.toFixed(1)} GFLOP/s, relaxed SIMD ${peak.relaxed === null ? 'not available' : `${peak.relaxed.toFixed(1)} GFLOP/s`}`,
    `median of ${environment.rounds} interleaved rounds, seeded data; nominal GFLOP/s = 2·N·Cout·(Cin/groups)·taps·outputs / time; useful leaves out the multiply-adds in zero padding; eff. = useful ÷ (peak × threads)`,
  ];
  return { environment, rows, summary, text: formatReport(rows, summary, header) };
}

/** The layers named (all six by default; `tiny` is the smoke-test layer); throws naming the valid ones. */
export function selectShapes(names?: readonly string[]): BenchShape[] {
  if (!names || names.length === 0) return BENCH_SHAPES;
  const all = [...BENCH_SHAPES, TINY_SHAPE];
  return names.map((name) => {
    const shape = all.find((s) => s.name === name);
    if (!shape) throw new Error(`unknown bench layer "${name}"; valid: ${all.map((s) => s.name).join(', ')}`);
    return shape;
  });
}
