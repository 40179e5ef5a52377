import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['rf', ...args], { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
  return { code, out, err };
}

async function json(args: string[]): Promise<Record<string, unknown>> {
  const { code, out } = await run([...args, '--json']);
  assert.equal(code, 0);
  return JSON.parse(out) as Record<string, unknown>;
}

describe('atrous rf --json (DESIGN.md contract)', () => {
  it('prints the seeds\' doubling stack: rf 63, a solid row, no holes, no gridding', async () => {
    const r = await json(['--kernel', '3', '--dilations', '1,2,4,8,16']);
    assert.equal(r.rf, 63);
    assert.equal(r.ascii, '█'.repeat(63));
    assert.equal((r.multiplicity as number[]).length, 63);
    assert.equal(Math.max(...(r.multiplicity as number[])), 8);
    assert.equal(r.holes, 0);
    assert.equal(r.gridding, false);
  });

  it('prints seed 003\'s gridded row for 1,4,8 with its cause', async () => {
    const r = await json(['--kernel', '3', '--dilations', '1,4,8']);
    assert.equal(r.ascii, '███.███.███.███.███.███.███');
    assert.equal(r.holes, 6);
    assert.equal(r.gridding, true);
    assert.match(r.griddingCause as string, /conv2 places its taps 4 apart over a field of 3/);
  });

  it('gives the 2-D centre row, covered and area with --dims 2', async () => {
    const r = await json(['--kernel', '3', '--dilations', '2,2', '--dims', '2']);
    assert.deepEqual(r.rf, [9, 9]);
    assert.deepEqual(r.multiplicityCenterRow, [3, 0, 6, 0, 9, 0, 6, 0, 3]);
    assert.deepEqual([r.covered, r.area], [25, 81]);
  });

  it('takes per-layer kernels, strides and paddings and reports effective stride and padding', async () => {
    const r = await json(['--kernels', '3,3,3', '--dilations', '1,2,2', '--strides', '1,2,1', '--paddings', '1,2,2']);
    assert.deepEqual([r.rf, r.stride, r.padding], [15, 2, 7]);
    const layers = r.layers as { step: number[]; checkerboard: number[] | null }[];
    assert.deepEqual(layers.map((l) => l.step[0]), [1, 2, 4]);
    assert.deepEqual(layers[1].checkerboard, [1]);
  });

  it('adds the HDC verdict with --hdc', async () => {
    const r = await json(['--kernel', '3', '--dilations', '2,2,2', '--hdc']);
    const hdc = r.hdc as { passes: boolean; agrees: boolean };
    assert.deepEqual([hdc.passes, hdc.agrees, r.holes], [true, false, 6]);
  });

  it('adds the effective receptive field with --erf: mass boxes growing to the whole field', async () => {
    const r = await json(['--kernel', '3', '--dilations', '1,1,1,1,1,1', '--erf']);
    const erf = r.erf as { shares: { mass: number; share: number }[]; gaussian: { sigma: number[] } };
    assert.deepEqual(erf.shares.map((s) => s.mass), [0.2, 0.5, 0.9, 0.99]);
    assert.ok(erf.shares[1].share < 0.5 && erf.shares[3].share <= 1);
  });

  it('ranks schedules with --design, 1,3,9 first', async () => {
    const r = await json(['--design', '--kernel', '3', '--count', '3']);
    assert.deepEqual((r.schedules as { dilations: number[] }[])[0].dilations, [1, 3, 9]);
  });

  it('reads a JSON layer list with --layers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-rf-'));
    const file = join(dir, 'net.json');
    writeFileSync(file, JSON.stringify({ rank: 1, layers: [{ op: 'conv', kernel: 3 }, { op: 'maxPool', kernel: 2 }, { op: 'conv', kernel: 3 }] }));
    const r = await json(['--layers', file]);
    assert.deepEqual([r.rf, r.stride], [8, 2]);
  });
});

describe('atrous rf on graphs without a single coverage map', () => {
  it('reports a global head as global, with no row or holes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-rf-'));
    const file = join(dir, 'global.json');
    writeFileSync(file, JSON.stringify({ rank: 2, input: { channels: 3, size: [32, 32] }, layers: [{ op: 'conv', kernel: 3, padding: 1 }, { op: 'globalPool' }] }));
    const r = await json(['--layers', file]);
    assert.deepEqual([r.global, r.rf, r.ascii, r.holes], [true, [32, 32], null, null]);
  });

  it('counts output 0 after upsampling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-rf-'));
    const file = join(dir, 'up.json');
    writeFileSync(file, JSON.stringify({ rank: 1, layers: [{ op: 'conv', kernel: 3, stride: 2, padding: 1 }, { op: 'upsample', factor: 2 }, { op: 'conv', kernel: 3, padding: 1 }] }));
    const r = await json(['--layers', file]);
    assert.deepEqual([r.rf, r.multiplicity, r.gridding], [5, [1, 1, 3, 2, 2], false]);
  });
});

describe('atrous rf, readable output and mistakes', () => {
  it('prints a per-layer table, the coverage row and the verdict', async () => {
    const { code, out } = await run(['--kernel', '3', '--dilations', '1,2,4,8,16']);
    assert.equal(code, 0);
    assert.match(out, /conv5\s+conv\s+3\s+1\s+16\s+63/);
    assert.match(out, new RegExp(`^coverage \\(63\\): ${'█'.repeat(63)}$`, 'm'));
    assert.match(out, /no gridding/);
  });

  it('exits 2 with a usage message when the lists disagree in length', async () => {
    const { code, err } = await run(['--dilations', '1,2', '--strides', '1']);
    assert.equal(code, 2);
    assert.match(err, /--strides has 1 entries but --dilations has 2/);
  });

  it('exits 2 without --dilations', async () => {
    const { code, err } = await run(['--kernel', '3']);
    assert.equal(code, 2);
    assert.match(err, /--dilations/);
  });

  it('exits 1 naming the file when the layer list is not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-rf-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ nope');
    const { code, err } = await run(['--layers', file]);
    assert.equal(code, 1);
    assert.match(err, /bad\.json/);
  });
});
