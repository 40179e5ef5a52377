import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIntList } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
  return { code, out, err };
}

const folder = mkdtempSync(join(tmpdir(), 'atrous-options-'));

describe('options that do not apply are refused, naming those that do', () => {
  const cases: [string[], RegExp][] = [
    [['animate', 'slide', '--dilations', '4'], /--dilations does not apply to animate slide; its options: --input --kernel --stride --padding --dilation --transposed/],
    [['animate', 'growth', '--dilation', '3'], /--dilation does not apply to animate growth; its options: --kernel --dilations/],
    [['animate', 'stack', '--transposed'], /--transposed does not apply to animate stack/],
    [['plot', 'cost', '--dilations', '1,2'], /--dilations does not apply to plot cost; its options: --channels --size/],
    [['plot', 'coverage', '--draws', '8'], /--draws does not apply to plot coverage; its options: --kernel --dilations --dims/],
    [['plot', 'kernel', '--out', 'x.svg'], /--out does not apply to plot kernel/],
    [['plot', 'coverage', '--width', '900'], /--width styles a file: give --out/],
    [['rf', '--design', '--count', '3', '--dims', '2'], /--dims does not apply to rf --design/],
    [['rf', '--dilations', '1,2', '--count', '3'], /--count does not apply to rf on a stack/],
  ];
  for (const [args, message] of cases) {
    it(`atrous ${args.join(' ')}`, async () => {
      const out = join(folder, 'never.gif');
      const { code, err } = await run([...args, ...(args[0] === 'animate' ? ['--out', out] : [])]);
      assert.equal(code, 2);
      assert.match(err, message);
    });
  }

  it('a slide with --dilation 3 differs from the default d=2 GIF', async () => {
    const out = join(folder, 'slide-d4.gif');
    assert.equal((await run(['animate', 'slide', '--dilation', '3', '--out', out])).code, 0);
    const defaults = join(folder, 'slide-default.gif');
    assert.equal((await run(['animate', 'slide', '--out', defaults])).code, 0);
    assert.notDeepEqual(readFileSync(out), readFileSync(defaults));
  });
});

