/**
 * The model inspector: a dropped or chosen `.onnx` file is read in a worker (`inspector-worker.ts`) and shown as a
 * per-layer table of receptive fields with the analysis's warnings; choosing a layer draws its coverage.
 */
import { coverageHeatmapFigure, type AnalysisReport } from '../src/browser.js';
import { byId, InputError, parseList } from './dom.js';
import type { InspectorReply, InspectorRequest } from './inspector-messages.js';

let worker: Worker | null = null;
let latest = 0;

function post(request: InspectorRequest, transfer: Transferable[] = []): void {
  worker ??= startWorker();
  worker.postMessage(request, transfer);
}

function startWorker(): Worker {
  const started = new Worker(new URL('./inspector-worker.js', import.meta.url), { type: 'module' });
  started.onmessage = ({ data: reply }: MessageEvent<InspectorReply>) => {
    if (reply.id !== latest) return;
    if (reply.kind === 'error') status(`could not read it: ${reply.message}`);
    else if (reply.kind === 'model') showModel(reply.name, reply.report, reply.notes, reply.opTypes, reply.shape);
    else showCoverage(reply.rows, reply.description);
  };
  started.onerror = (event) => {
    event.preventDefault();
    status(`the inspector failed: ${event.message}`);
    worker = null;
  };
  return started;
}

function status(text: string): void {
  byId('model-status').textContent = text;
}

async function inspect(file: File): Promise<void> {
  let shape: number[] | null = null;
  const shapeText = byId<HTMLInputElement>('model-shape').value.trim();
  try {
    if (shapeText) shape = parseList(shapeText, 'input shape', 1);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    status(error.message);
    return;
  }
  latest++;
  status(`reading ${file.name} (${(file.size / 1024).toFixed(0)} KiB)…`);
  byId('model-table').hidden = true;
  byId('model-figure').replaceChildren();
  const bytes = await file.arrayBuffer();
  post({ kind: 'model', id: latest, name: file.name, bytes, shape }, [bytes]);
}

const show = (v: readonly (number | null)[]) => v.map((x) => x ?? 'any').join('×');

function showModel(name: string, report: AnalysisReport, notes: string[], opTypes: Record<string, string>, shape: number[]): void {
  const out = report.output;
  status(`${name}${shape.length ? `, input ${shape.join('×')}` : ''}: ${report.layers.length} layers; ${out.global ? 'the output sees the whole input' : `receptive field ${show(out.rf)}, effective stride ${show(out.stride)}`}`);
  byId('model-warnings').replaceChildren(...[...report.warnings.map((w) => w.message), ...notes].map(warning));
  const rows = report.layers.map((layer) => {
    const row = document.createElement('tr');
    const button = Object.assign(document.createElement('button'), { type: 'button', className: 'use', textContent: layer.name });
    button.setAttribute('aria-label', `Draw the coverage of ${layer.name}`);
    button.addEventListener('click', () => {
      latest++;
      status(`counting the paths into ${layer.name}…`);
      post({ kind: 'coverage', id: latest, node: layer.name });
    });
    const head = document.createElement('th');
    head.scope = 'row';
    head.append(button);
    row.append(head, ...[opTypes[layer.name] ?? layer.op, layer.outputShape ? layer.outputShape.join('×') : '–', show(layer.rf), show(layer.stride), layer.padding.join('×')]
      .map((text) => Object.assign(document.createElement('td'), { textContent: text })));
    return row;
  });
  byId('model-rows').replaceChildren(...rows);
  byId('model-table').hidden = false;
}

/** A warning as its first clause, the full reasoning folded beneath it (a gridding cause can run to a page). */
function warning(text: string): HTMLLIElement {
  const item = document.createElement('li');
  const [first, ...rest] = text.split('; ');
  if (rest.length === 0) {
    item.textContent = text;
    return item;
  }
  const details = document.createElement('details');
  details.append(Object.assign(document.createElement('summary'), { textContent: `${first}; why…` }), rest.join('; '));
  item.append(details);
  return item;
}

function showCoverage(rows: number[][], description: string): void {
  status(description);
  byId('model-figure').innerHTML = coverageHeatmapFigure({ multiplicity: rows, description });
}

/** Wires the drop zone and the file chooser. */
export function startInspector(): void {
  const zone = byId('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file) void inspect(file);
  });
  byId<HTMLInputElement>('model-file').addEventListener('change', (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void inspect(file);
  });
}
