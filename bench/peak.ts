/**
 * The machine's f32x4 multiply-add peak on one core, measured by the probe in assembly/peak-probe.ts (built into
 * dist/bench/ next to this file). Kernel rows report their efficiency against it: useful GFLOP/s ÷ (peak ×
 * threads), the honest distance to what 128-bit WebAssembly SIMD can do here.
 */
import { readFileSync } from 'node:fs';

/** Peak GFLOP/s of one core (2 floating-point operations per lane of each multiply-add). */
export interface PeakProbe {
  /** Plain SIMD128: a multiply then an add. */
  plain: number;
  /** Relaxed SIMD (`f32x4.relaxed_madd`, fused where the CPU fuses), or null where this engine refuses it. */
  relaxed: number | null;
}

interface ProbeExports {
  tileMadd(iterations: number): number;
  chainMadd(iterations: number): number;
  TILE_MADDS_PER_ITERATION: WebAssembly.Global;
  CHAIN_MADDS_PER_ITERATION: WebAssembly.Global;
}

function loadProbe(build: 'simd' | 'relaxed-simd'): ProbeExports | null {
  const bytes = readFileSync(new URL(`./peak-probe-${build}.wasm`, import.meta.url));
  if (!WebAssembly.validate(bytes)) return null;
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as ProbeExports;
}

/**
 * Best GFLOP/s of either probe loop over `repeats` timed calls of about `callMs` each. The best, not the median:
 * a peak is an upper bound, and load on a shared machine only ever lowers a sample.
 */
function bestRate(probe: ProbeExports, repeats: number, callMs: number): number {
  let best = 0;
  for (const [run, perIteration] of [
    [probe.tileMadd, probe.TILE_MADDS_PER_ITERATION.value as number],
    [probe.chainMadd, probe.CHAIN_MADDS_PER_ITERATION.value as number],
  ] as const) {
    run(1000);
    let iterations = 1000;
    let ms = 0;
    while (ms < callMs / 4) {
      iterations *= 4;
      const start = performance.now();
      run(iterations);
      ms = performance.now() - start;
    }
    iterations = Math.max(1, Math.round(iterations * callMs / Math.max(ms, 1e-3)));
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      run(iterations);
      const elapsed = performance.now() - start;
      best = Math.max(best, (iterations * perIteration * 8) / elapsed / 1e6);
    }
  }
  return best;
}

/**
 * Measures the peak in this process. Relaxed SIMD is null where the engine does not validate it (Node 20
 * without `--experimental-wasm-relaxed-simd`; the isolated bench passes that flag to the probe's own process).
 *
 * @example measurePeak({ repeats: 5, callMs: 60 }).plain   // ≈ 31 GFLOP/s on the 2-core development machine
 */
export function measurePeak(options: { repeats: number; callMs: number }): PeakProbe {
  const plain = loadProbe('simd');
  if (!plain) throw new Error('the peak probe needs WebAssembly SIMD');
  const relaxed = loadProbe('relaxed-simd');
  return {
    plain: bestRate(plain, options.repeats, options.callMs),
    relaxed: relaxed ? bestRate(relaxed, options.repeats, options.callMs) : null,
  };
}
