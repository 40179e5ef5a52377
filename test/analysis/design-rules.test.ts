import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkerboardFrequency } from '../../src/analysis/checkerboard.js';
import { coverage } from '../../src/analysis/coverage.js';
import { GraphBuilder, convStack } from '../../src/analysis/graph.js';
import { griddingVerdict } from '../../src/analysis/gridding.js';
import { hdcCheck } from '../../src/analysis/hdc.js';
import { designSchedules } from '../../src/analysis/schedule-design.js';
import { OptionError } from '../../src/errors.js';

describe('gridding verdict and its cause', () => {
  it('blames the gcd for [2, 2, 2]: every step is even', () => {
    const v = griddingVerdict(convStack({ kernel: 3, dilations: [2, 2, 2] }));
    assert.equal(v.gridding, true);
    assert.equal(v.holes, 6);
    assert.equal(v.dims[0].gcd, 2);
    assert.match(v.message, /multiple of 2/);
  });

  it('blames layer 2 of [1, 4, 8]: taps 4 apart over a field of 3, although the gcd is 1', () => {
    const v = griddingVerdict(convStack({ kernel: 3, dilations: [1, 4, 8] }));
    assert.equal(v.dims[0].gcd, 1);
    assert.deepEqual(v.dims[0].introducedBy.map((s) => [s.node, s.step, s.belowRf, s.positions]), [['conv2', 4, 3, [3, 7]]]);
    assert.deepEqual(v.holePositions, [[3], [7], [11], [15], [19], [23]]);
  });

  it('finds no gridding in the doubling stack and says how many paths reach each offset', () => {
    const v = griddingVerdict(convStack({ kernel: 3, dilations: [1, 2, 4, 8, 16] }));
    assert.equal(v.gridding, false);
    assert.match(v.message, /1 to 8 paths/);
  });

  it('counts the steps of a strided layer in input units (d × effective stride)', () => {
    const v = griddingVerdict(convStack({ kernel: 3, dilations: [1, 2, 2], strides: [2, 1, 1] }));
    assert.deepEqual(v.dims[0].steps.map((s) => s.step), [1, 4, 4]);
    assert.equal(v.dims[0].gcd, 1);
    assert.equal(v.gridding, true);
  });

  it('sees the gridding of an ASPP head without its 1×1 branch filling the gaps', () => {
    const b = new GraphBuilder({ rank: 2 });
    const arms = [6, 12, 18].map((d) => b.conv(b.input, { kernel: 3, dilation: d, padding: d }));
    b.merge([b.conv(b.input, { kernel: 1 }), ...arms], 'concat');
    const v = griddingVerdict(b.build());
    assert.equal(v.gridding, true);
    assert.equal(v.dims[1].gcd, 6);
    assert.equal(coverage(b.build()).covered, 1 + 3 * 8);
  });
});

describe('HDC (Wang et al. 2018) beside the exact coverage', () => {
  it('passes [2, 2, 2] although the exact coverage has holes, and says the rule is wrong there', () => {
    const r = hdcCheck(3, [2, 2, 2]);
    assert.deepEqual(r.M, [2, 2, 2]);
    assert.equal(r.passes, true);
    assert.equal(r.holes, 6);
    assert.equal(r.agrees, false);
    assert.match(r.message, /rule is wrong here/);
  });

  it('passes the paper\'s 1, 2, 5 and fails 1, 2, 9 (M_2 = 5 > 3), matching the coverage', () => {
    assert.deepEqual([hdcCheck(3, [1, 2, 5]).passes, hdcCheck(3, [1, 2, 5]).agrees], [true, true]);
    const bad = hdcCheck(3, [1, 2, 9]);
    assert.deepEqual(bad.M, [3, 5, 9]);
    assert.deepEqual([bad.passes, bad.agrees], [false, true]);
  });

  it('fails 1, 3, 2 (M_2 = 4 > 3), which has no holes: stricter than needed there, and order-sensitive', () => {
    const strict = hdcCheck(3, [1, 3, 2]);
    assert.deepEqual([strict.M, strict.passes, strict.holes, strict.agrees], [[2, 4, 2], false, 0, false]);
    assert.match(strict.message, /stricter than needed/);
    assert.equal(hdcCheck(3, [1, 2, 3]).passes, true);
  });

  it('refuses an empty schedule', () => {
    assert.throws(() => hdcCheck(3, []), OptionError);
  });
});

