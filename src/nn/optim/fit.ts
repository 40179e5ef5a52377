/**
 * A training loop for long runs, as a PyTorch user writes by hand: draws a batch, runs forward and backward,
 * clips, steps the optimizer and schedule, validates every so often (metrics, ReduceLROnPlateau, early stopping,
 * best checkpoint), calls the caller's callbacks, prints a progress line, and resumes exactly from a checkpoint.
 */
import { backward } from '../../autograd/backward.js';
import { noGrad, type Variable } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';
import { checkOptionKeys } from '../../options.js';
import type { Module } from '../module.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { clipGradNorm } from './clip.js';
import type { Optimizer } from './optimizer.js';
import type { LrSchedule } from './schedulers/lr-scheduler.js';
import { ReduceLROnPlateau } from './schedulers/reduce-lr-on-plateau.js';

/** What callbacks and checkpoints are told about a step. */
export interface StepInfo {
  /** Steps done so far (1 after the first). */
  step: number;
  loss: number;
  lr: number;
  /** Validation metrics of this step, when it validated. */
  metrics?: Record<string, number>;
}

/** Options of {@link fit}. */
export interface FitOptions {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  /** Number of optimizer steps in the whole run (a resumed run continues up to the same number). */
  steps: number;
  /** The loss of one step's batch (step counts from 0; `loader.batchAt(step)` gives a resumable batch); one value. */
  loss: (step: number) => Variable;
  /** Stepped after every optimizer step, or with the validation loss after each validation for ReduceLROnPlateau. */
  schedule?: LrSchedule;
  /** Clip the joint gradient norm to this value before each step. */
  clipNorm?: number;
  /** The validation loss (run in eval mode without gradients); enables `metrics`, early stopping and `onCheckpoint`'s best. */
  validate?: () => number;
  /** More validation numbers, each `() => number`, reported with the loss. */
  metrics?: Record<string, () => number>;
  /** Validate every this many steps (default `logEvery`) and after the last. */
  validateEvery?: number;
  /** Stop when the validation loss has not improved by `minDelta` for `patience` validations. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Receives a checkpoint (`saveCheckpoint` bytes) at each new best validation loss, or every `checkpointEvery` steps without `validate`. */
  onCheckpoint?: (bytes: Uint8Array, info: StepInfo & { best: boolean }) => void;
  checkpointEvery?: number;
  /** A checkpoint from `onCheckpoint` to continue from: weights, optimizer, schedule and step are restored. */
  resumeFrom?: Uint8Array;
  /** Called after every step; return `'stop'` to end training. */
  onStep?: (info: StepInfo) => void | 'stop';
  /** Print every this many steps (default 50) and after the last. */
  logEvery?: number;
  /** Where progress lines go (default `console.log`; pass `() => {}` for silence). */
  log?: (line: string) => void;
  /** Clock in milliseconds (default `performance.now`), replaceable for tests. */
  now?: () => number;
}

/** What {@link fit} returns. */
export interface FitResult {
  /** The loss at every step run by this call. */
  losses: number[];
  /** Validation results: the step and its metrics (`loss` is the validation loss). */
  validations: { step: number; metrics: Record<string, number> }[];
  /** Steps done in all (a resumed run counts the steps before the checkpoint). */
  stepsDone: number;
  /** Why training ended. */
  stoppedBy: 'steps' | 'earlyStopping' | 'callback';
  /** Best validation loss seen, if validating. */
  bestValidationLoss?: number;
  /** Wall time in seconds. */
  seconds: number;
}

const FIT_KEYS = ['model', 'optimizer', 'steps', 'loss', 'schedule', 'clipNorm', 'validate', 'metrics', 'validateEvery', 'earlyStopping',
  'onCheckpoint', 'checkpointEvery', 'resumeFrom', 'onStep', 'logEvery', 'log', 'now'] as const;

/**
 * Trains `model` for `steps` steps in training mode.
 *
 * @example
 * fit({ model, optimizer: new Adam(model.parameters(), { lr: 3e-3 }), steps: 500,
 *       loss: (step) => F.mseLoss(model.forward(loader.batchAt(step).x), loader.batchAt(step).y),
 *       validate: () => F.mseLoss(model.forward(xVal), yVal).data[0], earlyStopping: { patience: 5 },
 *       onCheckpoint: (bytes) => fs.writeFileSync('best.safetensors', bytes) });
 * // step 50/500  loss 0.4821  val 0.5012  212.3 steps/s  ETA 2s
 */
