import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coverage } from '../../src/analysis/coverage.js';
import { convStack } from '../../src/analysis/graph.js';
import { griddingVerdict } from '../../src/analysis/gridding.js';
import { transposedOutputSize } from '../../src/geometry/index.js';
import { coverageMap } from '../../src/viz/ascii/coverage-map.js';
import { slidingKernelFrames } from '../../src/viz/animations/sliding-kernel.js';
import { costBarsFigure } from '../../src/viz/figures/cost-bars.js';
import { coverageHeatmapFigure, MAX_COVERAGE_SIDE } from '../../src/viz/figures/coverage-heatmap.js';
import { erfHeatmapFigure } from '../../src/viz/figures/erf-heatmap.js';
import { MAX_PROFILE_BARS } from '../../src/viz/figures/profile.js';
import { receptiveFieldGrowthFigure } from '../../src/viz/figures/rf-growth.js';
import { pathCountColour, pathCountKey } from '../../src/viz/palette.js';
import { elementsWithClass, parseSvg } from './helpers.js';

function grid(dilations: number[], kernel = 3, rank: 1 | 2 = 2): number[][] {
  const c = coverage(convStack({ kernel, dilations, rank }));
  if (rank === 1) return [Array.from(c.map)];
  return Array.from({ length: c.size[0] }, (_, i) => Array.from(c.map.subarray(i * c.size[1], (i + 1) * c.size[1])));
}

const doublingTo = (last: number) => Array.from({ length: Math.log2(last) + 1 }, (_, i) => 2 ** i);

describe('every field size is drawn, in honest bins', () => {
  it('draws WaveNet k=2, dilations 1…512 (field 1024) as a binned 1-D profile that says so', () => {
    const svg = coverageHeatmapFigure({ multiplicity: grid(doublingTo(512), 2, 1), description: 'WaveNet' });
    parseSvg(svg);
    const bars = elementsWithClass(svg, 'rect', 'covered');
    assert.ok(bars.length > 0 && bars.length <= MAX_PROFILE_BARS, `${bars.length} bars`);
    assert.match(svg, /1024 offsets drawn in bins of \d+ \(edge bins shorter\): solid up to the fewest paths in the bin, faded up to the most/);
    const covered = bars.reduce((n, b) => n + Number(b['data-end']) - Number(b['data-start']) + 1, 0);
    assert.equal(covered, 1024);
  });

  it('draws doubling to 128 in 2-D (511×511) in square bins no more than the side limit', () => {
    const svg = coverageHeatmapFigure({ multiplicity: grid(doublingTo(128)), description: 'doubling' });
    parseSvg(svg);
    const cells = elementsWithClass(svg, 'rect', 'covered');
    const side = Math.ceil(511 / 5);
    assert.equal(cells.length, side * side);
    assert.ok(side <= MAX_COVERAGE_SIDE);
    assert.match(svg, /each cell is a bin of 5×5 input offsets \(edge bins smaller\), coloured by the most paths in it/);
    assert.ok(svg.length < 3_000_000, `${svg.length} bytes`);
  });

  it('crosses every bin that holds a hole and leaves bins without holes plain', () => {
    // Every odd column is a hole: each bin of 3 columns holds at least one.
    const rows = Array.from({ length: 301 }, () => Array.from({ length: 301 }, (_, j) => (j % 2 === 0 ? 1 : 0)));
    const svg = coverageHeatmapFigure({ multiplicity: rows, description: 'synthetic' });
    const covered = elementsWithClass(svg, 'rect', 'covered');
    assert.equal(elementsWithClass(svg, 'path', 'partial-hole').length, covered.length);
    const solid = Array.from({ length: 301 }, () => Array(301).fill(2));
    assert.equal(elementsWithClass(coverageHeatmapFigure({ multiplicity: solid, description: 'solid' }), 'path', 'partial-hole').length, 0);
  });

  it('draws a 511×511 map on the terminal in square bins that fit 80 columns, marking bins with holes', () => {
    const map = coverageMap(grid(doublingTo(128)));
    const lines = map.split('\n');
    for (const line of lines.slice(0, -1)) assert.ok([...line].length <= 80, line);
    assert.ok(lines.length < 60, `${lines.length} lines`);
    assert.match(map, /each cell is a bin of \d+×\d+ offsets of the 511×511 field/);
    const gridded = coverageMap(grid([1, 4, 16, 64]));
    assert.match(gridded, /█×/);
    assert.match(gridded, /holes: 22680 of 29241/);
  });

  it('keeps small maps cell by cell', () => {
    const svg = coverageHeatmapFigure({ multiplicity: grid([2, 2]), description: 'kernel 3×3, dilations 2,2' });
    assert.equal(elementsWithClass(svg, 'rect', 'covered').length + elementsWithClass(svg, 'rect', 'hole').length, 81);
    assert.doesNotMatch(svg, /bin of/);
  });
});

