/**
 * The explorer page: a per-layer stack editor (kernel, stride, padding, dilation; presets; the state in the URL)
 * whose receptive field, exact coverage, gridding and HDC verdicts, designer suggestions and figures update as
 * you type; then the sliding-kernel player, the model inspector and the conv timing panel (their own modules).
 * Every number shown comes from the library; this module only wires the page.
 */
import {
  AtrousError, GraphBuilder, asciiRow, convStack, coverage, coverageHeatmapFigure, griddingVerdict, hdcCheck,
  receptiveField, receptiveFieldGrowthFigure, resolveGraph, type Graph, type Schedule, type ScheduleDesign,
} from '../src/browser.js';
import { startConvPanel } from './conv-panel.js';
import { startGriddingPanel } from './gridding-panel.js';
import type { DesignReply, DesignRequest } from './designer-messages.js';
import { byId, InputError, parseList, plainMessage } from './dom.js';
import { startInspector } from './model-inspector.js';
import { startSlidePlayer } from './slide-player.js';
import { PRESETS, fromFragment, toFragment, type LayerSpec, type StackState } from './stack-state.js';

/** Designer budgets (search nodes), tried in turn: the first answers within a blink, the last is thorough. */
const DESIGN_BUDGETS = [2_000, 10_000, 50_000];
const SUGGESTIONS = 5;
/** Typing pauses this short recompute; an error is shown only after this long a pause, or on leaving the field. */
const TYPING_PAUSE_MS = 120;
const ERROR_PAUSE_MS = 1_500;
/** Largest 1-D receptive field the page traces and draws live (a 65,537-character row is already past reading). */
const PAGE_FIELD_LIMIT = 65_536;
/** Largest side of a 2-D map the page counts (2049² cells, ~34 MB of counts). */
const PAGE_MAP_LIMIT = 2_049;

const kernelInput = byId<HTMLInputElement>('kernel');
const dilationsInput = byId<HTMLInputElement>('dilations');
const inputError = byId<HTMLParagraphElement>('input-error');
const layerRows = byId<HTMLTableSectionElement>('layer-rows');

const clone = (s: StackState): StackState => ({ ...s, layers: s.layers.map((l) => ({ ...l })) });
let state: StackState = clone(fromFragment(location.hash) ?? PRESETS.doubling);

// ---- the editor -------------------------------------------------------------------------------------------------

const COLUMNS: { key: keyof LayerSpec; label: string; min: number }[] = [
  { key: 'kernel', label: 'kernel', min: 1 },
  { key: 'stride', label: 'stride', min: 1 },
  { key: 'padding', label: 'padding', min: 0 },
  { key: 'dilation', label: 'dilation', min: 1 },
];

/** Rebuilds the layer table from the state (after a preset, a new layer count, a removed row). */
function renderTable(): void {
  layerRows.replaceChildren(...state.layers.map((layer, i) => {
    const row = document.createElement('tr');
    const name = Object.assign(document.createElement('th'), { scope: 'row', textContent: state.arrangement === 'branches' ? `branch ${i + 1}` : `conv${i + 1}` });
    row.append(name);
    for (const column of COLUMNS) {
      const cell = document.createElement('td');
      const input = Object.assign(document.createElement('input'), { type: 'text', inputMode: 'numeric', value: String(layer[column.key]), autocomplete: 'off' });
      input.className = 'layer-cell';
      input.dataset.layer = String(i);
      input.dataset.key = column.key;
      input.setAttribute('aria-label', `${column.label} of ${name.textContent}`);
      cell.append(input);
      row.append(cell);
    }
    const rf = Object.assign(document.createElement('td'), { className: 'layer-rf' });
    const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'remove', textContent: '×' });
    remove.setAttribute('aria-label', `Remove ${name.textContent}`);
    remove.disabled = state.layers.length === 1;
    remove.addEventListener('click', () => {
      state.layers.splice(i, 1);
      renderAll();
    });
    const removeCell = document.createElement('td');
    removeCell.append(remove);
    row.append(rf, removeCell);
    return row;
  }));
}

