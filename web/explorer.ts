/**
 * The explorer page: reads a kernel size and a dilation schedule, asks atrous for the receptive field, the exact
 * coverage, the gridding and HDC verdicts, the designer's schedules and the figures, and shows them; a second panel
 * times `conv` on the WASM backend. Every number shown comes from the library; this module only wires the page.
 */
import {
  AtrousError, GraphBuilder, MAX_COVERAGE_SIDE, asciiRow, conv, convStack, coverage, coverageHeatmapFigure,
  getBackend, getThreads, graphCost, griddingVerdict, hdcCheck, randn, ready, receptiveField,
  receptiveFieldGrowthFigure, resolveGraph, wasmBuild, type Schedule, type ScheduleDesign,
} from '../src/browser.js';
import type { DesignReply, DesignRequest } from './designer-messages.js';

/**
 * Search nodes per designer search. The searches run in a worker, but long stacks would still keep it busy for
 * minutes; the list says when the budget stopped a search early.
 */
const DESIGN_BUDGET = 50_000;
const SUGGESTIONS = 5;
const TYPING_PAUSE_MS = 120;
/** Largest receptive field the page traces and draws live (a 65,537-character row is already past reading). */
const PAGE_FIELD_LIMIT = 65_536;

/** The benchmark layers of issue 3 (batch 1, PyTorch layout), so the page's figures compare with `atrous bench`. */
interface ConvLayer {
  label: string;
  input: number[];
  weight: number[];
  stride: number[];
  dilation: number[];
  padding: number[];
  groups: number;
}

const CONV_LAYERS: ConvLayer[] = [
  { label: 'context module: 64→64, 64×64, 3×3, d=2', input: [1, 64, 64, 64], weight: [64, 64, 3, 3], stride: [1, 1], dilation: [2, 2], padding: [2, 2], groups: 1 },
  { label: 'DeepLab ASPP branch: 256→256, 33×33, 3×3, d=12, pad 12', input: [1, 256, 33, 33], weight: [256, 256, 3, 3], stride: [1, 1], dilation: [12, 12], padding: [12, 12], groups: 1 },
  { label: 'high resolution: 32→32, 128×128, 3×3, d=4', input: [1, 32, 128, 128], weight: [32, 32, 3, 3], stride: [1, 1], dilation: [4, 4], padding: [4, 4], groups: 1 },
  { label: 'stride and dilation: 128→128, 56×56, 3×3, d=2, stride 2', input: [1, 128, 56, 56], weight: [128, 128, 3, 3], stride: [2, 2], dilation: [2, 2], padding: [2, 2], groups: 1 },
  { label: 'WaveNet: 64→128, length 16000, k=2, d=256, pad 128', input: [1, 64, 16000], weight: [128, 64, 2], stride: [1], dilation: [256], padding: [128], groups: 1 },
  { label: 'dilated depthwise: 128 channels, 64×64, 3×3, d=4', input: [1, 128, 64, 64], weight: [128, 1, 3, 3], stride: [1, 1], dilation: [4, 4], padding: [4, 4], groups: 128 },
];

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`explorer: the page has no #${id}`);
  return element as T;
}

const kernelInput = byId<HTMLInputElement>('kernel');
const dilationsInput = byId<HTMLInputElement>('dilations');
const inputError = byId<HTMLParagraphElement>('input-error');

interface StackInput {
  kernel: number;
  dilations: number[];
  dims: 1 | 2;
}

/** Turns the text fields into numbers; atrous itself validates the values (positive integers). */
function readStack(): StackInput {
  const kernel = Number(kernelInput.value);
  const parts = dilationsInput.value.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^-?\d+$/.test(part))) {
    throw new InputError(`"${dilationsInput.value}" is not a list of whole numbers; type the dilations separated by commas, e.g. 1,2,4,8,16`);
  }
  if (kernelInput.value.trim() === '' || !Number.isFinite(kernel)) throw new InputError('type a kernel size, e.g. 3');
  const dims = (document.querySelector<HTMLInputElement>('input[name="dims"]:checked')?.value === '2' ? 2 : 1);
  return { kernel, dilations: parts.map(Number), dims };
}

