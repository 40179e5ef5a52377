/**
 * The sliding-kernel player: the library's `slidingKernelFrames` (the frames `atrous animate slide` writes as a
 * GIF) shown one at a time with step and play controls, for a direct or a transposed convolution.
 */
import { AtrousError, slidingKernelFrames, type AnimationFrame } from '../src/browser.js';
import { byId, InputError, parseList, plainMessage } from './dom.js';

const PLAY_INTERVAL_MS = 700;

let frames: AnimationFrame[] = [];
let current = 0;
/** The options drawn, so an edit that changes nothing keeps the current frame. */
let drawn = '';
let timer: ReturnType<typeof setInterval> | undefined;

function read(): Parameters<typeof slidingKernelFrames>[0] {
  const inSize = parseList(byId<HTMLInputElement>('slide-input').value, 'input size', 1);
  if (inSize.length > 2) throw new InputError('the input size is a length or height,width');
  const perDim = (id: string, field: string, min: number) => {
    const values = parseList(byId<HTMLInputElement>(id).value, field, min);
    if (values.length !== 1 && values.length !== inSize.length) throw new InputError(`give one ${field} or one per dimension of the input`);
    return values.length === 1 ? Array(inSize.length).fill(values[0]) as number[] : values;
  };
  const paddingText = byId<HTMLInputElement>('slide-padding').value.trim();
  const transposed = byId<HTMLInputElement>('slide-transposed').checked;
  const named = ['same', 'causal', 'valid'].includes(paddingText);
  if (named && transposed) throw new InputError(`padding "${paddingText}" is for a direct convolution; give a number for a transposed one`);
  return {
    inSize, kernel: perDim('slide-kernel', 'kernel size', 1), stride: perDim('slide-stride', 'stride', 1),
    dilation: perDim('slide-dilation', 'dilation', 1),
    padding: named ? paddingText as 'same' | 'causal' | 'valid' : perDim('slide-padding', 'padding', 0), transposed,
  };
}

function rebuild(): void {
  const error = byId<HTMLParagraphElement>('slide-error');
  try {
    const options = read();
    const key = JSON.stringify(options);
    if (key === drawn) return;
    frames = slidingKernelFrames(options);
    drawn = key;
    current = 0;
    error.hidden = true;
    show();
  } catch (e) {
    if (!(e instanceof InputError || e instanceof AtrousError)) throw e;
    stop();
    drawn = '';
    error.textContent = plainMessage(e.message);
    error.hidden = false;
  }
}

function show(): void {
  if (frames.length === 0) return;
  byId('slide-figure').innerHTML = frames[current].svg;
  byId('slide-count').textContent = `output ${current + 1} of ${frames.length}`;
}

function step(by: number): void {
  if (frames.length === 0) return;
  current = (current + by + frames.length) % frames.length;
  show();
}

function stop(): void {
  clearInterval(timer);
  timer = undefined;
  byId('slide-play').textContent = 'Play';
}

/** Wires the player's form and buttons and draws the first frame. */
export function startSlidePlayer(): void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  byId('slide-form').addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(rebuild, 200);
  });
  byId('slide-form').addEventListener('submit', (event) => event.preventDefault());
  byId('slide-prev').addEventListener('click', () => { stop(); step(-1); });
  byId('slide-next').addEventListener('click', () => { stop(); step(1); });
  byId('slide-play').addEventListener('click', () => {
    if (timer !== undefined) { stop(); return; }
    byId('slide-play').textContent = 'Pause';
    timer = setInterval(() => step(1), PLAY_INTERVAL_MS);
  });
  rebuild();
}
