// Zoo check, atrous side: for every model scripts/zoo_check.py exported and measured (zoo/models/*.json),
// analyse the ONNX file with atrous and compare, per measured output position, the traced input window
// (cut at every node to the positions that exist, as the gradient support is) with the measured support; compare parameter and MAC
// totals with PyTorch's; run the model on atrous and on onnxruntime-node (relative error ≤ 1e-4).
// Writes docs/zoo.md (the result table) and zoo/results.json; exits 1 when any model fails a check.
//
// usage: node scripts/zoo_compare.mjs [zoo/models] [--table docs/zoo.md] [--missing]
//   --missing  keeps the passing rows of the last zoo/results.json and checks only the other models (a partial run
//              while the zoo is still being measured; the committed table comes from a full run)
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { analyzeGraph, loadOnnxFile, onnxAnalysisGraph, readNpy, resolveGraph, traceReceptiveField } from '../dist/src/index.js';
import { onnxTypes } from '../dist/src/onnx/onnx-proto.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--table') ?? join(ROOT, 'zoo', 'models');
const tableAt = args.includes('--table') ? args[args.indexOf('--table') + 1] : join(ROOT, 'docs', 'zoo.md');
const TOLERANCE = 1e-4;
const resultsAt = join(dir, '..', 'results.json');
const kept = new Map(args.includes('--missing') && existsSync(resultsAt)
  ? JSON.parse(readFileSync(resultsAt, 'utf8')).filter((r) => r.verdict === 'ok').map((r) => [r.name, r]) : []);

function relativeError(a, b) {
  let err = 0, scale = 0;
  for (let i = 0; i < b.length; i++) { err = Math.max(err, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  return scale === 0 ? err : err / scale;
}

/**
 * The file both engines run. PyTorch 1.13's exporter annotates the outputs of If branches with the shapes it
 * traced, and for MViT-V2's `squeeze(dim)` branches those are wrong (1×1151×192 where 1×129×192 flows);
 * onnxruntime trusts them and fails. For a model with If nodes, a copy without the branches' output shape
 * annotations is written next to it (same folder, so external data still resolves); other files run as they are.
 */
function referenceFile(path) {
  const { model: Model } = onnxTypes();
  const message = Model.decode(readFileSync(path));
  let stripped = 0;
  const strip = (graph) => {
    for (const node of graph.node) {
      for (const a of node.attribute) {
        for (const g of [a.g, ...(a.graphs ?? [])].filter(Boolean)) {
          // Only If branches' outputs: onnxruntime needs a Loop body's input shapes.
          if (node.opType === 'If') for (const v of [...g.output, ...g.valueInfo]) if (v.type?.tensorType?.shape) { v.type.tensorType.shape = null; stripped++; }
          strip(g);
        }
      }
    }
  };
  strip(message.graph);
  if (stripped === 0) return path;
  const copy = path.replace(/\.onnx$/, '.reference.onnx');
  writeFileSync(copy, Model.encode(message).finish());
  return copy;
}

async function checkModel(measured) {
  const row = { name: measured.name, input: measured.inputShape.join('×') };
  if (measured.error) return { ...row, verdict: 'export failed', detail: measured.error };
  const file = referenceFile(join(dir, `${measured.name}.onnx`));
  const model = loadOnnxFile(file);
  const shapes = { [model.inputNames[0]]: measured.inputShape };
  const onnx = onnxAnalysisGraph(model, shapes);
  const report = analyzeGraph(onnx.graph);
  const out = report.output;
  Object.assign(row, {
    global: out.global, rf: out.global ? 'global' : out.rf.join('×'), stride: out.global ? '' : out.stride.map((s) => +s.toFixed(4)).join('×'),
    padding: out.global ? '' : out.padding.map((p) => +p.toFixed(4)).join('×'), exact: out.exact,
    params: onnx.params, torchParams: measured.params, macs: report.macs, torchMacs: measured.macs,
  });
  const problems = [];
  if (onnx.partial) problems.push(`partial at ${onnx.partial.node} (${onnx.partial.opType}): ${onnx.partial.reason}`);
  // Per measured position: the traced window, clipped to the input, must equal the gradient support.
  const resolved = resolveGraph(onnx.graph);
  const inSize = measured.inputShape.slice(2);
  let mismatches = 0, interior = 0;
  for (const r of measured.rows) {
    const at = r.o ?? inSize.map(() => 0);
    const traced = onnx.partial ? null : traceReceptiveField(resolved, resolved.output, at);
    const real = onnx.partial ? null : traceReceptiveField(resolved, resolved.output, at, { clip: true });
    const clipped = inSize.map((_, d) => real?.[d] ?? null);
    const dims = r.dim === null ? inSize.map((_, d) => d) : [r.dim];
    for (const d of dims) {
      const range = traced?.[d];
      if (range && range[0] >= 0 && range[1] <= inSize[d] - 1 && !out.global) interior++;
      if (JSON.stringify(clipped[d]) !== JSON.stringify(r.range[d])) {
        mismatches++;
        if (mismatches <= 2) problems.push(`output ${JSON.stringify(at)} dim ${d}: atrous ${JSON.stringify(clipped[d])}, measured ${JSON.stringify(r.range[d])}`);
      }
    }
  }
  row.positions = measured.rows.length;
  row.interior = interior;
  if (mismatches) problems.push(`${mismatches} of ${measured.rows.length} measured windows differ`);
  if (onnx.params !== measured.params) problems.push(`parameters ${onnx.params} vs PyTorch ${measured.params}`);
  if (report.macs !== measured.macs) problems.push(`MACs ${report.macs} vs PyTorch ${measured.macs}`);
  // Run on atrous and on onnxruntime-node with the exported random input.
  const x = readNpy(readFileSync(join(dir, `${measured.name}.input.npy`)));
  const ours = model.run({ [model.inputNames[0]]: x })[model.outputNames[0]];
  const session = await ort.InferenceSession.create(file);
  const theirs = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape) }))[session.outputNames[0]];
  await session.release();
  row.runError = relativeError(ours.data, theirs.data);
  if (!(row.runError <= TOLERANCE)) problems.push(`run: relative error ${row.runError} against onnxruntime-node`);
  return { ...row, verdict: problems.length ? 'FAIL' : 'ok', detail: problems.join('; ') };
}