/** A mistake in what was typed, shown next to the form. */
class InputError extends Error {}

function describeError(error: unknown): string {
  if (error instanceof InputError || error instanceof AtrousError) return error.message;
  throw error;
}

function analyseStack(): void {
  try {
    showStack(readStack());
    inputError.hidden = true;
    document.body.classList.remove('stale');
  } catch (error) {
    inputError.textContent = describeError(error);
    inputError.hidden = false;
    document.body.classList.add('stale');
  }
}

/** The stack on screen, so the designer's answer can be drawn into its growth figure when it arrives. */
let shown: StackInput | null = null;

function showStack(stack: StackInput): void {
  const { kernel, dilations, dims } = stack;
  const graph = resolveGraph(convStack({ kernel, dilations }));
  const rf = receptiveField(graph).output.rf[0] as number;
  if (rf > PAGE_FIELD_LIMIT) {
    throw new InputError(`the receptive field is ${rf} samples, more than the ${PAGE_FIELD_LIMIT} this page traces live; use atrous rf --kernel ${kernel} --dilations ${dilations.join(',')} for any size`);
  }
  const covered = coverage(graph);
  const verdict = griddingVerdict(graph, covered);
  const hdc = hdcCheck(kernel, dilations);

  byId('rf').textContent = String(rf);
  byId('holes').textContent = covered.holes === 0 ? 'none' : `${covered.holes} of ${covered.area} offsets`;
  byId('paths').textContent = covered.uniform ? `exactly ${covered.max} everywhere` : `${covered.minCovered}–${covered.max} per reached offset`;
  byId('ascii').textContent = asciiRow(covered.multiplicity);
  setBadge('gridding-badge', verdict.gridding ? `${verdict.holes} hole${verdict.holes === 1 ? '' : 's'}` : 'no holes', !verdict.gridding);
  byId('gridding-cause').textContent = verdict.message;
  setBadge('hdc-badge', hdc.passes ? 'passes' : 'fails', hdc.passes);
  byId('hdc-message').textContent = hdc.message;
  byId('live-summary').textContent = `Receptive field ${rf}; ${verdict.gridding ? `gridding, ${verdict.holes} holes` : 'no holes'}.`;

  showFigure('coverage-figure', () => coverageFigure(kernel, dilations, dims, rf));
  byId('coverage-caption').textContent = dims === 2
    ? `The same schedule with ${kernel}×${kernel} kernels: paths from each input pixel to one output pixel; grey crossed cells are gridding holes. The numbers above are for the 1-D stack.`
    : 'Paths from each input offset to one output; grey crossed columns are gridding holes.';
  shown = stack;
  showGrowth(stack, null);
  requestDesigns(kernel, dilations, rf);
  byId('results').dataset.schedule = `${kernel}:${dilations.join(',')}`;
}

/** The growth figure: the user's schedule, no dilation, and (once the designer answers) its best within yours. */
function showGrowth({ kernel, dilations }: StackInput, designed: Schedule | null): void {
  showFigure('growth-figure', () => receptiveFieldGrowthFigure({
    kernel,
    series: [
      { label: `yours: ${dilations.join(',')}`, receptiveField: fieldPerLayer(kernel, dilations) },
      { label: 'no dilation', receptiveField: fieldPerLayer(kernel, dilations.map(() => 1)) },
      ...(designed ? [{ label: `designer: ${designed.dilations.join(',')}`, receptiveField: fieldPerLayer(kernel, designed.dilations) }] : []),
    ],
  }));
}

function fieldPerLayer(kernel: number, dilations: number[]): number[] {
  return receptiveField(convStack({ kernel, dilations })).layers.slice(1).map((layer) => layer.rf[0] as number);
}