/** The quick fields follow the table: the common kernel (blank when layers differ) and the dilations. */
function syncQuickFields(): void {
  const kernels = new Set(state.layers.map((l) => l.kernel));
  kernelInput.value = kernels.size === 1 ? String(state.layers[0].kernel) : '';
  kernelInput.placeholder = kernels.size === 1 ? '' : 'per layer';
  dilationsInput.value = state.layers.map((l) => l.dilation).join(',');
  for (const name of ['arrangement', 'dims'] as const) {
    const value = name === 'arrangement' ? state.arrangement : String(state.dims);
    const radio = document.querySelector<HTMLInputElement>(`input[name="${name}"][value="${value}"]`);
    if (radio) radio.checked = true;
  }
}

function renderAll(): void {
  renderTable();
  syncQuickFields();
  analyseNow();
}

/** Reads whatever field changed into the state; throws an InputError for what cannot be read. */
function readField(target: HTMLInputElement): void {
  if (target === kernelInput) {
    if (kernelInput.value.trim() === '' && kernelInput.placeholder) return;
    const [kernel, ...more] = parseList(kernelInput.value, 'kernel size', 1);
    if (more.length > 0) throw new InputError('type one kernel size for every layer here, or edit each layer in the table');
    for (const l of state.layers) l.kernel = kernel;
    renderTable();
  } else if (target === dilationsInput) {
    const dilations = parseList(dilationsInput.value, 'dilations', 1);
    const last = state.layers[state.layers.length - 1];
    const kernelText = kernelInput.value.trim();
    state.layers = dilations.map((dilation, i) => ({ ...(state.layers[i] ?? { ...last, kernel: kernelText ? Number(kernelText) || last.kernel : last.kernel, stride: 1, padding: 0 }), dilation }));
    if (state.layers.length !== layerRows.rows.length) renderTable();
    else dilations.forEach((d, i) => { (layerRows.querySelector(`input[data-layer="${i}"][data-key="dilation"]`) as HTMLInputElement).value = String(d); });
  } else if (target.classList.contains('layer-cell')) {
    const key = target.dataset.key as keyof LayerSpec;
    const column = COLUMNS.find((c) => c.key === key)!;
    const [value, ...more] = parseList(target.value, `${column.label} of layer ${Number(target.dataset.layer) + 1}`, column.min);
    if (more.length > 0) throw new InputError(`one ${column.label} per cell`);
    state.layers[Number(target.dataset.layer)][key] = value;
    syncQuickFields();
  } else if (target.name === 'dims') {
    state.dims = target.value === '2' ? 2 : 1;
  } else if (target.name === 'arrangement') {
    state.arrangement = target.value === 'branches' ? 'branches' : 'stack';
    renderTable();
  }
}

// ---- errors: shown after a pause or on leaving the field, never while a list is half typed ---------------------

let errorTimer: ReturnType<typeof setTimeout> | undefined;
let pendingError: string | null = null;

function holdError(message: string): void {
  pendingError = message;
  // The numbers on screen are for an older stack now; say so to anyone (or any test) reading the schedule.
  delete byId('results').dataset.schedule;
  document.body.classList.add('stale');
  clearTimeout(errorTimer);
  errorTimer = setTimeout(showPendingError, ERROR_PAUSE_MS);
}

function showPendingError(): void {
  if (pendingError === null) return;
  inputError.textContent = pendingError;
  inputError.hidden = false;
}

function clearError(): void {
  pendingError = null;
  clearTimeout(errorTimer);
  inputError.hidden = true;
  document.body.classList.remove('stale');
}

function describeError(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (error instanceof AtrousError) return plainMessage(error.message);
  throw error;
}

// ---- analysis ---------------------------------------------------------------------------------------------------

