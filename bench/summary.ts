import type { BenchRow } from './harness.js';
import { geometricMean } from './stats.js';

/** The ratios the "Done when" asks for, per layer and over all layers (geometric means). */
export interface BenchSummary {
  perShape: {
    shape: string;
    defaultGflops: number;
    /** The default backend's useful GFLOP/s ÷ (per-core SIMD peak × its threads); NaN without a probe. */
    defaultEfficiency: number;
    /** Efficiency of atrous's WASM backend on one thread (issue 11's goal ≥ 70% on the GEMM layers). */
    oneThreadEfficiency: number;
    /** The default backend's throughput ÷ that one-thread throughput (issue 11's goal ≥ 1.8 on two threads). */
    threadSpeedup: number;
    bestPeer: string | null;
    bestPeerGflops: number;
    /** Default backend ÷ best of tfjs-wasm and onnxruntime-web (≥ 1.5 is the goal, ≥ 1 on every layer). */
    vsBestPeer: number;
    /** Default backend ÷ native onnxruntime-node: the distance to what this CPU can do. */
    vsNative: number;
    /** Backward (input + weight gradients) ÷ forward throughput of the default backend (goal ≥ 0.5). */
    backwardOverForward: number;
    /** Pure-JS path ÷ tfjs-cpu (goal ≥ 2). */
    jsVsTfjsCpu: number;
    /** Pure-JS path ÷ reference kernel (issue 2's goal ≥ 5, on the context layer). */
    jsVsReference: number;
  }[];
  geomean: { vsBestPeer: number; vsNative: number; backwardOverForward: number; jsVsTfjsCpu: number };
}

const WEB_PEERS = /^(tfjs-wasm|ort-web)/;

export function summarize(rows: BenchRow[]): BenchSummary {
  const shapes = [...new Set(rows.map((r) => r.shape))];
  const rate = (shape: string, test: (r: BenchRow) => boolean): BenchRow | undefined =>
    rows.find((r) => r.shape === shape && test(r) && Number.isFinite(r.gflops));
  const perShape = shapes.map((shape) => {
    const defaultRow = rate(shape, (r) => r.role === 'atrous-default' && r.pass === 'forward');
    const oneThread = rate(shape, (r) => r.contestant === 'atrous wasm ×1' && r.pass === 'forward');
    const defaultBackward = rate(shape, (r) => r.role === 'atrous-default' && r.pass === 'backward');
    const peers = rows.filter((r) => r.shape === shape && WEB_PEERS.test(r.contestant) && Number.isFinite(r.gflops));
    const best = peers.reduce<BenchRow | null>((b, r) => (!b || r.gflops > b.gflops ? r : b), null);
    const native = rate(shape, (r) => r.role === 'native');
    const js = rate(shape, (r) => r.contestant === 'atrous js');
    const tfjsCpu = rate(shape, (r) => r.contestant === 'tfjs-cpu');
    const reference = rate(shape, (r) => r.contestant === 'atrous reference');
    const ratio = (a?: BenchRow | null, b?: BenchRow | null): number => (a && b ? a.gflops / b.gflops : NaN);
    return {
      shape,
      defaultGflops: defaultRow?.gflops ?? NaN,
      defaultEfficiency: defaultRow?.efficiency ?? NaN,
      oneThreadEfficiency: oneThread?.efficiency ?? NaN,
      threadSpeedup: defaultRow !== oneThread ? ratio(defaultRow, oneThread) : NaN,
      bestPeer: best?.contestant ?? null,
      bestPeerGflops: best?.gflops ?? NaN,
      vsBestPeer: ratio(defaultRow, best),
      vsNative: ratio(defaultRow, native),
      backwardOverForward: ratio(defaultBackward, defaultRow),
      jsVsTfjsCpu: ratio(js, tfjsCpu),
      jsVsReference: ratio(js, reference),
    };
  });
  const mean = (pick: (s: BenchSummary['perShape'][number]) => number): number => {
    const values = perShape.map(pick).filter(Number.isFinite);
    return values.length ? geometricMean(values) : NaN;
  };
  return {
    perShape,
    geomean: {
      vsBestPeer: mean((s) => s.vsBestPeer),
      vsNative: mean((s) => s.vsNative),
      backwardOverForward: mean((s) => s.backwardOverForward),
      jsVsTfjsCpu: mean((s) => s.jsVsTfjsCpu),
    },
  };
}
