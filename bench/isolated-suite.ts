/**
 * The layer benchmark with every contender in its own process (the default of `npm run bench` and `atrous
 * bench`). Round by round, in an order that rotates each round, one child process per contender runs every
 * layer (one warm-up call, then timed calls) and exits; the samples of all rounds make each row's median and
 * spread. A probe process before and after the rounds measures the per-core SIMD peak (the better of the two)
 * that the efficiency column divides by.
 */
import { loadavg } from 'node:os';
import type { BenchRow } from './harness.js';
import { emptyRow, summarizeRow } from './harness.js';
import type { ChildEnvironment } from './child.js';
import { selectContenders, type ContenderSpec } from './contestants/registry.js';
import type { PeakProbe } from './peak.js';
import { formatReport } from './report.js';
import { runNodeChild } from './spawn.js';
import { summarize } from './summary.js';
import { selectShapes, type SuiteResult } from './suite.js';

export interface IsolatedSuiteOptions {
  /** Two rounds of one sample each: a smoke run. */
  quick?: boolean;
  /** Layers by name (default: the six of the issue). */
  shapes?: string[];
  /** Contender ids (default: the standard set; see bench/contestants/registry.ts). */
  contenders?: string[];
  /** Leave out every contender that is not atrous. */
  atrousOnly?: boolean;
  /** Rounds (default 5, quick 2). */
  rounds?: number;
  log?: (line: string) => void;
}

/** Timed calls per layer in one child of a fast contender; slow (pure-JS) contenders take one. */
const FAST_SAMPLES = 3;
const SEED = 2024;
/** A child that takes longer than this is killed and reported as failed for that round. */
const CHILD_TIMEOUT_MS = 180_000;

/** Node 20 validates relaxed SIMD only behind a flag; the peak probe's process gets it so both peaks are known. */
export function relaxedSimdFlags(): string[] {
  return Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
}

export interface ProbeResult {
  peak: PeakProbe | null;
  environment: ChildEnvironment | null;
  error?: string;
}

/**
 * Runs the peak probe in its own process, which also reports the environment atrous's kernels see (build,
 * default threads). Where relaxed SIMD needs a flag (Node 20), a second process with the flag measures that peak:
 * the flag must not reach the first, whose kernel build is the one every contender's process gets.
 */
export async function probePeak(quick: boolean): Promise<ProbeResult> {
  const job = { kind: 'peak', repeats: quick ? 3 : 5, callMs: 50 };
  const outcome = await runNodeChild<{ peak: PeakProbe; environment: ChildEnvironment }>(job, { timeoutMs: 60_000 });
  if (!outcome.ok) return { peak: null, environment: null, error: outcome.error };
  const { peak, environment } = outcome.value;
  if (peak.relaxed === null && relaxedSimdFlags().length > 0) {
    const flagged = await runNodeChild<{ peak: PeakProbe }>(job, { timeoutMs: 60_000, nodeFlags: relaxedSimdFlags() });
    if (flagged.ok && flagged.value.peak.relaxed !== null) {
      return { peak: { plain: Math.max(peak.plain, flagged.value.peak.plain), relaxed: flagged.value.peak.relaxed }, environment };
    }
  }
  return { peak, environment };
}

/** The peak that atrous's own build runs against: relaxed where its kernels are the relaxed build. */
export function peakForBuild(probe: ProbeResult): number | undefined {
  if (!probe.peak) return undefined;
  return probe.environment?.wasmBuild?.includes('relaxed') && probe.peak.relaxed ? probe.peak.relaxed : probe.peak.plain;
}

export function peakLine(probe: ProbeResult): string {
  if (!probe.peak) return `peak probe failed: ${probe.error ?? 'no result'}`;
  const relaxed = probe.peak.relaxed === null ? 'relaxed SIMD not available' : `relaxed SIMD ${probe.peak.relaxed.toFixed(1)}`;
  return `per-core f32x4 multiply-add peak (assembly/peak-probe.ts, best of its loops): plain SIMD ${probe.peak.plain.toFixed(1)} GFLOP/s, ${relaxed} GFLOP/s`;
}