function buildGraph(rank: 1 | 2): Graph {
  const layers = state.layers;
  if (state.arrangement === 'stack') {
    return convStack({
      kernels: layers.map((l) => l.kernel), dilations: layers.map((l) => l.dilation),
      strides: layers.map((l) => l.stride), paddings: layers.map((l) => l.padding), rank,
    });
  }
  const b = new GraphBuilder({ rank, channels: 1 });
  const arms = layers.map((l, i) => b.conv(b.input, { kernel: l.kernel, stride: l.stride, dilation: l.dilation, padding: l.padding, outChannels: 1 }, `branch${i + 1}`));
  if (arms.length > 1) b.merge(arms, 'concat', 'concat');
  return b.build();
}

function analyseNow(): void {
  try {
    showStack();
    clearError();
    history.replaceState(null, '', toFragment(state));
  } catch (error) {
    holdError(describeError(error));
  }
}

/** What the designer and the growth figure need: one kernel size, stride 1, stacked. */
function uniformStack(): { kernel: number; dilations: number[] } | null {
  const k = state.layers[0].kernel;
  if (state.arrangement !== 'stack' || state.layers.some((l) => l.kernel !== k || l.stride !== 1)) return null;
  return { kernel: k, dilations: state.layers.map((l) => l.dilation) };
}

function showStack(): void {
  const graph = resolveGraph(buildGraph(1));
  const fields = receptiveField(graph);
  const out = fields.output;
  if (out.global || out.rf[0] === null) throw new InputError('this stack sees the whole input; there is no field to draw');
  const rf = out.rf[0];
  if (rf > PAGE_FIELD_LIMIT) {
    throw new InputError(`the receptive field is ${rf} samples, more than the ${PAGE_FIELD_LIMIT} this page counts live; atrous rf counts any size`);
  }
  const covered = coverage(graph);
  const verdict = griddingVerdict(graph, covered);
  const uniform = uniformStack();

  byId('rf').textContent = String(rf);
  byId('eff-stride').textContent = String(out.stride[0]);
  byId('holes').textContent = covered.holes === 0 ? 'none' : `${covered.holes} of ${covered.area} offsets`;
  byId('paths').textContent = covered.uniform ? `exactly ${covered.max} everywhere` : `${covered.minCovered}–${covered.max} per reached offset`;
  byId('ascii').textContent = asciiRow(covered.multiplicity);
  setBadge('gridding-badge', verdict.gridding ? `${verdict.holes} hole${verdict.holes === 1 ? '' : 's'}` : 'no holes', !verdict.gridding);
  byId('gridding-cause').textContent = verdict.message;
  if (uniform) {
    const hdc = hdcCheck(uniform.kernel, uniform.dilations);
    setBadge('hdc-badge', hdc.passes ? 'passes' : 'fails', hdc.passes);
    byId('hdc-message').textContent = hdc.message;
  } else {
    setBadge('hdc-badge', 'does not apply', true);
    byId('hdc-message').textContent = 'The rule of Wang et al. is stated for stacked stride-1 layers of one kernel size.';
  }
  byId('live-summary').textContent = `Receptive field ${rf}; ${verdict.gridding ? `gridding, ${verdict.holes} holes` : 'no holes'}.`;
  const names = graph.nodes.map((n) => n.node.name);
  state.layers.forEach((_, i) => {
    const node = state.arrangement === 'stack' ? i + 1 : names.indexOf(`branch${i + 1}`);
    const cell = layerRows.rows[i]?.querySelector('.layer-rf');
    if (cell) cell.textContent = String(fields.layers[node]?.rf[0] ?? '–');
  });

  const kernelText = state.layers.map((l) => l.kernel).join(',');
  showFigure('coverage-figure', () => coverageFigure(covered.multiplicity, rf));
  byId('coverage-caption').textContent = state.dims === 2
    ? 'The same layers with k×k kernels: paths from each input pixel to one output pixel; grey crossed cells are gridding holes. The numbers above are for the 1-D stack.'
    : 'Paths from each input offset to one output; grey crossed columns are gridding holes.';
  showGrowth(null);
  if (uniform) requestDesigns(uniform.kernel, uniform.dilations, rf);
  else noDesigns('the designer searches stacked stride-1 layers of one kernel size');
  byId('results').dataset.schedule = `${kernelText}:${state.layers.map((l) => l.dilation).join(',')}:${state.arrangement}`;
}

