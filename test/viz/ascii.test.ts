import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coverage } from '../../src/analysis/coverage.js';
import { convStack } from '../../src/analysis/graph.js';
import { coverageMap, coverageShade, COVERAGE_HOLE } from '../../src/viz/ascii/coverage-map.js';
import { kernelGrid, kernelGridPanel, KERNEL_GRID_LEGEND } from '../../src/viz/ascii/kernel-grid.js';
import { asciiRow } from '../../src/analysis/ascii-row.js';
import { formatRows } from '../../src/viz/ascii/labelled-rows.js';

const rowOf = (dilations: number[], kernel = 3) => asciiRow(coverage(convStack({ kernel, dilations })).multiplicity);

describe('seed 003 rows drawn from the analysis', () => {
  it('prints the seed\'s standard and dilated rows exactly', () => {
    const text = formatRows([
      { label: 'standard', row: rowOf([1, 1, 1, 1, 1]) },
      { label: 'dilated', row: rowOf([1, 2, 4, 8, 16]) },
    ], { width: 200 });
    assert.equal(text, `standard (11): ${'█'.repeat(11)}\ndilated (63): ${'█'.repeat(63)}`);
  });

  it('shows the gridding of [1, 4, 8] as ███.███.…', () => {
    assert.equal(rowOf([1, 4, 8]), '███.███.███.███.███.███.███');
  });

  it('wraps a long row so no line passes 80 columns and every cell is printed once', () => {
    const row = rowOf([1, 3, 9, 27, 81]);
    const lines = formatRows([{ label: 'base-3', row }]).split('\n');
    assert.ok(lines.length > 1);
    for (const line of lines) assert.ok([...line].length <= 80, line);
    const cells = lines.map((l) => l.slice(l.indexOf(' ', l.indexOf(')') === -1 ? l.indexOf(']') : l.indexOf(')')) + 1)).join('');
    assert.equal(cells, row);
  });
});

describe('seed 001 kernel grids', () => {
  it('reproduces the seed\'s panel for k=3, d=1,2,3 character for character', () => {
    const seed = [
      'Standard (d=1)      Dilated (d=2)       Dilated (d=3)',
      'K=3, K_eff=3        K=3, K_eff=5        K=3, K_eff=7',
      '',
      '[●][●][●]           [●][ ][●][ ][●]     [●][ ][ ][●][ ][ ][●]',
      '[●][●][●]           [ ][ ][ ][ ][ ]     [ ][ ][ ][ ][ ][ ][ ]',
      '[●][●][●]           [●][ ][●][ ][●]     [ ][ ][ ][ ][ ][ ][ ]',
      '                    [ ][ ][ ][ ][ ]     [●][ ][ ][●][ ][ ][●]',
      '                    [●][ ][●][ ][●]     [ ][ ][ ][ ][ ][ ][ ]',
      '                                        [ ][ ][ ][ ][ ][ ][ ]',
      '                                        [●][ ][ ][●][ ][ ][●]',
    ].join('\n');
    assert.equal(kernelGridPanel(3, [1, 2, 3]), seed);
    assert.equal(KERNEL_GRID_LEGEND, '[●] = kernel weight position\n[ ] = skipped (implicit zero)');
  });

  it('places k² taps d apart in a k_eff square for any k and d', () => {
    for (const [k, d] of [[1, 5], [2, 3], [4, 2], [5, 1]]) {
      const grid = kernelGrid(k, d);
      const span = d * (k - 1) + 1;
      assert.equal(grid.length, span);
      grid.forEach((line, i) => {
        const cells = line.match(/\[.\]/g)!;
        assert.equal(cells.length, span);
        cells.forEach((c, j) => assert.equal(c === '[●]', i % d === 0 && j % d === 0));
      });
    }
  });

  it('starts a new band instead of passing 80 columns', () => {
    for (const line of kernelGridPanel(3, [1, 2, 4, 8]).split('\n')) assert.ok([...line].length <= 80, line);
  });
});

describe('2-D coverage maps', () => {
  const map2d = (dilations: number[]) => {
    const c = coverage(convStack({ kernel: 3, dilations, rank: 2 }));
    return { c, rows: Array.from({ length: c.size[0] }, (_, i) => Array.from(c.map.subarray(i * c.size[1], (i + 1) * c.size[1]))) };
  };

  it('marks exactly the analysis\'s holes for dilations 2,2 (seed 001\'s gridding example)', () => {
    const { c, rows } = map2d([2, 2]);
    const lines = coverageMap(rows).split('\n');
    // Line 0 labels the centre column; then one line per row, after a 4-character row label ("  0 " or blanks).
    const body = lines.slice(1, 1 + c.size[0]);
    let holes = 0;
    body.forEach((line, i) => {
      const padded = line.slice(4).padEnd(2 * c.size[1]);
      for (let j = 0; j < c.size[1]; j++) {
        const isHole = padded[2 * j] === COVERAGE_HOLE;
        assert.equal(isHole, rows[i][j] === 0, `cell ${i},${j}`);
        if (isHole) holes++;
      }
    });
    assert.equal(holes, c.holes);
    assert.match(lines[lines.length - 1], new RegExp(`hole \\(${c.holes} of ${c.area}\\)`));
  });

  it('cuts a wide map into labelled bands that fit 80 columns', () => {
    const { rows } = map2d([1, 2, 4, 8, 16]);
    const text = coverageMap(rows);
    assert.match(text, /columns -31…5 of -31…31:/);
    for (const line of text.split('\n')) assert.ok([...line].length <= 80, line);
  });

  it('shades by four equal ranges whose legend agrees with the shading', () => {
    const max = 9;
    const shades = Array.from({ length: max }, (_, m) => coverageShade(m + 1, max));
    assert.deepEqual(shades, ['░', '░', '▒', '▒', '▓', '▓', '█', '█', '█']);
    assert.equal(coverageShade(0, max), '·');
    assert.match(coverageMap([[1, 0], [0, 9]]), /░ 1–2 {2}▒ 3–4 {2}▓ 5–6 {2}█ 7–9/);
  });
});
