import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { main } from '../../src/cli/main.js';
import { coverageHeatmapFigure } from '../../src/viz/figures/coverage-heatmap.js';
import { svgToPdf } from '../../src/viz/pdf.js';
import { svgToPng } from '../../src/viz/raster.js';
import { styleFigure } from '../../src/viz/style.js';
import { parseSvg, pixelHex } from './helpers.js';

const figure = coverageHeatmapFigure({ multiplicity: [[1, 0, 1], [0, 4, 0], [1, 0, 1]], description: 'kernel 2×2, dilations 2' });
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('PDF output', () => {
  it('is one vector page the size of the figure, with its title, fonts embedded, the same bytes every time', async () => {
    const a = await svgToPdf(figure, { title: 'coverage test' });
    const b = await svgToPdf(figure, { title: 'coverage test' });
    assert.deepEqual(a, b);
    const text = latin1(a);
    assert.ok(text.startsWith('%PDF-'));
    assert.equal(text.match(/\/Type \/Page\b/g)?.length, 1);
    const { width, height } = parseSvg(figure);
    assert.match(text, new RegExp(`/MediaBox \\[0 0 ${width} ${height}\\]`));
    assert.match(text, /\(coverage test\)/);
    assert.match(text, /\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    assert.match(text, /\/ToUnicode/);
    // Every <text> of the figure is set as text (searchable, selectable), not drawn as outlines.
    const streams = [...text.matchAll(/stream\n([\s\S]*?)\nendstream/g)].map((m) => {
      try { return inflateSync(Buffer.from(m[1], 'latin1')).toString('latin1'); } catch { return ''; }
    });
    const shown = streams.join('\n').match(/\bT[Jj]\b/g)?.length ?? 0;
    assert.ok(shown >= (figure.match(/<text /g)?.length ?? 0), `${shown} text operators`);
    assert.doesNotMatch(text, /\/Subtype \/Image/);
  });

  it('is written by atrous plot --out file.pdf, styled by --width', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'atrous-pdf-'));
    const out = join(folder, 'rf.pdf');
    const code = await main(['plot', 'rf-growth', '--out', out, '--width', '360'], { out: () => {}, err: () => {} });
    assert.equal(code, 0);
    assert.match(latin1(readFileSync(out)), /\/MediaBox \[0 0 360 220\]/);
  });
});

describe('figure style', () => {
  it('--width rescales the output and keeps the proportions', () => {
    const styled = styleFigure(figure, { width: 1280 });
    const before = parseSvg(figure);
    const after = parseSvg(styled);
    assert.equal(after.width, 1280);
    assert.equal(after.height, Math.round((before.height * 1280) / before.width));
  });

  it('--font-size scales every label by the same factor', () => {
    const sizes = (svg: string) => [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    const base = sizes(figure);
    const larger = sizes(styleFigure(figure, { fontSize: 18 }));
    assert.equal(larger.length, base.length);
    larger.forEach((v, i) => assert.ok(Math.abs(v - base[i] * 1.5) < 0.01));
    assert.throws(() => styleFigure(figure, { fontSize: 100 }), /between 6 and 32/);
  });

  it('--theme dark paints a dark background and keeps the data colours', () => {
    const png = PNG.sync.read(Buffer.from(svgToPng(styleFigure(figure, { theme: 'dark' }))));
    assert.equal(pixelHex(png.data, png.width, 2, 2), '#161616');
    assert.match(styleFigure(figure, { theme: 'dark' }), /fill="#440154"/);
  });
});
