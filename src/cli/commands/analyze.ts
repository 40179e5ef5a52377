import { basename } from 'node:path';
import { analyzeGraph, type AnalysisReport } from '../../analysis/analyze.js';
import { loadOnnxFile } from '../../onnx/load-file.js';
import { onnxAnalysisGraph } from '../../onnx/analysis-graph.js';
import type { OnnxModel } from '../../onnx/model.js';
import { parseArgs } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';

/** Exit code of `atrous analyze` when the result is partial (the field printed is not the model's). */
export const PARTIAL_EXIT_CODE = 3;

const usage = `atrous analyze — receptive field, per-layer geometry and cost of an ONNX model

usage:
  atrous analyze model.onnx                                  input shape as declared in the model
  atrous analyze model.onnx --input-shape 1,3,512,512        for symbolic dims (batch, height, width)
  atrous analyze model.onnx --input-shape image=1,3,512,512  naming the input (several: a=...;b=...)
  atrous analyze model.onnx --output logits --json

options:
  --input-shape SHAPE   concrete shape of the input(s); needed when the model declares symbolic dims
  --output NAME         which graph output to analyse (default: the first)
  --json                one JSON object: { output, layers, coverage, warnings, params, macs, notes, model }

exit status:
  0  the analysis reached the output: its receptive field is the model's
  ${PARTIAL_EXIT_CODE}  partial: a node the analysis cannot express lies on the way to the output; the field up to the
     node before it is printed as a lower bound (--json: output.partial true, output.stoppedAt the node)
  1  the model or the shapes were refused (a typed error); 2  a usage mistake`;

/** Parses `1,3,224,224` or `name=1,3,224,224;other=...` against the model's inputs. */
export function parseInputShapes(text: string | undefined, model: OnnxModel): Record<string, number[]> {
  if (text === undefined) return {};
  const shapes: Record<string, number[]> = {};
  for (const part of text.split(';').filter((p) => p.trim() !== '')) {
    const [name, dims] = part.includes('=') ? part.split('=', 2) : [model.inputNames[0], part];
    if (!model.inputNames.includes(name)) throw new UsageError(`--input-shape names ${JSON.stringify(name)}, but the model's inputs are ${model.inputNames.join(', ')}`);
    const values = dims.split(',').map((s) => Number(s.trim()));
    if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new UsageError(`--input-shape ${JSON.stringify(part)} must be positive integers separated by commas, e.g. 1,3,224,224`);
    }
    shapes[name] = values;
  }
  return shapes;
}

/** `atrous analyze model.onnx`: the analysis of DESIGN.md run on an imported ONNX graph. */
export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'receptive field, per-layer table (shape, RF, stride, padding, params, MACs) and warnings of an ONNX model',
  usage,
  run(args: string[], io: CommandIO): number {
    const parsed = parseArgs(args, ['input-shape', 'output'], ['json']);
    if (parsed.positional.length !== 1) throw new UsageError('give exactly one model file: atrous analyze model.onnx');
    const path = parsed.positional[0];
    const model = loadOnnxFile(path);
    const shapes = parseInputShapes(parsed.flags.get('input-shape'), model);
    const { graph, notes, opTypes, partial, params } = onnxAnalysisGraph(model, shapes, parsed.flags.get('output'));
    const analysed = analyzeGraph(graph);
    // Layers are ONNX nodes here, so they carry ONNX op types (Conv, MaxPool, Relu...), as DESIGN.md shows. The
    // parameter total is the model's weights (norms and embeddings included), not only the layers the IR costs.
    const report: OnnxReport = {
      ...analysed,
      output: { ...analysed.output, partial: partial !== null, ...(partial ? { stoppedAt: partial } : {}) },
      layers: analysed.layers.map((l) => ({ ...l, op: opTypes.get(l.name) ?? l.op })),
      params,
    };
    const plan = model.plan(shapes);
    const summary = {
      file: basename(path), producer: model.graph.producer, opset: model.graph.opset,
      inputShape: Object.fromEntries(plan.inputShapes), nodes: model.graph.nodes.length, foldedAtLoad: plan.folded,
      analysedOutput: graph.output,
    };
    const status = partial ? PARTIAL_EXIT_CODE : 0;
    if (parsed.switches.has('json')) {
      io.out(JSON.stringify({ ...report, notes, model: summary }));
      return status;
    }
    io.out(describe(report, notes, summary));
    return status;
  },
};

/** The report of an ONNX model: partial when the output lies behind a node the IR cannot express. */
type OnnxReport = Omit<AnalysisReport, 'output'> & {
  output: AnalysisReport['output'] & { partial: boolean; stoppedAt?: { node: string; opType: string; reason: string } };
};

function describe(report: OnnxReport, notes: string[], summary: { file: string; producer: string; opset: number; inputShape: Record<string, number[]>; nodes: number; foldedAtLoad: number; analysedOutput: string }): string {
  const dims = (values: readonly (number | null)[] | null): string => (values ? values.map((v) => (v === null ? '?' : formatNumber(v))).join('×') : '?');
  const header = ['layer', 'op', 'output', 'RF', 'stride', 'padding', 'params', 'MACs'];
  const rows = report.layers.map((l) => [l.name, l.op, dims(l.outputShape), dims(l.rf), dims(l.stride), dims(l.padding), count(l.params), count(l.macs)]);
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? fit(c, widths[i]).padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = report.output;
  const field = (o: AnalysisReport['output']): string => (o.global
    ? `global (every output reads the whole ${dims(o.rf)} input)`
    : `${dims(o.rf)}, effective stride ${dims(o.stride)}, effective padding ${dims(o.padding)}`);
  const lines = [
    `${summary.file}: ${summary.producer || 'unknown producer'}, opset ${summary.opset}, ${summary.nodes} nodes (${summary.foldedAtLoad} folded at load), input ${Object.entries(summary.inputShape).map(([n, s]) => `${n} ${s.join('×')}`).join(', ')}`,
    '',
    line(header),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map(line),
    '',
    out.stoppedAt
      ? `PARTIAL — the analysis stopped at ${out.stoppedAt.node} (${out.stoppedAt.opType}): ${out.stoppedAt.reason}. The model's receptive field is unknown; ${summary.analysedOutput}, the last node before it, has ${field(out)} (a lower bound).`
      : `receptive field of ${summary.analysedOutput}: ${field(out)}${out.exact ? '' : ' (an upper bound)'}${out.aligned ? '' : ' — branches misaligned'}`,
    `total: ${count(report.params)} parameters (the model's weights), ${count(report.macs)} multiply-accumulates${out.partial ? ' up to the stop' : ''}`,
  ];
  if (report.coverage) lines.push(`coverage: ${report.coverage.covered} of ${report.coverage.area} receptive-field offsets reached, ${report.coverage.holes} holes`);
  for (const w of report.warnings) lines.push(`warning (${w.kind}): ${w.message}`);
  for (const n of notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, '');
}

function count(v: number | null): string {
  if (v === null) return '?';
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)}G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return String(v);
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - width + 1)}`;
}
