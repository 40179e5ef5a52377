import { analyzeGraph } from '../../analysis/analyze.js';
import { summary, summaryFromReport, type ModelSummary } from '../../nn/summary.js';
import { onnxAnalysisGraph } from '../../onnx/analysis-graph.js';
import { loadOnnxFile } from '../../onnx/load-file.js';
import { parseArgs } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { parseInputShapes } from './analyze.js';
import { BUILDER_TYPES, loadModel } from '../model-config.js';

const usage = `atrous summary — the torchinfo-style table of a model: every layer's output shape, parameters and MACs,
with its receptive field, effective stride and effective padding

usage:
  atrous summary model.onnx [--input-shape 1,3,512,512] [--output NAME]
  atrous summary weights.safetensors --model-config model.json --input-shape 1,1,16000

options:
  --model-config FILE   the architecture as JSON, as atrous stream takes it: { "type": "TCN", ...options }, with
                        "type" one of ${BUILDER_TYPES.join(', ')} (a Sequential lists "layers");
                        the .safetensors state dict is loaded strictly, so the table describes exactly those weights
  --input-shape SHAPE   [N, C, ...spatial]; required with --model-config, for symbolic ONNX dims otherwise
  --output NAME         which ONNX graph output to summarise (default: the first)
  --json                { rows, totalParams, trainableParams, macs, output }`;

function parseShape(text: string | undefined): number[] {
  if (text === undefined) throw new UsageError('give the input shape: --input-shape N,C,...spatial (e.g. 1,1,16000)');
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length < 3 || values.some((v) => !Number.isInteger(v) || v < 1)) throw new UsageError(`--input-shape ${JSON.stringify(text)} must be N,C and 1 to 3 spatial sizes, positive integers`);
  return values;
}

function fromSafetensors(path: string, configPath: string, shape: number[]): ModelSummary {
  return summary(loadModel('summary', path, configPath), shape);
}

function fromOnnx(path: string, shapeText: string | undefined, output: string | undefined): ModelSummary {
  const model = loadOnnxFile(path);
  const shapes = parseInputShapes(shapeText, model);
  const { graph } = onnxAnalysisGraph(model, shapes, output);
  const report = analyzeGraph(graph);
  const batch = [...model.plan(shapes).inputShapes.values()][0]?.[0] ?? 1;
  return summaryFromReport(report, { batch, totalParams: report.params, trainableParams: report.params });
}

/** `atrous summary`: {@link summary} for a `.safetensors` state dict with its block config, or an ONNX file. */
export const summaryCommand: Command = {
  name: 'summary',
  summary: 'torchinfo-style table (output shape, params, MACs) with each layer\'s receptive field, stride and padding',
  usage,
  run(args: string[], io: CommandIO): number {
    const parsed = parseArgs(args, ['model-config', 'input-shape', 'output'], ['json']);
    if (parsed.positional.length !== 1) throw new UsageError('give exactly one model file: atrous summary model.onnx, or weights.safetensors --model-config m.json');
    const path = parsed.positional[0];
    const config = parsed.flags.get('model-config');
    const result = path.endsWith('.onnx')
      ? fromOnnx(path, parsed.flags.get('input-shape'), parsed.flags.get('output'))
      : config !== undefined ? fromSafetensors(path, config, parseShape(parsed.flags.get('input-shape')))
        : (() => { throw new UsageError('a .safetensors file holds only weights: add --model-config model.json naming the block and its options'); })();
    if (parsed.switches.has('json')) {
      const { text: _text, ...data } = result;
      io.out(JSON.stringify(data));
    } else io.out(result.text);
    return 0;
  },
};