describe('schedule designer', () => {
  it('finds 1, 3, 9 first for three 3-tap layers: field 27, every offset exactly once', () => {
    const design = designSchedules({ kernel: 3, layers: 3 });
    assert.equal(design.complete, true);
    assert.deepEqual(design.schedules[0], { dilations: [1, 3, 9], rf: 27, minPaths: 1, maxPaths: 1, spread: 1 });
  });

  it('beats doubling (seed 003 claimed doubling is the only hole-free exponential schedule)', () => {
    const design = designSchedules({ kernel: 3, layers: 5, limit: Infinity });
    const top = design.schedules[0];
    assert.deepEqual(top.dilations, [1, 3, 9, 27, 81]);
    assert.equal(top.rf, 243);
    const doubling = design.schedules.find((s) => s.dilations.join() === '1,2,4,8,16');
    assert.ok(doubling && doubling.rf === 63 && doubling.rf < top.rf);
  });

  it('finds the base-k schedule for other kernels (k = 2: WaveNet\'s 1, 2, 4, 8)', () => {
    assert.deepEqual(designSchedules({ kernel: 2, layers: 4 }).schedules[0].dilations, [1, 2, 4, 8]);
    assert.deepEqual(designSchedules({ kernel: 5, layers: 3 }).schedules[0].dilations, [1, 5, 25]);
  });

  it('only returns hole-free schedules, each verified by the exact coverage', () => {
    for (const s of designSchedules({ kernel: 3, layers: 4, limit: 50 }).schedules) {
      const c = coverage(convStack({ kernel: 3, dilations: s.dilations }));
      assert.equal(c.holes, 0, s.dilations.join());
      assert.deepEqual([c.area, c.minCovered, c.max], [s.rf, s.minPaths, s.maxPaths]);
    }
  });

  it('ranks the same top 10 with pruning as the full, unpruned list', () => {
    const cases = [{ kernel: 3, layers: 4 }, { kernel: 2, layers: 5 }, { kernel: 3, layers: 4, maxDilation: 5 }, { kernel: 3, layers: 4, targetRf: 30 }, { kernel: 4, layers: 3 }];
    for (const c of cases) {
      const pruned = designSchedules({ ...c, limit: 10 }).schedules.map((s) => s.dilations.join());
      const full = designSchedules({ ...c, limit: Infinity }).schedules.slice(0, 10).map((s) => s.dilations.join());
      assert.deepEqual(pruned, full, JSON.stringify(c));
    }
  });

  it('finishes seven 3-tap layers exactly (1, 3, …, 729: field 2187) by pruning', () => {
    const design = designSchedules({ kernel: 3, layers: 7 });
    assert.equal(design.complete, true);
    assert.equal(design.schedules[0].rf, 2187);
  });

  it('respects a maximum dilation and a target field', () => {
    const capped = designSchedules({ kernel: 3, layers: 3, maxDilation: 4 });
    assert.ok(capped.schedules.every((s) => Math.max(...s.dilations) <= 4));
    assert.deepEqual(capped.schedules[0].dilations, [1, 3, 4]);
    const target = designSchedules({ kernel: 3, layers: 3, targetRf: 20 });
    assert.ok(target.schedules.every((s) => s.rf >= 20));
    assert.deepEqual(target.schedules[0].dilations, [1, 3, 9]);
  });
});

describe('checkerboard frequency gcd(s, d)/d (seed 002)', () => {
  it('is 1 without dilation and when the dilation divides the stride', () => {
    assert.equal(checkerboardFrequency(2, 1), 1);
    assert.equal(checkerboardFrequency(4, 2), 1);
  });

  it('falls to 1/d when stride and dilation are coprime', () => {
    assert.equal(checkerboardFrequency(2, 3), 1 / 3);
    assert.equal(checkerboardFrequency(2, 4), 0.5);
  });

  it('refuses a zero stride', () => {
    assert.throws(() => checkerboardFrequency(0, 2), OptionError);
  });
});
