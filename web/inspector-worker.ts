/**
 * Reads a dropped ONNX model off the page's thread with the library's public API — `loadOnnx(bytes)` →
 * `onnxAnalysisGraph` → `analyzeGraph` — and keeps its analysis graph to count any layer's coverage on request.
 * The bytes never leave the page.
 */
import { AtrousError, analyzeGraph, coverage, loadOnnx, onnxAnalysisGraph, type Graph } from '../src/browser.js';
import type { InspectorReply, InspectorRequest } from './inspector-messages.js';

const scope = globalThis as unknown as { onmessage: ((event: { data: InspectorRequest }) => void) | null; postMessage(reply: InspectorReply): void };

let graph: Graph | null = null;

scope.onmessage = ({ data: request }) => {
  try {
    scope.postMessage(request.kind === 'model' ? readModel(request) : layerCoverage(request.id, request.node));
  } catch (error) {
    if (!(error instanceof AtrousError)) throw error;
    scope.postMessage({ kind: 'error', id: request.id, message: error.message.replace(/^[a-z]+[A-Z]\w*: /, '') });
  }
};

function readModel(request: Extract<InspectorRequest, { kind: 'model' }>): InspectorReply {
  graph = null;
  const model = loadOnnx(new Uint8Array(request.bytes));
  const input = model.graph.inputs.find((i) => i.type === 'float') ?? model.graph.inputs[0];
  const shapes = request.shape && input ? { [input.name]: request.shape } : {};
  const analysed = onnxAnalysisGraph(model, shapes);
  graph = analysed.graph;
  const report = analyzeGraph(analysed.graph);
  const declared = input?.dims ?? [];
  const shape = request.shape ?? (declared.every((d): d is number => typeof d === 'number') ? declared : []);
  return {
    kind: 'model', id: request.id, name: request.name, report, notes: analysed.notes,
    opTypes: Object.fromEntries(analysed.opTypes), input: input?.name ?? '', shape,
  };
}

function layerCoverage(id: number, node: string): InspectorReply {
  if (!graph) return { kind: 'error', id, message: 'drop a model first' };
  const c = coverage(graph, { node });
  const rows = c.size.length === 1
    ? [Array.from(c.map)]
    : Array.from({ length: c.size[0] }, (_, i) => Array.from(c.map.subarray(i * c.size[1], (i + 1) * c.size[1])));
  if (c.size.length > 2) throw new AtrousError('inspector', 'node', `${node} has a ${c.size.length}-D field; the page draws 1-D and 2-D ones`);
  return { kind: 'coverage', id, node, rows, description: `${node}: field ${c.size.join('×')}` };
}
