import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { coverage } from '../../src/analysis/coverage.js';
import { convStack } from '../../src/analysis/graph.js';
import { receptiveField } from '../../src/analysis/receptive-field.js';
import { OptionError } from '../../src/errors.js';
import { costBarsFigure } from '../../src/viz/figures/cost-bars.js';
import { coverageHeatmapFigure } from '../../src/viz/figures/coverage-heatmap.js';
import { effectiveKernelFigure } from '../../src/viz/figures/effective-kernel.js';
import { erfHeatmapFigure } from '../../src/viz/figures/erf-heatmap.js';
import { receptiveFieldGrowthFigure } from '../../src/viz/figures/rf-growth.js';
import { HOLE_COLOUR, viridis } from '../../src/viz/palette.js';
import { svgToPng } from '../../src/viz/raster.js';
import { escapeXml, formatNumber } from '../../src/viz/svg.js';
import { elementsWithClass, parseSvg, pixelHex } from './helpers.js';

function coverage2d(dilations: number[], kernel = 3) {
  const c = coverage(convStack({ kernel, dilations, rank: 2 }));
  const rows = Array.from({ length: c.size[0] }, (_, i) => Array.from(c.map.subarray(i * c.size[1], (i + 1) * c.size[1])));
  return { c, rows };
}

describe('the SVG writer', () => {
  it('prints numbers with at most two decimals and never -0', () => {
    assert.equal(formatNumber(1 / 3), '0.33');
    assert.equal(formatNumber(-0.001), '0');
    assert.equal(formatNumber(12), '12');
  });

  it('escapes markup in labels', () => {
    assert.equal(escapeXml('a<b & "c"'), 'a&lt;b &amp; &quot;c&quot;');
    const svg = receptiveFieldGrowthFigure({ kernel: 3, series: [{ label: '<script>&', receptiveField: [3, 5] }] });
    assert.ok(svg.includes('&lt;script&gt;&amp;'));
    parseSvg(svg);
  });

  it('is deterministic: the same figure twice is byte-identical', () => {
    assert.equal(effectiveKernelFigure(), effectiveKernelFigure());
  });
});

describe('effective kernel figure (seed 000)', () => {
  it('plots d(k−1)+1 for every kernel size and dilation, with a title and axis labels', () => {
    const svg = effectiveKernelFigure({ kernelSizes: [3, 5], dilations: [1, 2, 3, 4] });
    parseSvg(svg);
    const points = elementsWithClass(svg, 'circle', 'point');
    assert.equal(points.length, 8);
    assert.deepEqual(points.slice(0, 4).map((p) => Number(p['data-y'])), [3, 5, 7, 9]);
    assert.deepEqual(points.slice(4).map((p) => Number(p['data-y'])), [5, 9, 13, 17]);
    assert.match(svg, /<title>Effective kernel size vs dilation<\/title>/);
    assert.match(svg, /dilation d<\/text>/);
  });
});

describe('receptive field growth figure', () => {
  it('draws the analysis\'s per-layer RF for each schedule, starting from 1 at layer 0', () => {
    const schedules = { standard: [1, 1, 1, 1, 1], doubling: [1, 2, 4, 8, 16], 'HDC 1,2,5': [1, 2, 5, 1, 2], 'base-3': [1, 3, 9, 27, 81] };
    const series = Object.entries(schedules).map(([label, dilations]) => ({
      label, receptiveField: receptiveField(convStack({ kernel: 3, dilations })).layers.slice(1).map((l) => l.rf[0] as number),
    }));
    const svg = receptiveFieldGrowthFigure({ kernel: 3, series });
    parseSvg(svg);
    const points = elementsWithClass(svg, 'circle', 'point');
    assert.equal(points.length, 4 * 6);
    assert.deepEqual(points.slice(6, 12).map((p) => Number(p['data-y'])), [1, 3, 7, 15, 31, 63]);
    assert.match(svg, /log scale/, 'base-3 reaches 243 vs 11: the y axis switches to log');
  });
});

describe('coverage heatmap', () => {
  it('puts hole cells exactly where the analysis has zero paths (dilations 2,2)', () => {
    const { c, rows } = coverage2d([2, 2]);
    const svg = coverageHeatmapFigure({ multiplicity: rows, description: 'kernel 3×3, dilations 2,2' });
    parseSvg(svg);
    const holes = elementsWithClass(svg, 'rect', 'hole').map((h) => `${h['data-row']},${h['data-col']}`).sort();
    const expected: string[] = [];
    rows.forEach((r, i) => r.forEach((m, j) => { if (m === 0) expected.push(`${i},${j}`); }));
    assert.equal(holes.length, c.holes);
    assert.deepEqual(holes, expected.sort());
    const covered = elementsWithClass(svg, 'rect', 'covered');
    assert.equal(covered.length, c.covered);
    for (const cell of covered) assert.equal(Number(cell['data-m']), rows[Number(cell['data-row'])][Number(cell['data-col'])]);
    assert.match(svg, /56 gridding holes, 25\/81 cells reached/);
  });

  it('has no hole cells for the doubling stack 1,2,4,8', () => {
    const { rows } = coverage2d([1, 2, 4, 8]);
    const svg = coverageHeatmapFigure({ multiplicity: rows, description: 'doubling' });
    assert.equal(elementsWithClass(svg, 'rect', 'hole').length, 0);
    assert.equal(elementsWithClass(svg, 'rect', 'covered').length, 31 * 31);
  });

  it('refuses a ragged map with a typed error', () => {
    assert.throws(() => coverageHeatmapFigure({ multiplicity: [[1, 2], [1]], description: 'x' }), OptionError);
  });
});

