/**
 * Issue 17, items 8 and 9: the CLI writes outputs through exclusive temporary files renamed into place, never
 * through a planted symlink; `atrous run` splits `name=path` at the first `=`, refuses duplicate outputs before
 * writing, and writes nothing unless every output succeeded.
 */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { writeFileAtomically, writeFilesAtomically } from '../../src/cli/write-files.js';
import { OptionError } from '../../src/errors.js';
import { ones } from '../../src/tensor/tensor.js';
import { readNpy, writeNpy } from '../../src/tensor/npy.js';
import { buildModel } from '../onnx/build-model.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
  return { code, out, err };
}

/** A folder with victim.txt and a two-output model: y = Relu(x), z = Relu(x). */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrous-files-'));
  writeFileSync(join(dir, 'victim.txt'), 'precious');
  writeFileSync(join(dir, 'm.onnx'), buildModel({
    inputs: [{ name: 'x', dims: [1, 1, 3] }], outputs: [{ name: 'y' }, { name: 'z' }],
    nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }, { op: 'Relu', inputs: ['x'], outputs: ['z'] }],
  }));
  writeFileSync(join(dir, 'x.npy'), writeNpy(ones([1, 1, 3])));
  return dir;
}

describe('temporary files cannot be redirected by a planted symlink', () => {
  it('plot --out: a symlink at the old predictable temporary name leaves its target untouched', async () => {
    const dir = workspace();
    const out = join(dir, 'fig.svg');
    symlinkSync(join(dir, 'victim.txt'), `${out}.${process.pid}.partial`);
    symlinkSync(join(dir, 'victim.txt'), `${out}.${process.pid}.tmp`);
    const r = await cli(['plot', 'coverage', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(join(dir, 'victim.txt'), 'utf8'), 'precious');
    assert.match(readFileSync(out, 'utf8'), /^<svg/);
  });

  it('a symlink planted at the destination is replaced, not written through', () => {
    const dir = workspace();
    symlinkSync(join(dir, 'victim.txt'), join(dir, 'fig.svg'));
    writeFileAtomically(join(dir, 'fig.svg'), '<svg/>');
    assert.equal(readFileSync(join(dir, 'victim.txt'), 'utf8'), 'precious');
    assert.ok(lstatSync(join(dir, 'fig.svg')).isFile());
  });

  it('leaves no temporary file behind, after success or failure', async () => {
    const dir = workspace();
    assert.equal((await cli(['plot', 'coverage', '--out', join(dir, 'a.svg')])).code, 0);
    assert.equal((await cli(['animate', 'growth', '--out', join(dir, 'b.gif')])).code, 0);
    assert.throws(() => writeFileAtomically(join(dir, 'missing-folder', 'c.svg'), 'x'), OptionError);
    mkdirSync(join(dir, 'd.svg'));
    assert.throws(() => writeFileAtomically(join(dir, 'd.svg'), 'x'), (e: unknown) => e instanceof OptionError && /cannot write/.test((e as Error).message));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('partial')), []);
  });
});

describe('atrous run output files', () => {
  it('splits name=path at the first "=": --output "y=x=y.npy" writes x=y.npy', async () => {
    const dir = workspace();
    const r = await cli(['run', join(dir, 'm.onnx'), '--input', join(dir, 'x.npy'), '--output', `y=${join(dir, 'x=y.npy')}`]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readNpy(readFileSync(join(dir, 'x=y.npy'))).shape, [1, 1, 3]);
    assert.ok(!readdirSync(dir).includes('x'));
  });

  it('refuses two outputs with the same path before writing anything', async () => {
    const dir = workspace();
    const r = await cli(['run', join(dir, 'm.onnx'), '--input', join(dir, 'x.npy'), '--output', `y=${join(dir, 'o.npy')};z=${join(dir, '.', 'o.npy')}`]);
    assert.equal(r.code, 1);
    assert.match(r.err, /name the same file; give each output its own path/);
    assert.ok(!readdirSync(dir).includes('o.npy'));
  });

  it('refuses naming one output twice', async () => {
    const dir = workspace();
    const r = await cli(['run', join(dir, 'm.onnx'), '--input', join(dir, 'x.npy'), '--output', `y=${join(dir, 'a.npy')};y=${join(dir, 'b.npy')}`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /names "y" twice/);
  });

  it('a failing second output leaves the first unwritten', async () => {
    const dir = workspace();
    const r = await cli(['run', join(dir, 'm.onnx'), '--input', join(dir, 'x.npy'), '--output', `y=${join(dir, 'first.npy')};z=${join(dir, 'no-such-folder', 'second.npy')}`]);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot write .*second\.npy/);
    assert.deepEqual(readdirSync(dir).sort(), ['m.onnx', 'victim.txt', 'x.npy']);
  });

  it('writeFilesAtomically renames all outputs only after all were written', () => {
    const dir = workspace();
    assert.throws(() => writeFilesAtomically('run', 'output', [{ path: join(dir, 'a.npy'), bytes: new Uint8Array(4) }, { path: join(dir, 'x', 'b.npy'), bytes: new Uint8Array(4) }]), OptionError);
    assert.ok(!readdirSync(dir).includes('a.npy'));
  });
});
