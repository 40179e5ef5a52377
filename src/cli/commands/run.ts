import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { FormatError } from '../../errors.js';
import { loadOnnxFile } from '../../onnx/load-file.js';
import { readNpy, writeNpy } from '../../tensor/npy.js';
import type { Tensor } from '../../tensor/tensor.js';
import { parseArgs } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';

const usage = `atrous run — run an ONNX model on .npy inputs with atrous's kernels

usage:
  atrous run model.onnx --input x.npy --output y.npy
  atrous run model.onnx --input "image=x.npy;mask=m.npy" --output "logits=y.npy"

options:
  --input FILES    .npy file for the model's input, or name=file pairs separated by ';'
  --output FILES   .npy file for the first output, or name=file pairs separated by ';'
  --json           print { inputs, outputs: [{ name, shape, file }], loadMs, runMs }`;

function pairs(text: string, names: string[], flag: string): [string, string][] {
  return text.split(';').filter((p) => p.trim() !== '').map((part) => {
    const [name, file] = part.includes('=') ? part.split('=', 2) : [names[0], part];
    if (!names.includes(name)) throw new UsageError(`--${flag} names ${JSON.stringify(name)}; the model has ${names.join(', ')}`);
    return [name, file];
  });
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
    const outputs = model.run(feeds);
    const finished = performance.now();
    const written = targets.map(([name, file]) => {
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, writeNpy(outputs[name]));
        renameSync(temporary, file);
      } catch (e) {
        rmSync(temporary, { force: true });
        throw new FormatError('run', 'output', `cannot write ${JSON.stringify(file)}: ${(e as Error).message}`);
      }
      return { name, shape: outputs[name].shape, file };
    });
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
