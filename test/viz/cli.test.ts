import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { PNG } from 'pngjs';
import { main } from '../../src/cli/main.js';
import { elementsWithClass, parseSvg } from './helpers.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
  return { code, out, err };
}

const folder = mkdtempSync(join(tmpdir(), 'atrous-viz-'));

describe('atrous plot', () => {
  it('draws the coverage figure of dilations 1,2,4,8 with no other options', async () => {
    const out = join(folder, 'coverage.svg');
    const { code } = await run(['plot', 'coverage', '--dilations', '1,2,4,8', '--out', out]);
    assert.equal(code, 0);
    const svg = readFileSync(out, 'utf8');
    parseSvg(svg);
    assert.equal(elementsWithClass(svg, 'rect', 'covered').length, 31 * 31);
    assert.deepEqual(readdirSync(folder).filter((f) => f.endsWith('.partial')), []);
  });

  it('writes a PNG and reports the numbers it drew with --json', async () => {
    const out = join(folder, 'rf.png');
    const { code, out: text } = await run(['plot', 'rf-growth', '--layers', '5', '--out', out, '--json']);
    assert.equal(code, 0);
    const report = JSON.parse(text);
    assert.deepEqual(report.schedules.find((s: { label: string }) => s.label.startsWith('doubling')).rf, [3, 7, 15, 31, 63]);
    const png = PNG.sync.read(readFileSync(out));
    assert.equal(png.width, 720);
  });

  it('prints the ASCII map without --out and the seed row for --dims 1', async () => {
    assert.match((await run(['plot', 'coverage', '--dilations', '2,2'])).out, /hole \(56 of 81\)/);
    assert.match((await run(['plot', 'coverage', '--dilations', '1,4,8', '--dims', '1'])).out, /\(27\): ███\.███\.███\.███\.███\.███\.███/);
  });

  it('refuses an unknown figure or extension with exit code 2 and writes nothing', async () => {
    assert.equal((await run(['plot', 'nope'])).code, 2);
    const out = join(folder, 'coverage.jpg');
    assert.equal((await run(['plot', 'coverage', '--out', out])).code, 2);
    assert.equal(existsSync(out), false);
  });

  it('reports an unwritable --out in one line (exit 1) and leaves no file at all', async () => {
    const out = join(folder, 'missing', 'x.svg');
    const { code, err } = await run(['plot', 'coverage', '--out', out]);
    assert.equal(code, 1);
    assert.match(err, /atrous plot: cannot write .*missing\/x\.svg/);
    assert.equal(existsSync(join(folder, 'missing')), false);
  });
});

describe('atrous animate', () => {
  it('writes a GIF with one frame per output position', async () => {
    const out = join(folder, 'slide.gif');
    const { code, out: text } = await run(['animate', '--input', '7,7', '--kernel', '3', '--dilation', '2', '--padding', '1', '--out', out, '--json']);
    assert.equal(code, 0);
    assert.equal(JSON.parse(text).frames, 25);
    assert.equal(new GifReader(readFileSync(out)).numFrames(), 25);
  });

  it('animates the stack layer by layer and requires --out', async () => {
    const out = join(folder, 'stack.gif');
    assert.equal((await run(['animate', 'stack', '--dilations', '1,2,4', '--out', out])).code, 0);
    assert.equal(new GifReader(readFileSync(out)).numFrames(), 3);
    assert.equal((await run(['animate', 'growth'])).code, 2);
  });
});