describe('PNG output', () => {
  it('rasterizes at the SVG size (times the scale) with holes and cells in their colours', () => {
    const { rows } = coverage2d([2, 2]);
    const svg = coverageHeatmapFigure({ multiplicity: rows, description: 'kernel 3×3, dilations 2,2' });
    const { width, height } = parseSvg(svg);
    const png = PNG.sync.read(Buffer.from(svgToPng(svg)));
    assert.equal(png.width, width);
    assert.equal(png.height, height);
    const data = new Uint8Array(png.data);
    assert.equal(pixelHex(data, png.width, 2, 2), '#ffffff');
    const hole = elementsWithClass(svg, 'rect', 'hole')[0];
    assert.equal(pixelHex(data, png.width, Math.round(Number(hole.x)) + 3, Math.round(Number(hole.y)) + 3), HOLE_COLOUR);
    const corner = elementsWithClass(svg, 'rect', 'covered').find((r) => r['data-row'] === '0' && r['data-col'] === '0')!;
    assert.equal(pixelHex(data, png.width, Math.round(Number(corner.x)) + 2, Math.round(Number(corner.y)) + 2), corner.fill);
    const doubled = PNG.sync.read(Buffer.from(svgToPng(svg, 2)));
    assert.equal(doubled.width, 2 * width);
  });

  it('says what to install when the DejaVu fonts are missing', () => {
    const saved = process.env.ATROUS_FONT_DIR;
    process.env.ATROUS_FONT_DIR = '/nonexistent-font-dir';
    try {
      assert.throws(() => svgToPng(effectiveKernelFigure()), (e: unknown) =>
        e instanceof OptionError && /dejavu-fonts-ttf/.test(e.message));
    } finally {
      if (saved === undefined) delete process.env.ATROUS_FONT_DIR; else process.env.ATROUS_FONT_DIR = saved;
    }
  });
});

describe('effective receptive field and cost figures', () => {
  it('colours each ERF cell by its normalized magnitude and outlines the mass boxes', () => {
    const gradient = [[0, 1, 0], [1, 4, 1], [0, 1, 0]];
    const svg = erfHeatmapFigure({ gradient, description: 'one layer', massBoxes: [{ mass: 0.5, extent: 1 }] });
    parseSvg(svg);
    const fills = [...svg.matchAll(/fill="(#[0-9a-f]{6})" data-value="([\d.]+)"/g)];
    assert.equal(fills.length, 9);
    for (const [, fill, value] of fills) assert.equal(fill, viridis(Number(value)));
    const [box] = elementsWithClass(svg, 'rect', 'mass-box');
    const centre = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"[^>]*data-value="1"/g)][0];
    assert.deepEqual([box.x, box.y, box.width], [centre[1], centre[2], centre[3]], 'the 50% box of this map is its centre cell');
  });

  it('draws one bar per design in each of the params and MACs panels with its exact value', () => {
    const items = [
      { label: '31×31 conv', params: 1968128, macs: 2015363072 },
      { label: '3×3 conv, d=15', params: 18432, macs: 18874368 },
    ];
    const svg = costBarsFigure({ items, description: '32 → 64 channels on 32×32' });
    parseSvg(svg);
    const bars = elementsWithClass(svg, 'rect', 'bar');
    assert.deepEqual(bars.map((b) => [b['data-panel'], Number(b['data-value'])]),
      [['params', 1968128], ['params', 18432], ['macs', 2015363072], ['macs', 18874368]]);
    assert.ok(svg.includes('1,968,128'));
  });
});

describe('determinism across figures', () => {
  it('renders the same coverage figure byte for byte twice, and the same PNG bytes', () => {
    const { rows } = coverage2d([1, 2, 5]);
    const a = coverageHeatmapFigure({ multiplicity: rows, description: 'HDC' });
    assert.equal(a, coverageHeatmapFigure({ multiplicity: rows, description: 'HDC' }));
    assert.deepEqual(svgToPng(a), svgToPng(a));
  });
});

describe('1-D maps as bars', () => {
  it('draws seed 003\'s [1, 4, 8] row with hole columns exactly at the analysis\'s zeros', () => {
    const c = coverage(convStack({ kernel: 3, dilations: [1, 4, 8] }));
    const svg = coverageHeatmapFigure({ multiplicity: [c.multiplicity], description: 'kernel 3, dilations 1,4,8' });
    parseSvg(svg);
    const holes = elementsWithClass(svg, 'rect', 'hole').map((h) => Number(h['data-col']));
    assert.deepEqual(holes, c.multiplicity.flatMap((m, i) => (m === 0 ? [i] : [])));
    const bars = elementsWithClass(svg, 'rect', 'covered');
    assert.deepEqual(bars.map((b) => Number(b['data-value'])), c.multiplicity.filter((m) => m > 0));
  });

  it('brackets the ERF mass spans under a 1-D profile', () => {
    const svg = erfHeatmapFigure({ gradient: [[1, 2, 4, 2, 1]], description: '1-D', massBoxes: [{ mass: 0.5, extent: 1 }, { mass: 0.9, extent: 5 }] });
    parseSvg(svg);
    assert.equal(elementsWithClass(svg, 'path', 'span').length, 2);
    assert.match(svg, /90% of the mass: 5</);
  });
});
