/**
 * Issue 17, item 7: a seeded extreme-magnitude fuzz over the public ops and CLI commands. Every numeric option and
 * dimension is drawn from 0, 1, 2^k up to 2^62, fractions, negatives, NaN, ±Infinity and empty dimensions; cases run
 * in batches in child processes limited to 4 GiB (see limited-child.ts), and each must answer — equal to the
 * reference backend where it is recomputed — or refuse with a typed error: no raw exception, crash, abort or hang.
 *
 * `npm test` runs ATROUS_FUZZ_CASES (default 360) cases; `ATROUS_FUZZ_CASES=5000 ATROUS_FUZZ_SEED=7 npm test` runs more.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Random } from '../../src/tensor/random.js';
import type { FuzzCase, FuzzOutcome } from './fuzz-worker.js';
import { REPO, encodeCases, inBatches, runLimited } from './limited-child.js';

const SEED = Number(process.env.ATROUS_FUZZ_SEED ?? 17);
const CASES = Number(process.env.ATROUS_FUZZ_CASES ?? 360);
const PER_CHILD = 60;
/** Relative tolerance against the reference backend (float32 sums in another order). */
const TOLERANCE = 1e-3;
const WORKER = join(REPO, 'dist', 'test', 'hardening', 'fuzz-worker.js');
const FIXTURE = join(REPO, 'fixtures', 'onnx', 'wavenet.onnx');

const random = new Random(SEED);
const pick = <T>(list: readonly T[]): T => list[random.int(list.length)];
const chance = (p: number): boolean => random.uniform() < p;

/** The extreme magnitudes: 0, 1, 2^k (k ≤ 62), fractions, negatives, NaN and the infinities. */
function extreme(): number {
  const roll = random.uniform();
  if (roll < 0.3) return pick([0, 1, 2, 3]);
  if (roll < 0.7) return 2 ** random.int(63);
  if (roll < 0.8) return pick([0.5, 1.5, 2 ** 30 + 0.5]);
  if (roll < 0.9) return pick([-1, -2, -(2 ** 31), -(2 ** 62)]);
  return pick([NaN, Infinity, -Infinity]);
}

/** A small everyday size, so that most shapes are real and the options decide. */
const small = (): number => 1 + random.int(4);

/** A shape: mostly small sizes with one extreme entry, sometimes empty (no dims, or a zero). */
function shape(rank: number): number[] {
  if (chance(0.05)) return [];
  const dims = Array.from({ length: rank }, small);
  if (chance(0.6)) dims[random.int(rank)] = extreme();
  if (chance(0.1)) dims[0] = 0;
  return dims;
}

/** An option value: absent, an extreme number, or one per spatial dimension. */
function option(rank: number): unknown {
  if (chance(0.3)) return undefined;
  return chance(0.7) ? extreme() : Array.from({ length: rank }, () => (chance(0.5) ? extreme() : small()));
}

function convCase(kind: 'conv' | 'convTranspose' | 'convBackward'): FuzzCase {
  const rank = 1 + random.int(chance(0.8) ? 2 : 3);
  const cin = small(), cout = small();
  const x = [small(), cin, ...Array.from({ length: rank }, () => 4 + random.int(12))];
  const w = kind === 'convTranspose' ? [cin, cout, ...Array.from({ length: rank }, small)] : [cout, cin, ...Array.from({ length: rank }, small)];
  if (chance(0.3)) x[random.int(x.length)] = extreme();
  if (chance(0.2)) w[2 + random.int(rank)] = extreme();
  if (chance(0.1)) x[0] = 0;
  const options: Record<string, unknown> = {};
  for (const key of ['stride', 'dilation', 'padding']) {
    const v = option(rank);
    if (v !== undefined) options[key] = v;
  }
  if (kind !== 'convTranspose' && chance(0.3)) options.padding = pick(['same', 'valid', 'causal']);
  if (kind !== 'convTranspose' && chance(0.2)) options.paddingMode = pick(['reflect', 'replicate', 'circular']);
  if (kind === 'convTranspose' && chance(0.3)) options.outputPadding = option(rank);
  if (chance(0.1)) options.groups = extreme();
  return { kind, x, w, options };
}

function opCase(): FuzzCase {
  const kind = pick(['conv', 'conv', 'conv', 'convTranspose', 'convBackward', 'pad', 'pad', 'maxPool', 'avgPool', 'zeros', 'randn', 'full', 'arange', 'tensor'] as const);
  switch (kind) {
    case 'conv': case 'convTranspose': case 'convBackward': return convCase(kind);
    case 'pad': {
      const x = shape(3);
      const padding = chance(0.3) ? extreme() : [[chance(0.5) ? extreme() : small(), chance(0.5) ? extreme() : small()]];
      return { kind, x, padding, options: { mode: pick(['zeros', 'reflect', 'replicate', 'circular']), ...(chance(0.2) ? { value: pick([extreme(), 'x', null]) } : {}) } };
    }
    case 'maxPool': case 'avgPool': return { kind, x: [1, small(), 8 + random.int(8), 8 + random.int(8)], options: { kernel: chance(0.5) ? extreme() : small(), stride: option(2), dilation: option(2), padding: option(2) } };
    case 'zeros': case 'randn': return { kind, shape: shape(1 + random.int(4)) };
    case 'full': return { kind, shape: shape(1 + random.int(3)), value: extreme() };
    case 'arange': return { kind, args: Array.from({ length: 1 + random.int(3) }, extreme) };
    case 'tensor': return { kind, data: chance(0.5) ? Array.from({ length: small() }, extreme) : pick([null, 'x', [NaN]]), shape: shape(1 + random.int(2)) };
  }
}