function coverageFigure(row: readonly number[], rf: number): string {
  const kernels = [...new Set(state.layers.map((l) => l.kernel))].join('/');
  const schedule = `dilations ${state.layers.map((l) => l.dilation).join(',')}${state.arrangement === 'branches' ? ' (parallel)' : ''}`;
  if (state.dims === 1) return coverageHeatmapFigure({ multiplicity: [Array.from(row)], description: `kernel ${kernels}, ${schedule}` });
  if (rf > PAGE_MAP_LIMIT) {
    throw new InputError(`a ${rf}×${rf} map is more than this page counts (${PAGE_MAP_LIMIT} per side); the 1-D profile shows the same holes along one dimension`);
  }
  const map = coverage(buildGraph(2));
  const [rows, cols] = map.size;
  const grid = Array.from({ length: rows }, (_, i) => Array.from(map.map.subarray(i * cols, (i + 1) * cols)));
  return coverageHeatmapFigure({ multiplicity: grid, description: `kernel ${kernels}×${kernels}, ${schedule}` });
}

/** The growth figure: the user's stack, no dilation, and (once the designer answers) its best within yours. */
function showGrowth(designed: Schedule | null): void {
  if (state.arrangement === 'branches') {
    showFigure('growth-figure', () => { throw new InputError('Parallel branches do not grow layer by layer: each branch\'s field is in the table above.'); });
    return;
  }
  const strides = state.layers.map((l) => l.stride);
  const kernels = state.layers.map((l) => l.kernel);
  const fieldPerLayer = (dilations: number[]) => receptiveField(convStack({ kernels, dilations, strides })).layers.slice(1).map((l) => l.rf[0] as number);
  const dilations = state.layers.map((l) => l.dilation);
  showFigure('growth-figure', () => receptiveFieldGrowthFigure({
    kernel: kernels[0],
    series: [
      { label: `yours: ${dilations.join(',')}`, receptiveField: fieldPerLayer(dilations) },
      { label: 'no dilation', receptiveField: fieldPerLayer(dilations.map(() => 1)) },
      ...(designed ? [{ label: `designer: ${designed.dilations.join(',')}`, receptiveField: fieldPerLayer(designed.dilations) }] : []),
    ],
  }));
}

function showFigure(id: string, draw: () => string): void {
  const slot = byId(id);
  try {
    slot.innerHTML = draw();
  } catch (error) {
    slot.replaceChildren(Object.assign(document.createElement('p'), { className: 'note-box', textContent: describeError(error) }));
  }
}

function setBadge(id: string, text: string, good: boolean): void {
  const badge = byId(id);
  badge.textContent = text;
  badge.className = `badge ${good ? 'good' : 'bad'}`;
}

// ---- the designer ------------------------------------------------------------------------------------------------

let designer: Worker | null = null;
let designerBusy = false;
let latestRequest = 0;
const progress: Record<DesignReply['search'], string> = { within: '', reaching: '' };

function noDesigns(reason: string): void {
  latestRequest++;
  for (const id of ['within', 'reaching']) showNotes(id, [reason]);
  byId('design-progress').textContent = '';
}

/** Asks the designer worker for both searches; a search still running for an older stack is abandoned. */
function requestDesigns(kernel: number, dilations: number[], rf: number): void {
  if (kernel < 2) {
    noDesigns('the designer needs a kernel of at least 2 taps');
    return;
  }
  latestRequest++;
  for (const id of ['within', 'reaching']) showNotes(id, ['searching…']);
  progress.within = 'starting';
  progress.reaching = 'waiting';
  showProgress();
  if (designer && designerBusy) {
    designer.terminate();
    designer = null;
  }
  designer ??= startDesigner();
  designerBusy = true;
  const request: DesignRequest = {
    id: latestRequest, kernel, layers: dilations.length, maxDilation: Math.max(...dilations), targetRf: rf,
    budgets: DESIGN_BUDGETS, limit: SUGGESTIONS,
  };
  designer.postMessage(request);
}