function coverageFigure(kernel: number, dilations: number[], dims: 1 | 2, rf: number): string {
  const description = dims === 2 ? `kernel ${kernel}×${kernel}, dilations ${dilations.join(',')}` : `kernel ${kernel}, dilations ${dilations.join(',')}`;
  if (dims === 1) return coverageHeatmapFigure({ multiplicity: [Array.from(coverage(convStack({ kernel, dilations })).map)], description });
  if (rf > MAX_COVERAGE_SIDE) {
    throw new InputError(`the 2-D map would be ${rf}×${rf} cells, more than the ${MAX_COVERAGE_SIDE} per side a figure draws; choose the 1-D profile`);
  }
  const map = coverage(convStack({ kernel, dilations, rank: 2 }));
  const [rows, cols] = map.size;
  const grid = Array.from({ length: rows }, (_, i) => Array.from(map.map.subarray(i * cols, (i + 1) * cols)));
  return coverageHeatmapFigure({ multiplicity: grid, description });
}

function showFigure(id: string, draw: () => string): void {
  const slot = byId(id);
  try {
    slot.innerHTML = draw();
  } catch (error) {
    slot.replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: describeError(error) }));
  }
}

function setBadge(id: string, text: string, good: boolean): void {
  const badge = byId(id);
  badge.textContent = text;
  badge.className = `badge ${good ? 'good' : 'bad'}`;
}

let designer: Worker | null = null;
let designerBusy = false;
let latestRequest = 0;

/** Asks the designer worker for both searches; a search still running for an older stack is abandoned. */
function requestDesigns(kernel: number, dilations: number[], rf: number): void {
  latestRequest++;
  if (kernel < 2) {
    for (const id of ['within', 'reaching']) showNotes(id, ['the designer needs a kernel of at least 2 taps']);
    return;
  }
  for (const id of ['within', 'reaching']) showNotes(id, ['searching…']);
  if (designer && designerBusy) {
    designer.terminate();
    designer = null;
  }
  designer ??= startDesigner();
  designerBusy = true;
  const request: DesignRequest = {
    id: latestRequest, kernel, layers: dilations.length, maxDilation: Math.max(...dilations), targetRf: rf,
    budget: DESIGN_BUDGET, limit: SUGGESTIONS,
  };
  designer.postMessage(request);
}