describe('command line words', () => {
  it('--version prints the package version', async () => {
    const { code, out } = await run(['--version']);
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(code, 0);
    assert.equal(out.trim(), `atrous ${version}`);
  });

  it('names a missing value as such instead of taking the next option as it', async () => {
    const { code, err } = await run(['rf', '--kernel', '--dilations', '1,2']);
    assert.equal(code, 2);
    assert.equal(err.trim(), 'atrous rf: --kernel needs a value');
  });

  it('takes lists typed with spaces or a trailing comma', () => {
    assert.deepEqual(parseIntList('dilations', '1 2 4'), [1, 2, 4]);
    assert.deepEqual(parseIntList('dilations', '1, 2, 4,'), [1, 2, 4]);
    assert.throws(() => parseIntList('dilations', '1,2.5'), /whole numbers ≥ 1/);
  });

  it('prints no internal function name before a message', async () => {
    const notOnnx = join(folder, 'not.onnx');
    writeFileSync(notOnnx, 'hello, this is not a model');
    const onnx = await run(['analyze', notOnnx]);
    assert.equal(onnx.code, 1);
    assert.doesNotMatch(onnx.err, /loadOnnx:/);
    const layers = join(folder, 'bad.json');
    writeFileSync(layers, '{ not json');
    const rf = await run(['rf', '--layers', layers]);
    assert.equal(rf.code, 1);
    assert.doesNotMatch(rf.err, /atrous rf: rf:/);
    assert.match(rf.err, /^atrous rf: cannot read the layer list/);
  });

  for (const [command, values, switches] of [
    ['plot', ['kernel', 'dilations', 'dims', 'draws', 'layers', 'schedules', 'channels', 'size', 'out', 'scale', 'width', 'font-size', 'theme'], ['json']],
    ['animate', ['input', 'kernel', 'stride', 'padding', 'dilation', 'dilations', 'delay', 'out'], ['json', 'transposed']],
    ['rf', ['kernel', 'kernels', 'dilations', 'strides', 'paddings', 'dims', 'layers', 'count', 'max-dilation', 'target-rf', 'limit'], ['json', 'hdc', 'design', 'erf']],
    ['analyze', ['input-shape', 'output'], ['json']],
    ['run', ['input', 'output'], ['json']],
    ['serve', ['port', 'host'], ['json']],
    ['bench', ['shapes'], ['quick', 'json', 'atrous-only']],
  ] as const) {
    it(`atrous ${command} --help lists every option it accepts, with defaults, in plain words`, async () => {
      const { code, out } = await run([command, '--help']);
      assert.equal(code, 0);
      for (const name of [...values, ...switches]) assert.match(out, new RegExp(`--${name}\\b`), `--${name} missing from ${command} --help`);
      if (command !== 'bench' && command !== 'run') assert.match(out, /default/);
      assert.doesNotMatch(out, /\bseed (0|\d{3})|the seeds'/i);
    });
  }

  it('atrous rf --help explains every column of its table', async () => {
    const { out } = await run(['rf', '--help']);
    for (const column of ['k, s, d', 'rf', 'stride', 'padding', 'step', 'checker']) assert.match(out, new RegExp(`^  ${column.replace(/[,]/g, ',')}\\s`, 'm'));
  });

  it('rf and plot agree on the default number of dimensions', async () => {
    const rf = JSON.parse((await run(['rf', '--dilations', '2,2', '--json'])).out) as { multiplicity: number[] };
    const plot = JSON.parse((await run(['plot', 'coverage', '--dilations', '2,2', '--json'])).out) as { dims: number; multiplicity: number[][] };
    assert.equal(plot.dims, 1);
    assert.deepEqual(plot.multiplicity, [rf.multiplicity]);
  });
});

describe('atrous plot erf', () => {
  it('averages enough draws by default that a symmetric stack comes out symmetric, and says how close', async () => {
    const { code, out } = await run(['plot', 'erf', '--dilations', '1,2,4', '--dims', '2', '--json']);
    assert.equal(code, 0);
    const report = JSON.parse(out) as { draws: number; mirrorDifference: number };
    assert.equal(report.draws, 512);
    assert.ok(report.mirrorDifference < 0.15, `mirror difference ${report.mirrorDifference}`);
    const few = JSON.parse((await run(['plot', 'erf', '--dilations', '1,2,4', '--dims', '2', '--draws', '32', '--json'])).out) as { mirrorDifference: number };
    assert.ok(few.mirrorDifference > report.mirrorDifference);
  });
});

describe('plain words', () => {
  it('counts holes in words, never "hole(s)"', async () => {
    const none = await run(['rf', '--dilations', '1,2,5', '--hdc']);
    assert.match(none.out, /exact coverage has no holes/);
    const six = await run(['rf', '--dilations', '2,2,2', '--hdc']);
    assert.match(six.out, /exact coverage has 6 holes/);
    assert.doesNotMatch(none.out + six.out, /\(s\)/);
  });
});

describe('atrous rf on large fields', () => {
  it('wraps a 1024-offset row to the terminal and says why the counts are not listed', async () => {
    const { code, out } = await run(['rf', '--kernel', '2', '--dilations', '1,2,4,8,16,32,64,128,256,512']);
    assert.equal(code, 0);
    for (const line of out.split('\n').filter((l) => l.includes('█'))) assert.ok([...line].length <= 80, line);
    assert.match(out, /paths per offset: 1024 offsets, too many to list here \(--json lists them\)/);
    assert.doesNotMatch(out, /paths per offset:\s*$/m);
    assert.doesNotMatch(out, /hole\(s\)|by 1 to 1 paths/);
    assert.match(out, /each by exactly 1 path$/m);
  });
});