export async function runIsolatedSuite(options: IsolatedSuiteOptions = {}): Promise<SuiteResult> {
  const log = options.log ?? (() => undefined);
  const loadAtStart = loadavg();
  const shapes = selectShapes(options.shapes);
  let specs = selectContenders(options.contenders);
  if (options.atrousOnly) specs = specs.filter((s) => s.id.startsWith('atrous'));
  const rounds = options.rounds ?? (options.quick ? 2 : 5);
  const fastSamples = options.quick ? 1 : FAST_SAMPLES;

  log('measuring the SIMD peak (own process; again after the rounds) ...');
  const probe = await probePeak(options.quick ?? false);
  const env: ChildEnvironment = probe.environment ?? { node: process.version, cores: 0, wasmBuild: null, defaultThreads: 1 };
  const wasm = env.wasmBuild !== null;
  // On one core the default thread count is 1, and the default contender is atrous-wasm-1 itself.
  if (env.defaultThreads === 1) specs = specs.filter((s) => s.id !== 'atrous-wasm' && s.id !== 'atrous-wasm-backward');

  const rows: BenchRow[] = [];
  const rowOf = new Map<string, BenchRow>();
  const contestants = new Map<string, ContenderSpec>();
  for (const spec of specs) {
    const contestant = spec.make(env.defaultThreads, wasm);
    contestants.set(contestant.name, spec);
    for (const shape of shapes) {
      const row = emptyRow(shape, contestant);
      if (spec.shapes && !spec.shapes.includes(shape.name)) row.unsupported = 'not run on this layer';
      rows.push(row);
      rowOf.set(`${shape.name}\u0000${contestant.name}`, row);
    }
  }
  const failures = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (const spec of rotate(specs, round)) {
      const outcome = await runNodeChild<{ rows: BenchRow[] }>({
        kind: 'layers', contender: spec.id, shapes: shapes.map((s) => s.name),
        samples: spec.slow ? 1 : fastSamples, warmup: 1, seed: SEED,
      }, { timeoutMs: CHILD_TIMEOUT_MS });
      if (!outcome.ok) {
        failures.set(spec.id, outcome.error);
        log(`  ${spec.id}: fails: ${outcome.error}`);
        continue;
      }
      for (const measured of outcome.value.rows) {
        const row = rowOf.get(`${measured.shape}\u0000${measured.contestant}`);
        if (!row) continue;
        if (measured.unsupported) row.unsupported = measured.unsupported;
        row.samplesMs.push(...measured.samplesMs);
      }
    }
    log(`round ${round + 1}/${rounds} (${((performance.now() - start) / 1000).toFixed(0)} s, load average ${loadavg()[0].toFixed(2)})`);
  }
  // A second probe after the rounds: on a shared machine either may have been slowed, and the peak is the better.
  const lateProbe = await probePeak(options.quick ?? false);
  if (probe.peak && lateProbe.peak) {
    probe.peak = {
      plain: Math.max(probe.peak.plain, lateProbe.peak.plain),
      relaxed: probe.peak.relaxed === null ? lateProbe.peak.relaxed : Math.max(probe.peak.relaxed, lateProbe.peak.relaxed ?? 0),
    };
  }
  const peakPerCore = peakForBuild(probe);
  for (const row of rows) {
    const failure = failures.get(contestants.get(row.contestant)!.id);
    if (row.samplesMs.length === 0 && !row.unsupported && failure) row.unsupported = `fails: ${failure}`;
    summarizeRow(row, peakPerCore);
  }
  const loadAtEnd = loadavg();
  const environment = {
    mode: 'isolated',
    node: env.node,
    cores: env.cores,
    loadAverageStart: round2(loadAtStart[0]),
    loadAverageEnd: round2(loadAtEnd[0]),
    wasmBuild: env.wasmBuild,
    defaultThreads: env.defaultThreads,
    peakPlain: probe.peak ? round2(probe.peak.plain) : null,
    peakRelaxed: probe.peak?.relaxed ? round2(probe.peak.relaxed) : null,
    date: new Date().toISOString(),
    rounds,
  };
  const summary = summarize(rows);
  const header = [
    `atrous bench (isolated: every contender in its own process, ${rounds} interleaved rounds) — ${environment.date}, Node ${env.node}, ${env.cores} cores, wasm build ${env.wasmBuild ?? 'none'}, default threads ${env.defaultThreads}`,
    `load average ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end (1, 5, 15 min)`,
    peakLine(probe),
    `median over every round's samples, seeded data; nominal GFLOP/s = 2·N·Cout·(Cin/groups)·taps·outputs / time; useful leaves out the multiply-adds in zero padding; eff. = useful ÷ (peak${peakPerCore === probe.peak?.relaxed ? ' relaxed' : ' plain'} × threads)`,
  ];
  return { environment, rows, summary, text: formatReport(rows, summary, header) };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % Math.max(1, items.length);
  return [...items.slice(k), ...items.slice(0, k)];
}

const round2 = (v: number): number => Math.round(v * 100) / 100;
const fmtLoad = (l: number[]): string => l.map((v) => v.toFixed(2)).join(', ');