export function fit(options: FitOptions): FitResult {
  checkOptionKeys('fit', options, FIT_KEYS);
  const { model, optimizer, steps, schedule, clipNorm, validate, earlyStopping } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new OptionError('fit', 'steps', `steps ${describeValue(steps)} must be a positive integer`);
  if (typeof options.loss !== 'function') throw new OptionError('fit', 'loss', 'loss must be a function (step) => Variable');
  const logEvery = positiveInteger('logEvery', options.logEvery ?? 50);
  const validateEvery = positiveInteger('validateEvery', options.validateEvery ?? logEvery);
  const checkpointEvery = options.checkpointEvery === undefined ? undefined : positiveInteger('checkpointEvery', options.checkpointEvery);
  if (earlyStopping !== undefined) {
    checkOptionKeys('fit.earlyStopping', earlyStopping, ['patience', 'minDelta']);
    if (!validate) throw new OptionError('fit', 'earlyStopping', 'early stopping watches the validation loss: give validate too');
    if (!Number.isInteger(earlyStopping.patience) || earlyStopping.patience < 1) throw new OptionError('fit', 'earlyStopping.patience', `patience ${describeValue(earlyStopping.patience)} must be a positive integer`);
  }
  if (schedule instanceof ReduceLROnPlateau && !validate) throw new OptionError('fit', 'schedule', 'ReduceLROnPlateau steps on the validation loss: give validate too');
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => performance.now());

  let startStep = 0;
  let best: number | undefined;
  let badValidations = 0;
  if (options.resumeFrom !== undefined) {
    const extra = loadCheckpoint(options.resumeFrom, { model, optimizer, schedule }) as { step?: unknown; best?: unknown; badValidations?: unknown } | undefined;
    if (!extra || !Number.isInteger(extra.step)) throw new OptionError('fit', 'resumeFrom', 'the checkpoint was not written by fit (no step in its metadata)');
    startStep = extra.step as number;
    best = typeof extra.best === 'number' ? extra.best : undefined;
    badValidations = typeof extra.badValidations === 'number' ? extra.badValidations : 0;
  }
  const checkpoint = (info: StepInfo, isBest: boolean): void => {
    options.onCheckpoint?.(saveCheckpoint({ model, optimizer, schedule, extra: { step: info.step, best: best ?? null, badValidations } }), { ...info, best: isBest });
  };

  model.train();
  const losses: number[] = [];
  const validations: FitResult['validations'] = [];
  let stoppedBy: FitResult['stoppedBy'] = 'steps';
  let step = startStep;
  const start = now();
  while (step < steps) {
    optimizer.zeroGrad();
    const loss = options.loss(step);
    if (!loss || loss.size !== 1) throw new OptionError('fit', 'loss', `loss must return a single value, got shape ${describeValue(loss?.shape)}`);
    const value = loss.data[0];
    if (!Number.isFinite(value)) throw new OptionError('fit', 'loss', `the loss at step ${step} is ${value}; lower the learning rate or clip gradients (clipNorm)`);
    backward(loss);
    if (clipNorm !== undefined) clipGradNorm(optimizer.parameters, clipNorm);
    optimizer.step();
    if (schedule && !(schedule instanceof ReduceLROnPlateau)) schedule.step();
    step++;
    losses.push(value);
    const info: StepInfo = { step, loss: value, lr: optimizer.lr };

    let isBest = false;
    if (validate && (step % validateEvery === 0 || step === steps)) {
      model.eval();
      const metrics = noGrad(() => {
        const out: Record<string, number> = { loss: validate() };
        for (const [name, metric] of Object.entries(options.metrics ?? {})) out[name] = metric();
        return out;
      });
      model.train();
      validations.push({ step, metrics });
      info.metrics = metrics;
      if (schedule instanceof ReduceLROnPlateau) schedule.step(metrics.loss);
      const minDelta = earlyStopping?.minDelta ?? 0;
      if (best === undefined || metrics.loss < best - minDelta) { best = metrics.loss; badValidations = 0; isBest = true; } else badValidations++;
      if (isBest) checkpoint(info, true);
    } else if (!validate && checkpointEvery !== undefined && step % checkpointEvery === 0) {
      checkpoint(info, false);
    }
    if ((step % logEvery === 0 || step === steps)) log(progressLine(step, steps, value, (now() - start) / 1000, step - startStep, info.metrics?.loss));
    if (options.onStep?.(info) === 'stop') { stoppedBy = 'callback'; break; }
    if (earlyStopping && badValidations >= earlyStopping.patience) {
      stoppedBy = 'earlyStopping';
      log(`early stopping at step ${step}: validation loss has not improved for ${badValidations} validations (best ${best!.toPrecision(4)})`);
      break;
    }
  }
  return { losses, validations, stepsDone: step, stoppedBy, bestValidationLoss: best, seconds: (now() - start) / 1000 };
}

function positiveInteger(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new OptionError('fit', key, `${key} ${describeValue(value)} must be a positive integer`);
  return value;
}

/**
 * One progress line: `step 120/500  loss 0.0123  val 0.0150  14.2 steps/s  ETA 27s`. The rate counts the steps run
 * since this call started (`stepsRun`, by default all of `step`).
 *
 * @example progressLine(120, 500, 0.0123, 8.45) // 'step 120/500  loss 0.01230  14.2 steps/s  ETA 27s'
 */
export function progressLine(step: number, total: number, loss: number, elapsedSeconds: number, stepsRun = step, validationLoss?: number): string {
  const rate = elapsedSeconds > 0 ? stepsRun / elapsedSeconds : Infinity;
  const remaining = Number.isFinite(rate) ? (total - step) / rate : 0;
  const validation = validationLoss === undefined ? '' : `  val ${validationLoss.toPrecision(4)}`;
  return `step ${step}/${total}  loss ${loss.toPrecision(4)}${validation}  ${Number.isFinite(rate) ? rate.toFixed(1) : '∞'} steps/s  ETA ${formatDuration(remaining)}`;
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