describe('the gridding sentence and the chart use the same offsets', () => {
  it('1,4,8: the holes the text names are the columns the chart crosses out', () => {
    const graph = convStack({ kernel: 3, dilations: [1, 4, 8] });
    const message = griddingVerdict(graph).message;
    const named = /at offsets ([-\d, ]+) from the output's position/.exec(message);
    assert.ok(named, message);
    const textOffsets = named[1].split(', ').map(Number);
    const svg = coverageHeatmapFigure({ multiplicity: grid([1, 4, 8], 3, 1), description: '1,4,8' });
    const chartOffsets = elementsWithClass(svg, 'rect', 'hole').map((h) => Number(h['data-start']));
    assert.deepEqual(textOffsets, [-10, -6, -2, 2, 6, 10]);
    assert.deepEqual(chartOffsets, textOffsets);
    assert.match(message, /its own field of 11 has 2 holes \(at offsets -2, 2 from its centre\)/);
  });
});

describe('one colour scale for path counts', () => {
  it('a count of 1 has one colour in every coverage figure, whatever the map\'s largest count', () => {
    const fillOf = (svg: string, m: number) => new Set(elementsWithClass(svg, 'rect', 'covered').filter((c) => Number(c['data-m'] ?? c['data-value']) === m).map((c) => c.fill));
    for (const dilations of [[1, 3, 9], [2, 2], [1, 2, 4, 8]]) {
      for (const rank of [1, 2] as const) {
        const fills = fillOf(coverageHeatmapFigure({ multiplicity: grid(dilations, 3, rank), description: 'x' }), 1);
        if (fills.size > 0) assert.deepEqual([...fills], [pathCountColour(1)], `${dilations} ${rank}-D`);
      }
    }
  });

  it('labels its key with whole numbers only', () => {
    for (const [label] of pathCountKey(1, 1156)) assert.match(label, /^\d+(–\d+|\+)?$/);
    const svg = coverageHeatmapFigure({ multiplicity: grid([1, 2, 4, 8]), description: 'doubling' });
    const key = [...svg.matchAll(/>(\d[^<]*) paths?</g)].map((m) => m[1]);
    assert.ok(key.length >= 3);
    for (const label of key) assert.doesNotMatch(label, /\./);
  });
});

