import type { BenchRow } from './harness.js';
import type { BenchSummary } from './summary.js';

const fixed = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const percent = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : '–');

/** The benchmark as text: one block per layer, then the ratios of the summary. */
export function formatReport(rows: BenchRow[], summary: BenchSummary, header: string[]): string {
  const lines = [...header, ''];
  const shapes = [...new Set(rows.map((r) => r.shape))];
  const nameWidth = Math.max(...rows.map((r) => r.contestant.length), 10);
  for (const shape of shapes) {
    const group = rows.filter((r) => r.shape === shape);
    lines.push(`${shape}: ${group[0].layer}`);
    lines.push(`  ${'contestant'.padEnd(nameWidth)}  ${'GFLOP/s'.padStart(8)}  ${'IQR'.padStart(13)}  ${'min–max'.padStart(13)}  ${'ms'.padStart(9)}  ${'useful'.padStart(7)}  ${'eff.'.padStart(5)}  n`);
    for (const r of group) {
      if (r.unsupported || r.samplesMs.length === 0) {
        const failed = r.unsupported?.startsWith('fails');
        lines.push(`  ${r.contestant.padEnd(nameWidth)}  ${(failed ? 'fails' : 'unsupported').padStart(8)}  (${failed ? r.unsupported!.slice('fails: '.length) : r.unsupported ?? 'no samples'})`);
        continue;
      }
      lines.push(`  ${r.contestant.padEnd(nameWidth)}  ${fixed(r.gflops).padStart(8)}  ${`${fixed(r.q1)}–${fixed(r.q3)}`.padStart(13)}  ${`${fixed(r.min)}–${fixed(r.max)}`.padStart(13)}  ${fixed(r.medianMs, 2).padStart(9)}  ${fixed(r.usefulGflops).padStart(7)}  ${percent(r.efficiency).padStart(5)}  ${r.samplesMs.length}`);
    }
    lines.push('');
  }
  lines.push('ratios (default = atrous\'s default backend and thread count; GFLOP/s are nominal, backward counts 2× forward; eff. of the default row and of one thread, ÷×1 = default ÷ one thread)');
  lines.push(`  ${'layer'.padEnd(10)}  ${'default'.padStart(8)}  ${'eff.'.padStart(5)}  ${'eff.×1'.padStart(6)}  ${'÷×1'.padStart(6)}  ${'best web peer'.padStart(22)}  ${'÷peer'.padStart(7)}  ${'÷native'.padStart(7)}  ${'bwd÷fwd'.padStart(7)}  ${'js÷tfjs-cpu'.padStart(11)}  ${'js÷ref'.padStart(7)}`);
  for (const s of summary.perShape) {
    const peer = s.bestPeer ? `${s.bestPeer} ${fixed(s.bestPeerGflops)}` : '–';
    lines.push(`  ${s.shape.padEnd(10)}  ${fixed(s.defaultGflops).padStart(8)}  ${percent(s.defaultEfficiency).padStart(5)}  ${percent(s.oneThreadEfficiency).padStart(6)}  ${times(s.threadSpeedup).padStart(6)}  ${peer.padStart(22)}  ${times(s.vsBestPeer).padStart(7)}  ${times(s.vsNative).padStart(7)}  ${times(s.backwardOverForward).padStart(7)}  ${times(s.jsVsTfjsCpu).padStart(11)}  ${times(s.jsVsReference).padStart(7)}`);
  }
  const g = summary.geomean;
  lines.push(`  ${'geomean'.padEnd(10)}  ${''.padStart(8)}  ${''.padStart(5)}  ${''.padStart(6)}  ${''.padStart(6)}  ${''.padStart(22)}  ${times(g.vsBestPeer).padStart(7)}  ${times(g.vsNative).padStart(7)}  ${times(g.backwardOverForward).padStart(7)}  ${times(g.jsVsTfjsCpu).padStart(11)}`);
  return lines.join('\n');
}