function startDesigner(): Worker {
  const worker = new Worker(new URL('./designer-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data: reply }: MessageEvent<DesignReply>) => {
    if (reply.search === 'reaching' && reply.id === latestRequest) designerBusy = false;
    if (reply.id !== latestRequest) return;
    showSuggestions(reply.search, reply.design, reply.error);
    const best = reply.design?.schedules[0];
    if (reply.search === 'within' && shown && best) showGrowth(shown, best);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    designerBusy = false;
    for (const id of ['within', 'reaching']) showNotes(id, [`the designer failed: ${event.message}`]);
  };
  return worker;
}

function showSuggestions(id: string, design: ScheduleDesign | null, error: string | null): void {
  if (!design) {
    showNotes(id, [error ?? 'no answer']);
    return;
  }
  const list = byId<HTMLOListElement>(id);
  list.replaceChildren(...design.schedules.map(suggestion));
  if (design.schedules.length === 0) list.append(note('none: no hole-free schedule meets this'));
  if (!design.complete) list.append(note('search budget reached: the ranking may miss schedules'));
}

function showNotes(id: string, texts: string[]): void {
  byId(id).replaceChildren(...texts.map(note));
}

function suggestion(schedule: Schedule): HTMLLIElement {
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'use';
  button.textContent = schedule.dilations.join(',');
  button.setAttribute('aria-label', `Use dilations ${schedule.dilations.join(', ')}`);
  button.addEventListener('click', () => {
    dilationsInput.value = schedule.dilations.join(',');
    analyseStack();
    dilationsInput.focus();
  });
  const paths = schedule.minPaths === schedule.maxPaths ? `every offset exactly ${schedule.minPaths}×` : `${schedule.minPaths}–${schedule.maxPaths} paths per offset`;
  item.append(button, ` field ${schedule.rf}, ${paths}`);
  return item;
}

function note(text: string): HTMLLIElement {
  return Object.assign(document.createElement('li'), { className: 'note', textContent: text });
}

let pending: ReturnType<typeof setTimeout> | undefined;
function analyseSoon(): void {
  clearTimeout(pending);
  pending = setTimeout(analyseStack, TYPING_PAUSE_MS);
}

byId('stack-form').addEventListener('input', analyseSoon);
byId('stack-form').addEventListener('submit', (event) => {
  event.preventDefault();
  analyseStack();
});
analyseStack();

const shapeSelect = byId<HTMLSelectElement>('conv-shape');
CONV_LAYERS.forEach((layer, index) => shapeSelect.append(new Option(layer.label, String(index))));

function showBackend(): void {
  const build = wasmBuild();
  byId('conv-backend').textContent = build ? `${getBackend()} (${build})` : getBackend();
  byId('conv-threads').textContent = `${getThreads()}${globalThis.crossOriginIsolated ? ' (cross-origin isolated: shared memory available)' : ' (not cross-origin isolated)'}`;
}

/** Lets the browser paint the status line before a long synchronous call. */
function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

function milliseconds(ms: number): string {
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

async function runConv(layer: ConvLayer, calls: number): Promise<void> {
  const status = byId('conv-status');
  const button = byId<HTMLButtonElement>('conv-run');
  button.disabled = true;
  try {
    status.textContent = 'waiting for ready()…';
    await backendReady;
    const input = randn(layer.input, 1);
    const weight = randn(layer.weight, 2);
    const options = { stride: layer.stride, dilation: layer.dilation, padding: layer.padding, groups: layer.groups };
    status.textContent = `running ${calls} calls…`;
    await nextPaint();
    let begin = performance.now();
    const output = conv(input, weight, options);
    const first = performance.now() - begin;
    const rest: number[] = [];
    for (let call = 1; call < calls; call++) {
      begin = performance.now();
      conv(input, weight, options);
      rest.push(performance.now() - begin);
    }
    rest.sort((a, b) => a - b);
    const median = rest[Math.floor(rest.length / 2)];
    byId('conv-first').textContent = milliseconds(first);
    byId('conv-median').textContent = `${milliseconds(median)} (${rest.length} calls, ${milliseconds(rest[0])}–${milliseconds(rest[rest.length - 1])})`;
    const macs = layerMacs(layer);
    byId('conv-gflops').textContent = `${(2 * macs / median / 1e6).toFixed(1)} GFLOP/s (${(macs / 1e6).toFixed(0)} M multiply-adds per call, median)`;
    status.textContent = `done: output ${output.shape.join('×')} on ${getBackend()}`;
  } catch (error) {
    status.textContent = `failed: ${(error as Error).message}`;
  } finally {
    button.disabled = false;
  }
}

/** Multiply-adds of one call, from the analysis's cost model (padding taps included, as benchmarks count them). */
function layerMacs(layer: ConvLayer): number {
  const builder = new GraphBuilder({ rank: layer.input.length - 2, channels: layer.input[1], size: layer.input.slice(2) });
  builder.conv(builder.input, {
    kernel: layer.weight.slice(2), stride: layer.stride, dilation: layer.dilation, padding: layer.padding,
    groups: layer.groups, outChannels: layer.weight[0],
  });
  return graphCost(builder.build()).macs;
}

/** Started with the page, so the WASM module and the workers load while the user reads. */
const backendReady = timeReady();

async function timeReady(): Promise<void> {
  const start = performance.now();
  try {
    await ready();
    byId('conv-ready').textContent = `${milliseconds(performance.now() - start)} (from page load)`;
  } catch (error) {
    byId('conv-ready').textContent = `failed: ${(error as Error).message}`;
  }
  showBackend();
}

byId('conv-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const calls = Math.max(2, Math.min(50, Math.round(Number(byId<HTMLInputElement>('conv-calls').value)) || 9));
  void runConv(CONV_LAYERS[Number(shapeSelect.value)], calls);
});