function showProgress(): void {
  byId('design-progress').textContent = `largest field: ${progress.within}; most uniform: ${progress.reaching}`;
}

function startDesigner(): Worker {
  const worker = new Worker(new URL('./designer-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data: reply }: MessageEvent<DesignReply>) => {
    if (reply.search === 'reaching' && reply.final && reply.id === latestRequest) designerBusy = false;
    if (reply.id !== latestRequest) return;
    const looked = `${reply.budget.toLocaleString('en')} candidates`;
    progress[reply.search] = reply.final
      ? (reply.design?.complete ? 'done (exhaustive)' : reply.error ? 'failed' : `done: best of ${looked}, not exhaustive`)
      : `best of ${looked} so far, searching up to ${reply.maxBudget.toLocaleString('en')}…`;
    if (reply.search === 'within' && reply.final) progress.reaching = 'searching…';
    showProgress();
    showSuggestions(reply.search, reply.design, reply.error, reply.final);
    const best = reply.design?.schedules[0];
    if (reply.search === 'within' && best) showGrowth(best);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    designerBusy = false;
    for (const id of ['within', 'reaching']) showNotes(id, [`the designer failed: ${event.message}`]);
  };
  return worker;
}

function showSuggestions(id: string, design: ScheduleDesign | null, error: string | null, final: boolean): void {
  if (!design) {
    showNotes(id, [error ? plainMessage(error) : 'no answer']);
    return;
  }
  const list = byId<HTMLOListElement>(id);
  list.replaceChildren(...design.schedules.map(suggestion));
  if (design.schedules.length === 0) list.append(note(final ? 'none: no hole-free schedule meets this' : 'none found yet…'));
  if (final && !design.complete) list.append(note('search budget reached: the ranking may miss schedules'));
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
    readField(dilationsInput);
    analyseNow();
    dilationsInput.focus();
  });
  const paths = schedule.minPaths === schedule.maxPaths ? `every offset exactly ${schedule.minPaths}×` : `${schedule.minPaths}–${schedule.maxPaths} paths per offset`;
  item.append(button, ` field ${schedule.rf}, ${paths}`);
  return item;
}

function note(text: string): HTMLLIElement {
  return Object.assign(document.createElement('li'), { className: 'note', textContent: text });
}

// ---- wiring ------------------------------------------------------------------------------------------------------

let pending: ReturnType<typeof setTimeout> | undefined;
const form = byId<HTMLFormElement>('stack-form');

function onEdit(target: HTMLInputElement, immediate: boolean): void {
  clearTimeout(pending);
  const run = () => {
    try {
      readField(target);
    } catch (error) {
      holdError(describeError(error));
      if (immediate) showPendingError();
      return;
    }
    analyseNow();
    if (immediate) showPendingError();
  };
  if (immediate) run();
  else pending = setTimeout(run, TYPING_PAUSE_MS);
}

form.addEventListener('input', (event) => onEdit(event.target as HTMLInputElement, false));
form.addEventListener('change', (event) => {
  const target = event.target as HTMLInputElement;
  if (target.type === 'radio') onEdit(target, true);
});
form.addEventListener('focusout', () => showPendingError());
form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (document.activeElement instanceof HTMLInputElement) onEdit(document.activeElement, true);
});
for (const button of document.querySelectorAll<HTMLButtonElement>('button.preset')) {
  button.addEventListener('click', () => {
    state = clone(PRESETS[button.dataset.preset ?? 'doubling']);
    renderAll();
  });
}
byId('add-layer').addEventListener('click', () => {
  const last = state.layers[state.layers.length - 1];
  state.layers.push({ ...last });
  renderAll();
});
window.addEventListener('hashchange', () => {
  const next = fromFragment(location.hash);
  if (next) {
    state = next;
    renderAll();
  }
});

renderAll();
startGriddingPanel();
startSlidePlayer();
startInspector();
startConvPanel(() => state);
