import { readFileSync } from 'node:fs';
import { FormatError } from '../../errors.js';
import { loadOnnxFile } from '../../onnx/load-file.js';
import { readNpy, writeNpy } from '../../tensor/npy.js';
import type { Tensor } from '../../tensor/tensor.js';
import { parseArgs } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { checkDistinctPaths, writeFilesAtomically } from '../write-files.js';

const usage = `atrous run — run an ONNX model on .npy inputs with atrous's kernels

usage:
  atrous run model.onnx --input x.npy --output y.npy
  atrous run model.onnx --input "image=x.npy;mask=m.npy" --output "logits=y.npy"

options:
  --input FILES    .npy file for the model's input, or name=file pairs separated by ';'
  --output FILES   .npy file for the first output, or name=file pairs separated by ';'
  --json           print { inputs, outputs: [{ name, shape, file }], loadMs, runMs }`;

/** `name=file;name=file` (or one bare file for the first name), split at each part's first `=`: paths may contain `=`. */
function pairs(text: string, names: string[], flag: string): [string, string][] {
  const list = text.split(';').filter((p) => p.trim() !== '').map((part): [string, string] => {
    const at = part.indexOf('=');
    const [name, file] = at < 0 ? [names[0], part] : [part.slice(0, at), part.slice(at + 1)];
    if (!names.includes(name)) throw new UsageError(`--${flag} names ${JSON.stringify(name)}; the model has ${names.join(', ')}`);
    if (file === '') throw new UsageError(`--${flag} gives ${JSON.stringify(name)} no file`);
    return [name, file];
  });
  const twice = list.find(([name], i) => list.findIndex(([other]) => other === name) !== i);
  if (twice) throw new UsageError(`--${flag} names ${JSON.stringify(twice[0])} twice`);
  return list;
}

/** `atrous run model.onnx --input x.npy --output y.npy`: the executor from the command line. */
export const runCommand: Command = {
  name: 'run',
  summary: 'run an ONNX model on .npy inputs and write its outputs as .npy',
  usage,
  run(args: string[], io: CommandIO): number {
    const parsed = parseArgs(args, ['input', 'output'], ['json']);
    if (parsed.positional.length !== 1) throw new UsageError('give exactly one model file: atrous run model.onnx --input x.npy --output y.npy');
    const inputText = parsed.flags.get('input');
    const outputText = parsed.flags.get('output');
    if (!inputText || !outputText) throw new UsageError('--input and --output are required');
    const started = performance.now();
    const model = loadOnnxFile(parsed.positional[0]);
    const loaded = performance.now();
    const feeds: Record<string, Tensor> = {};
    for (const [name, file] of pairs(inputText, model.inputNames, 'input')) {
      let bytes: Uint8Array;
      try { bytes = readFileSync(file); } catch (e) { throw new FormatError('run', 'input', `cannot read ${JSON.stringify(file)}: ${(e as Error).message}`); }
      feeds[name] = readNpy(bytes);
    }
    const missing = model.inputNames.filter((n) => !(n in feeds));
    if (missing.length > 0) throw new UsageError(`no --input for ${missing.join(', ')}`);
    const targets = pairs(outputText, model.outputNames, 'output');
    checkDistinctPaths('run', 'output', targets.map(([, file]) => file));
    const outputs = model.run(feeds);
    const finished = performance.now();
    writeFilesAtomically('run', 'output', targets.map(([name, file]) => ({ path: file, bytes: writeNpy(outputs[name]) })));
    const written = targets.map(([name, file]) => ({ name, shape: outputs[name].shape, file }));
    const timing = { loadMs: Math.round(loaded - started), runMs: Math.round(finished - loaded) };
    if (parsed.switches.has('json')) {
      io.out(JSON.stringify({ inputs: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, t.shape])), outputs: written, ...timing }));
    } else {
      for (const w of written) io.out(`${w.name} ${w.shape.join('×')} → ${w.file}`);
      io.out(`loaded in ${timing.loadMs} ms, ran in ${timing.runMs} ms`);
    }
    return 0;
  },
};
