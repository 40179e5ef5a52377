/**
 * A small training loop for long runs: draws a batch, runs forward and backward, clips, steps the optimizer
 * and schedule, and prints a progress line with the loss, steps per second and time left.
 */
import { backward } from '../../autograd/backward.js';
import type { Variable } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';
import type { Module } from '../module.js';
import { clipGradNorm } from './clip.js';
import type { Optimizer } from './optimizer.js';
import type { LrSchedule } from './schedule.js';

/** Options of {@link fit}. */
export interface FitOptions {
  model: Module;
  optimizer: Optimizer;
  /** Number of optimizer steps. */
  steps: number;
  /** The loss of one step's batch (step counts from 0); must return a single-value Variable. */
  loss: (step: number) => Variable;
  schedule?: LrSchedule;
  /** Clip the joint gradient norm to this value before each step. */
  clipNorm?: number;
  /** Print every this many steps (default 50) and after the last. */
  logEvery?: number;
  /** Where progress lines go (default `console.log`; pass `() => {}` for silence). */
  log?: (line: string) => void;
  /** Clock in milliseconds (default `performance.now`), replaceable for tests. */
  now?: () => number;
}

/** What {@link fit} returns. */
export interface FitResult {
  /** The loss at every step. */
  losses: number[];
  /** Wall time in seconds. */
  seconds: number;
}

/**
 * Trains `model` for `steps` steps in training mode.
 *
 * @example
 * fit({ model, optimizer: new Adam(model.parameters(), { lr: 3e-3 }), steps: 500,
 *       loss: () => F.mseLoss(model.forward(x), y) });
 * // step 50/500  loss 0.4821  212.3 steps/s  ETA 2s
 */
export function fit(options: FitOptions): FitResult {
  const { model, optimizer, steps, schedule, clipNorm } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new OptionError('fit', 'steps', `steps ${describeValue(steps)} must be a positive integer`);
  const logEvery = options.logEvery ?? 50;
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => performance.now());
  model.train();
  const losses: number[] = [];
  const start = now();
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss = options.loss(step);
    if (loss.size !== 1) throw new OptionError('fit', 'loss', `loss must return a single value, got shape ${describeValue(loss.shape)}`);
    backward(loss);
    if (clipNorm !== undefined) clipGradNorm(optimizer.parameters, clipNorm);
    optimizer.step();
    schedule?.step();
    losses.push(loss.data[0]);
    if ((step + 1) % logEvery === 0 || step + 1 === steps) log(progressLine(step + 1, steps, loss.data[0], (now() - start) / 1000));
  }
  return { losses, seconds: (now() - start) / 1000 };
}

/**
 * One progress line: `step 120/500  loss 0.0123  14.2 steps/s  ETA 27s`.
 *
 * @example progressLine(120, 500, 0.0123, 8.45) // 'step 120/500  loss 0.01230  14.2 steps/s  ETA 27s'
 */
export function progressLine(step: number, total: number, loss: number, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? step / elapsedSeconds : Infinity;
  const remaining = Number.isFinite(rate) ? (total - step) / rate : 0;
  return `step ${step}/${total}  loss ${loss.toPrecision(4)}  ${Number.isFinite(rate) ? rate.toFixed(1) : '∞'} steps/s  ETA ${formatDuration(remaining)}`;
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
