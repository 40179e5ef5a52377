/**
 * The benchmark harness: every contestant runs every layer on the same seeded data, interleaved round by round
 * (each round visits every layer and, in rotating order, every contestant), so machine noise hits all of them alike.
 * Reports nominal GFLOP/s (2 × multiply-adds, padding included, whatever a library skips) per timed call.
 */
import { randn } from '../src/tensor/random.js';
import type { Contestant, LayerData, Trial } from './contestant.js';
import { median, quantile } from './stats.js';
import { nominalFlops, usefulFlops, type BenchShape } from './shapes.js';

export interface BenchOptions {
  shapes: BenchShape[];
  contestants: Contestant[];
  /** Timed rounds (each contestant gets one sample per layer per round). */
  rounds: number;
  /** Untimed calls per contestant and layer before the rounds. */
  warmup: number;
  seed: number;
  /** The machine's per-core f32x4 multiply-add peak (GFLOP/s), for the efficiency column. */
  peakPerCore?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface BenchRow {
  shape: string;
  layer: string;
  contestant: string;
  role: Contestant['role'];
  pass: Contestant['pass'];
  /** Nominal floating-point operations of one timed call (backward: input + weight gradients = 2 × forward). */
  flops: number;
  /** The multiply-adds of `flops` that read real input, not zero padding (× 2). */
  usefulFlops: number;
  /** Cores the contestant computes on (null: native code, no WASM efficiency). */
  threads: number | null;
  unsupported?: string;
  samplesMs: number[];
  medianMs: number;
  /** Nominal GFLOP/s: median, interquartile range, and extremes over the samples. */
  gflops: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  /** Useful GFLOP/s at the median, and its share of the per-core SIMD peak × threads (NaN without a probe). */
  usefulGflops: number;
  efficiency: number;
}

export async function runBench(options: BenchOptions): Promise<BenchRow[]> {
  const log = options.log ?? (() => undefined);
  const trials = new Map<string, Trial>();
  const rows: BenchRow[] = [];
  const key = (s: BenchShape, c: Contestant): string => `${s.name}\u0000${c.name}`;
  for (const [index, shape] of options.shapes.entries()) {
    const data: LayerData = {
      x: randn(shape.input, options.seed + 2 * index).data,
      w: randn(shape.weight, options.seed + 2 * index + 1).data,
    };
    for (const contestant of options.contestants) {
      const row = emptyRow(shape, contestant);
      rows.push(row);
      let prepared: Awaited<ReturnType<Contestant['prepare']>>;
      try {
        prepared = await contestant.prepare(shape, data);
      } catch (error) {
        prepared = { unsupported: `fails: ${String(error).slice(0, 120)}` };
      }
      if (typeof prepared !== 'function') {
        row.unsupported = prepared.unsupported;
        continue;
      }
      try {
        for (let i = 0; i < options.warmup; i++) await prepared();
        trials.set(key(shape, contestant), prepared);
      } catch (error) {
        row.unsupported = `fails: ${String(error).slice(0, 120)}`;
      }
    }
    log(`prepared ${shape.name}`);
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const shape of options.shapes) {
      const order = rotate(options.contestants, round);
      for (const contestant of order) {
        const trial = trials.get(key(shape, contestant));
        if (!trial) continue;
        const row = rows.find((r) => r.shape === shape.name && r.contestant === contestant.name)!;
        row.samplesMs.push(await trial());
      }
    }
    log(`round ${round + 1}/${options.rounds}`);
  }
  for (const contestant of options.contestants) await contestant.dispose?.();
  for (const row of rows) summarizeRow(row, options.peakPerCore);
  return rows;
}

/** A row of `contestant` on `shape` with no samples yet. */
export function emptyRow(shape: BenchShape, contestant: Contestant): BenchRow {
  const passes = contestant.pass === 'backward' ? 2 : 1;
  return {
    shape: shape.name, layer: shape.layer, contestant: contestant.name, role: contestant.role, pass: contestant.pass,
    flops: nominalFlops(shape) * passes, usefulFlops: usefulFlops(shape) * passes, threads: contestant.threads ?? null,
    samplesMs: [], medianMs: NaN, gflops: NaN, q1: NaN, q3: NaN, min: NaN, max: NaN, usefulGflops: NaN, efficiency: NaN,
  };
}

/**
 * Fills a row's statistics from its samples; with `peakPerCore` (GFLOP/s), also its efficiency: useful GFLOP/s
 * ÷ (peak × threads).
 */
export function summarizeRow(row: BenchRow, peakPerCore?: number): void {
  if (row.samplesMs.length === 0) return;
  const rates = row.samplesMs.map((ms) => row.flops / ms / 1e6);
  row.medianMs = median(row.samplesMs);
  row.gflops = row.flops / row.medianMs / 1e6;
  row.q1 = quantile(rates, 0.25);
  row.q3 = quantile(rates, 0.75);
  row.min = Math.min(...rates);
  row.max = Math.max(...rates);
  row.usefulGflops = row.usefulFlops / row.medianMs / 1e6;
  row.efficiency = peakPerCore && row.threads ? row.usefulGflops / (peakPerCore * row.threads) : NaN;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % Math.max(1, items.length);
  return [...items.slice(k), ...items.slice(0, k)];
}
