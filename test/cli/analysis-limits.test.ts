/**
 * Issue 17, item 7: every CLI analysis is bounded. Each case from the issue runs as a user would hit it — a child
 * process limited to 4 GiB of data and 20 s — and must exit 1 with a one-line typed refusal naming the limit (or
 * succeed within it): never a stack, an abort, the OOM killer or a hang.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_ANALYSIS_WORK, MAX_ERF_CELLS, MAX_KERNEL_GRID_SPAN, MAX_LAYERS, MAX_MAP_CELLS } from '../../src/cli/analysis-limits.js';
import { hasStack, inBatches, runCli } from '../hardening/limited-child.js';

const folder = mkdtempSync(join(tmpdir(), 'atrous-limits-'));
const deepLayers = join(folder, 'deep.json');
writeFileSync(deepLayers, JSON.stringify({ rank: 1, layers: Array.from({ length: 100_000 }, () => ({ op: 'conv', kernel: 3, dilation: 1 })) }));

/** [label, argv, stderr pattern] — each must be refused with exit 1. */
const REFUSED: [string, string[], RegExp][] = [
  ['rf: a dilation past 2^53', ['rf', '--kernel', '3', '--dilations', '9007199254740993'], /must be a list of whole numbers ≥ 1 \(below 2\^53\)/],
  ['rf --dims 2 with dilations 100000,100000', ['rf', '--dims', '2', '--dilations', '100000,100000'], new RegExp(`more than the ${MAX_MAP_CELLS} the CLI maps`)],
  ['plot erf with dilations 1,100000', ['plot', 'erf', '--dilations', '1,100000'], new RegExp(`more than the ${MAX_ERF_CELLS} the CLI measures`)],
  ['rf --erf with a field of 262145', ['rf', '--kernel', '3', '--dilations', '131072', '--erf'], new RegExp(`more than the ${MAX_ERF_CELLS} the CLI measures`)],
  ['rf --dilations 100000000', ['rf', '--dilations', '100000000'], /the receptive field 200000001 has 200000001 offsets/],
  ['rf --layers with a 100k-deep JSON', ['rf', '--layers', deepLayers], new RegExp(`100000 layers are more than the ${MAX_LAYERS}`)],
  ['rf --kernel 1000000000', ['rf', '--kernel', '1000000000', '--dilations', '1'], /the receptive field 1000000000/],
  ['rf --dilations 1000000000', ['rf', '--dilations', '1000000000'], /the receptive field 2000000001/],
  ['rf --design --count 1000', ['rf', '--design', '--count', '1000'], /1000 layers of 3 taps can reach fields past/],
  ['plot erf --draws 1000000000', ['plot', 'erf', '--draws', '1000000000'], new RegExp(`more than the ${MAX_ANALYSIS_WORK} the CLI runs; use fewer --draws`)],
  ['plot rf-growth --layers 1000000', ['plot', 'rf-growth', '--layers', '1000000'], /1000000 layers are more than/],
  ['plot rf-growth --layers 30 (base-3 schedule past the map limit)', ['plot', 'rf-growth', '--layers', '30'], /offsets, more than the/],
  ['plot kernel --kernel 100000', ['plot', 'kernel', '--kernel', '100000'], new RegExp(`at most ${MAX_KERNEL_GRID_SPAN} per side`)],
];

describe('CLI analyses are bounded (child processes under 4 GiB, 20 s)', { timeout: 180_000 }, () => {
  it('each huge case of issue 17 is refused with exit 1 and a one-line typed message', async () => {
    const results = await inBatches(REFUSED.map(([, argv]) => () => runCli(argv)));
    REFUSED.forEach(([label, , pattern], i) => {
      const r = results[i];
      assert.ok(!r.timedOut, `${label}: still running after 20 s`);
      // A value that is no representable whole number is a malformed argument (usage, exit 2), not a refused input.
      const expectedCode = /must be a list of whole numbers/.test(pattern.source) ? 2 : 1;
      assert.equal(r.code, expectedCode, `${label}: exit ${r.code} (${r.stderr.slice(0, 300)})`);
      assert.ok(!hasStack(r.stderr), `${label}: printed a stack\n${r.stderr}`);
      assert.match(r.stderr, pattern, label);
    });
  });

  it('rf --design --count 12 finishes within the search budget and says it is not exhaustive', async () => {
    const r = await runCli(['rf', '--design', '--count', '12']);
    assert.ok(!r.timedOut);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /12 layers of 3 taps \(\d+ found, search budget exhausted: not exhaustive\)/);
  });

  it('analyses within the limits still succeed (exit 0)', async () => {
    const ok = [
      ['rf', '--kernel', '3', '--dilations', '1,2,4,8,16', '--json'],
      ['rf', '--dims', '2', '--dilations', '500,500', '--json'],
      ['plot', 'erf', '--json'],
      ['plot', 'kernel', '--kernel', '3', '--dilations', '1,2,3'],
    ];
    const results = await inBatches(ok.map((argv) => () => runCli(argv)));
    results.forEach((r, i) => assert.equal(r.code, 0, `${ok[i].join(' ')}: ${r.stderr}`));
  });

  it('usage mistakes exit 2, refused input 1', async () => {
    const [usage, refused] = await inBatches([() => runCli(['rf', '--dilatons', '1']), () => runCli(['rf', '--dilations', '1', '--kernel', '100000000'])]);
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /unknown option --dilatons/);
    assert.equal(refused.code, 1, refused.stderr);
  });
});