/** A CLI number as a user would type it: 2^62 in full, a fraction, NaN, an empty value. */
const typed = (): string => (chance(0.05) ? '' : String(extreme()));
const list = (): string => Array.from({ length: 1 + random.int(4) }, () => (chance(0.6) ? typed() : String(small()))).join(',');

function cliCase(out: string): FuzzCase {
  switch (pick(['rf', 'rf', 'design', 'plot', 'plot', 'animate', 'analyze'] as const)) {
    case 'rf': {
      const argv = ['rf', '--kernel', chance(0.5) ? typed() : String(small() + 1), '--dilations', list()];
      if (chance(0.4)) argv.push('--dims', typed());
      if (chance(0.3)) argv.push(pick(['--erf', '--hdc', '--json']));
      return { kind: 'cli', argv };
    }
    case 'design': return { kind: 'cli', argv: ['rf', '--design', '--count', typed(), ...(chance(0.5) ? ['--max-dilation', typed()] : []), ...(chance(0.3) ? ['--limit', typed()] : [])] };
    case 'plot': {
      const figure = pick(['effective-kernel', 'kernel', 'rf-growth', 'coverage', 'erf', 'cost']);
      const argv = ['plot', figure, '--json'];
      for (const flag of ['kernel', 'dilations', 'dims', 'draws', 'layers', 'channels', 'size']) if (chance(0.3)) argv.push(`--${flag}`, flag === 'dilations' || flag === 'channels' ? list() : typed());
      return { kind: 'cli', argv };
    }
    case 'animate': {
      const argv = ['animate', pick(['slide', 'growth', 'stack']), '--out', out];
      for (const flag of ['input', 'kernel', 'stride', 'dilation', 'dilations', 'delay']) if (chance(0.3)) argv.push(`--${flag}`, flag === 'input' || flag === 'dilations' ? list() : typed());
      return { kind: 'cli', argv };
    }
    case 'analyze': return { kind: 'cli', argv: ['analyze', FIXTURE, '--input-shape', `${typed()},1,${typed()}`, '--json'] };
  }
}

test(`extreme-magnitude fuzz: ${CASES} seeded cases (seed ${SEED}) in 4 GiB child processes`, { timeout: 600_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'atrous-fuzz-'));
  const cases = Array.from({ length: CASES }, (_, i) => ({ i, case: i % 6 === 5 ? cliCase(join(folder, `a${i}.gif`)) : opCase() }));
  const batches: { i: number; case: FuzzCase }[][] = [];
  for (let start = 0; start < cases.length; start += PER_CHILD) batches.push(cases.slice(start, start + PER_CHILD));
  const runs = await inBatches(batches.map((batch, b) => () => {
    const file = join(folder, `batch${b}.json`);
    writeFileSync(file, encodeCases(batch));
    return runLimited([WORKER, file], { timeoutMs: 120_000 });
  }));
  const failures: string[] = [];
  const tally = { value: 0, refused: 0, compared: 0 };
  runs.forEach((run, b) => {
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as FuzzOutcome & { start?: number });
    const finished = new Set(lines.filter((l) => l.start === undefined).map((l) => l.i));
    const unfinished = batches[b].filter(({ i }) => !finished.has(i));
    if (run.code !== 0 || run.timedOut || unfinished.length > 0) {
      const culprit = unfinished[0];
      failures.push(`batch ${b}: exit ${run.code}${run.timedOut ? ' (timed out)' : ''} during case ${culprit?.i} ${encodeCases(culprit?.case)}\n${run.stderr.slice(-1500)}`);
    }
    for (const outcome of lines) {
      if (outcome.start !== undefined) continue;
      const c = encodeCases(cases[outcome.i].case);
      if (outcome.outcome === 'raw') failures.push(`case ${outcome.i} ${c}: raw exception ${outcome.detail}`);
      else tally[outcome.outcome]++;
      if (outcome.compared) {
        tally.compared++;
        if (!(outcome.error! <= TOLERANCE)) failures.push(`case ${outcome.i} ${c}: differs from the reference backend by ${outcome.error} (${outcome.detail})`);
      }
    }
  });
  console.log(`fuzz seed ${SEED}: ${tally.value} answered (${tally.compared} compared with the reference backend), ${tally.refused} refused`);
  assert.deepEqual(failures, []);
  assert.ok(tally.value > 0 && tally.refused > 0 && tally.compared > 0, JSON.stringify(tally));
});