const results = [];
for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const measured = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  let result = kept.get(measured.name);
  if (result) { results.push(result); continue; }
  try {
    result = await checkModel(measured);
  } catch (error) {
    result = { name: measured.name, input: measured.inputShape.join('×'), verdict: 'FAIL', detail: `${error.name}: ${error.message.split('\n')[0]}` };
  }
  console.log(`${result.verdict.padEnd(13)} ${result.name}${result.detail ? `: ${result.detail}` : ''}`);
  results.push(result);
}
const passed = results.filter((r) => r.verdict === 'ok').length;
const cell = (v) => (v === undefined ? '' : String(v).replace(/\|/g, '\\|'));
const count = (v) => (v === undefined ? '' : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : String(v));
const lines = [
  '# Zoo check',
  '',
  `Generated by \`npm run test:zoo\` (scripts/zoo_check.py, then scripts/zoo_compare.mjs); ${new Date().toISOString().slice(0, 10)}.`,
  'Random weights (seed 0), PyTorch 1.13 / torchvision 0.14 exports. "windows" counts the measured output positions',
  '(a block of consecutive positions at the centre of every spatial dimension, both ends) whose traced input window,',
  'cut at every layer to positions that exist (padding reads nothing), equals the float64 gradient support ("interior": windows that lie wholly inside the input,',
  'so that rf and padding themselves are measured, not only their clipping; a global model has none);',
  'params and MACs are compared with PyTorch\'s counts: its parameters plus the float buffers other than BatchNorm',
  'statistics (an export stores both as initializers; Swin-V2\'s coordinate table is a buffer), and the MACs of the conv,',
  'linear and matmul-with-a-constant calls the input flows through (a layer on constants, such as Swin-V2\'s position-bias MLP over its fixed',
  'table, is folded once when a model is planned) per input sample;',
  '"run" is the relative error of atrous against onnxruntime-node on the same input.',
  '',
  'Inputs: 96×96 for most torchvision models (smaller than their fields, so their windows are checked as cut to the',
  'input: "interior" 0), 224×224 where the architecture fixes it (ViT, Swin, MaxViT, AlexNet, VGG), video models at',
  '8×64×64 except S3D (16×224×224, its last pool needs it) and MViT, built for smaller clips than its builders',
  'fix (V1 8×112×112, V2 4×64×64: same blocks, position embeddings sized for the clip; at 16×224×224 PyTorch\'s',
  'float64 measurement and its exporter need more than this machine\'s 24 GB). The dilated architectures run on',
  'inputs larger than their fields, so their rf and padding are measured at interior windows of every phase.',
  '',
  `**${passed} of ${results.length} models pass every check.**`,
  '',
  '| model | input | verdict | rf | stride | padding | windows (interior) | params (atrous / torch) | MACs (atrous / torch) | run | detail |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => `| ${cell(r.name)} | ${cell(r.input)} | ${cell(r.verdict)} | ${cell(r.rf)}${r.exact === false ? ' (bound)' : ''} | ${cell(r.stride)} | ${cell(r.padding)} | ${r.positions === undefined ? '' : `${r.positions} (${r.interior})`} | ${count(r.params)} / ${count(r.torchParams)} | ${count(r.macs)} / ${count(r.torchMacs)} | ${r.runError === undefined ? '' : r.runError.toExponential(1)} | ${cell(r.detail)} |`),
  '',
];
writeFileSync(tableAt, lines.join('\n'));
writeFileSync(resultsAt, JSON.stringify(results, null, 1));
console.log(`${passed} of ${results.length} models pass; table in ${tableAt}`);
process.exitCode = passed === results.length ? 0 : 1;