describe('figure polish', () => {
  it('draws the dashed output line under the bars, and its legend swatch as a dashed line', () => {
    const svg = coverageHeatmapFigure({ multiplicity: grid([1, 2, 4], 3, 1), description: 'x' });
    assert.ok(svg.indexOf('class="centre"') < svg.indexOf('class="covered"'));
    assert.match(svg, /<line [^>]*stroke-dasharray="4 3"[^>]*\/><text [^>]*>the output position</);
  });

  it('draws the hole swatch with its cross, and ERF mass boxes as dashed swatches', () => {
    const svg = coverageHeatmapFigure({ multiplicity: grid([2, 2]), description: 'x' });
    assert.equal(elementsWithClass(svg, 'path', 'legend-cross').length, 1);
    const erf = erfHeatmapFigure({ gradient: [[0, 1, 0], [1, 4, 1], [0, 1, 0]], description: 'x', massBoxes: [{ mass: 0.5, extent: 1 }] });
    assert.match(erf, /<rect [^>]*stroke-dasharray="3 2"[^>]*\/><text [^>]*>50% of the mass/);
  });

  it('places no value label on a point of another series (rf-growth)', () => {
    const series = [
      { label: 'standard', receptiveField: [3, 5, 7, 9, 11, 13] },
      { label: 'doubling', receptiveField: [3, 7, 15, 31, 63, 127] },
      { label: 'HDC', receptiveField: [3, 7, 17, 19, 23, 33] },
      { label: 'base-3', receptiveField: [3, 9, 27, 81, 243, 729] },
    ];
    const svg = receptiveFieldGrowthFigure({ kernel: 3, series });
    const points = elementsWithClass(svg, 'circle', 'point').map((p) => [Number(p.cx), Number(p.cy)]);
    const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" font-size="11" text-anchor="start" fill="[^"]+" class="value">(\d+)</g)];
    assert.ok(labels.length > 10);
    for (const [, lx, ly, value] of labels) {
      const box = { x0: Number(lx), y0: Number(ly) - 9, x1: Number(lx) + value.length * 6.6, y1: Number(ly) + 2 };
      for (const [px, py] of points) {
        const hit = px + 4 > box.x0 && px - 4 < box.x1 && py + 4 > box.y0 && py - 4 < box.y1;
        assert.ok(!hit, `label ${value} at (${lx}, ${ly}) covers the point at (${px}, ${py})`);
      }
    }
  });

  it('titles the cost figure by what it shows: designs with different fields', () => {
    const svg = costBarsFigure({ description: 'x', items: [{ label: 'a', params: 10, macs: 100, receptiveField: 'RF 31×31' }, { label: 'b', params: 5, macs: 50, receptiveField: 'RF 8×8' }] });
    assert.doesNotMatch(svg, /Cost of reaching a receptive field/);
    assert.match(svg, /with the receptive field each reaches/);
  });
});

describe('sliding-kernel animation fixes', () => {
  const xOf = (svg: string, className: string) => elementsWithClass(svg, 'rect', className).map((r) => Number(r.x));

  it('draws causal y[t] under x[t], not under the middle tap', () => {
    const frames = slidingKernelFrames({ inSize: [10], kernel: [3], dilation: 2, padding: 'causal' });
    frames.forEach((frame, t) => {
      const inputs = elementsWithClass(frame.svg, 'rect', 'input').concat(elementsWithClass(frame.svg, 'rect', 'tap'));
      const current = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill="#D55E00"/.exec(frame.svg);
      assert.ok(current);
      const lastTapX = Math.max(...elementsWithClass(frame.svg, 'rect', 'tap').map((r) => Number(r.x)));
      assert.equal(Number(current[1]), lastTapX, `frame ${t}`);
      assert.ok(inputs.length >= 10);
    });
  });

  it('lists padding in the key only when there is some', () => {
    assert.doesNotMatch(slidingKernelFrames({ inSize: [7, 7], kernel: [3, 3], dilation: 2 })[0].svg, /padding or inserted/);
    assert.match(slidingKernelFrames({ inSize: [7, 7], kernel: [3, 3], dilation: 2, padding: 1 })[0].svg, /padding or inserted/);
    assert.equal(xOf(slidingKernelFrames({ inSize: [7], kernel: [3] })[0].svg, 'padding').length, 0);
  });

  it('animates a transposed convolution: one frame per output, taps on inserted zeros marked', () => {
    for (const [n, k, s, p, d] of [[5, 3, 2, 0, 1], [4, 3, 2, 1, 1], [3, 2, 3, 0, 2]]) {
      const frames = slidingKernelFrames({ inSize: [n], kernel: [k], stride: s, padding: p, dilation: d, transposed: true });
      assert.equal(frames.length, transposedOutputSize(n, k, s, d, p, p, 0), `n=${n} k=${k} s=${s} p=${p} d=${d}`);
      assert.match(frames[0].svg, /Transposed convolution/);
    }
    const [first] = slidingKernelFrames({ inSize: [5], kernel: [3], stride: 2, transposed: true });
    // Output 0 reads two padding zeros and x[0].
    assert.match(first.svg, /y\[0\] = Σ w\[t\] · x\[0\]/);
    assert.equal(xOf(slidingKernelFrames({ inSize: [5], kernel: [3], stride: 2, transposed: true })[1].svg, 'input').length, 4);
  });
});
