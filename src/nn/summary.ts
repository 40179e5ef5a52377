/**
 * `summary(model, inputShape)`: the torchinfo-style table of a module — every layer's output shape, parameters and
 * MACs — with what no PyTorch summary shows: each layer's receptive field, effective stride and effective padding
 * (Araujo et al.), from the same analysis `atrous analyze` runs.
 */
import { analyzeGraph, type AnalysisReport } from '../analysis/analyze.js';
import { ShapeError, describeValue } from '../errors.js';
import { moduleGraph } from './analysis-graph.js';
import type { Module } from './module.js';

/** One row of the table. Shapes include the batch; MACs are for the whole batch. */
export interface SummaryRow {
  name: string;
  op: string;
  /** Null entries (or null) where the analysis could not size the layer (an input of unknown size). */
  outputShape: (number | null)[] | null;
  params: number | null;
  macs: number | null;
  rf: (number | null)[];
  stride: (number | null)[];
  padding: number[];
}

/** What {@link summary} returns: the rows, totals and the printable table. */
export interface ModelSummary {
  rows: SummaryRow[];
  /** Parameters of the module (`parameterCount()`), and those that require gradients. */
  totalParams: number;
  trainableParams: number;
  /** Multiply-accumulates of one forward of the whole batch. */
  macs: number;
  output: AnalysisReport['output'];
  /** The table, as torchinfo prints it, plus RF / stride / padding columns. */
  text: string;
}

/**
 * Traces `module` on an input of `inputShape` (`[N, C, ...spatial]`) and tabulates it.
 *
 * @example
 * console.log(summary(new TCN({ inputChannels: 1, channels: [8, 8, 8], kernelSize: 3 }), [1, 1, 1000]).text);
 */
export function summary(module: Module, inputShape: readonly number[]): ModelSummary {
  if (!Array.isArray(inputShape) || inputShape.length < 3 || inputShape.length > 5 || inputShape.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ShapeError('summary', 'inputShape', `inputShape ${describeValue(inputShape)} must be [N, C, ...spatial] with 1 to 3 spatial dimensions of positive integers`);
  }
  const [batch, channels, ...size] = inputShape;
  const report = analyzeGraph(moduleGraph(module, { rank: size.length, channels, size }));
  const parameters = module.parameters();
  const totalParams = parameters.reduce((n, p) => n + p.size, 0);
  const trainableParams = parameters.filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
  return summaryFromReport(report, { batch, totalParams, trainableParams });
}

/**
 * The summary of an already analysed graph (an ONNX model's, say): rows scaled to `batch`, totals as given.
 *
 * @example summaryFromReport(analyzeGraph(graph), { batch: 1, totalParams: 1234, trainableParams: 1234 }).text
 */
export function summaryFromReport(report: AnalysisReport, totals: { batch: number; totalParams: number; trainableParams: number }): ModelSummary {
  const { batch } = totals;
  const rows: SummaryRow[] = report.layers.map((l) => ({
    name: l.name, op: l.op, outputShape: l.outputShape === null ? null : [batch, ...l.outputShape], params: l.params,
    macs: l.macs === null ? null : l.macs * batch, rf: l.rf, stride: l.stride, padding: l.padding,
  }));
  const macs = report.macs * batch;
  return { rows, totalParams: totals.totalParams, trainableParams: totals.trainableParams, macs, output: report.output, text: formatTable(rows, totals, macs, report.output) };
}

function formatTable(rows: SummaryRow[], totals: { totalParams: number; trainableParams: number }, macs: number, output: AnalysisReport['output']): string {
  const dims = (values: readonly (number | null)[]) => values.map((v) => (v === null ? '∞' : String(v))).join('×');
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'MACs', 'RF', 'Stride', 'Padding'];
  const cells = rows.map((r) => [
    `${r.name} (${r.op})`, r.outputShape === null ? '?' : `[${r.outputShape.map((n) => n ?? '?').join(', ')}]`, r.params === null ? '—' : r.params.toLocaleString('en-US'),
    r.macs === null ? '—' : r.macs.toLocaleString('en-US'), dims(r.rf), dims(r.stride), r.padding.join('×'),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const rule = '='.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  return [
    rule, line(header), rule, ...cells.map(line), rule,
    `Total params: ${totals.totalParams.toLocaleString('en-US')}`,
    `Trainable params: ${totals.trainableParams.toLocaleString('en-US')}`,
    `Non-trainable params: ${(totals.totalParams - totals.trainableParams).toLocaleString('en-US')}`,
    `Total MACs: ${macs.toLocaleString('en-US')}`,
    `Receptive field: ${dims(output.rf)}, effective stride ${dims(output.stride)}, effective padding ${output.padding.join('×')}${output.global ? ' (global)' : ''}`,
    rule,
  ].join('\n');
}
