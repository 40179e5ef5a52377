/**
 * Training checkpoints in one `.safetensors` file: the model's state dict under `model.`, the optimizer's state
 * tensors under `optimizer.<parameter index>.`, and everything else (group hyperparameters, step counts, the
 * scheduler's counters, the caller's own JSON such as the epoch) in the file's metadata. Loading one into a fresh
 * model, optimizer and scheduler and training on gives the same weights, bit for bit, as never stopping.
 */
import { FormatError, describeValue } from '../../errors.js';
import { checkOptionKeys } from '../../options.js';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from '../../tensor/safetensors.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../module.js';
import type { Optimizer, OptimizerStateDict, ParameterState } from './optimizer.js';
import type { LrSchedule, SchedulerState } from './schedulers/lr-scheduler.js';

const METADATA_KEY = 'atrous.checkpoint';
const FORMAT_VERSION = 1;

/** What a checkpoint holds. */
export interface CheckpointParts {
  model: Module;
  optimizer?: Optimizer<{ lr: number }>;
  schedule?: LrSchedule;
  /** Any JSON the caller wants back (epoch, step, best metric). */
  extra?: unknown;
}

interface CheckpointMetadata {
  format: number;
  optimizer?: { paramGroups: OptimizerStateDict['paramGroups']; scalars: Record<string, Record<string, number>> };
  schedule?: SchedulerState;
  extra?: unknown;
}

/**
 * Serializes model, optimizer and scheduler state into `.safetensors` bytes.
 *
 * @example fs.writeFileSync('ckpt.safetensors', saveCheckpoint({ model, optimizer, schedule, extra: { epoch } }));
 */
export function saveCheckpoint(options: CheckpointParts): Uint8Array {
  checkOptionKeys('saveCheckpoint', options, ['model', 'optimizer', 'schedule', 'extra']);
  const tensors = new Map<string, Tensor>();
  for (const [key, t] of options.model.stateDict()) tensors.set(`model.${key}`, t);
  const metadata: CheckpointMetadata = { format: FORMAT_VERSION };
  if (options.optimizer) {
    const { state, paramGroups } = options.optimizer.stateDict();
    const scalars: Record<string, Record<string, number>> = {};
    for (const [index, entry] of state) {
      for (const [key, value] of Object.entries(entry)) {
        if (value instanceof Tensor) tensors.set(`optimizer.${index}.${key}`, value);
        else (scalars[index] ??= {})[key] = value;
      }
    }
    metadata.optimizer = { paramGroups, scalars };
  }
  if (options.schedule) metadata.schedule = options.schedule.stateDict();
  if (options.extra !== undefined) metadata.extra = options.extra;
  return writeSafetensors(tensors, { [METADATA_KEY]: JSON.stringify(metadata) });
}

/**
 * Restores a {@link saveCheckpoint} file into `model` (strictly), `optimizer` and `schedule`; returns the saved
 * `extra`. A part that does not fit raises a typed error and leaves model, optimizer and schedule as they were.
 *
 * @example const { epoch } = loadCheckpoint(fs.readFileSync('ckpt.safetensors'), { model, optimizer, schedule }) as { epoch: number };
 */
export function loadCheckpoint(bytes: Uint8Array, options: CheckpointParts): unknown {
  checkOptionKeys('loadCheckpoint', options, ['model', 'optimizer', 'schedule', 'extra']);
  const { metadata: fileMetadata } = readSafetensorsHeader(bytes);
  const text = fileMetadata[METADATA_KEY];
  if (text === undefined) throw new FormatError('loadCheckpoint', 'bytes', `no "${METADATA_KEY}" metadata: this .safetensors file was not written by saveCheckpoint`);
  let metadata: CheckpointMetadata;
  try { metadata = JSON.parse(text) as CheckpointMetadata; } catch { throw new FormatError('loadCheckpoint', 'bytes', 'the checkpoint metadata is not valid JSON'); }
  if (metadata.format !== FORMAT_VERSION) throw new FormatError('loadCheckpoint', 'bytes', `checkpoint format ${describeValue(metadata.format)}; this atrous reads format ${FORMAT_VERSION}`);
  if (options.optimizer && !metadata.optimizer) throw new FormatError('loadCheckpoint', 'optimizer', 'the checkpoint holds no optimizer state');
  if (options.schedule && !metadata.schedule) throw new FormatError('loadCheckpoint', 'schedule', 'the checkpoint holds no scheduler state');
  const model = new Map<string, Tensor>();
  const optimizerTensors = new Map<number, ParameterState>();
  for (const [name, t] of readSafetensors(bytes)) {
    if (name.startsWith('model.')) model.set(name.slice('model.'.length), t);
    else if (name.startsWith('optimizer.')) {
      const [index, key] = [name.split('.')[1], name.split('.').slice(2).join('.')];
      const entry = optimizerTensors.get(Number(index)) ?? {};
      entry[key] = t;
      optimizerTensors.set(Number(index), entry);
    } else throw new FormatError('loadCheckpoint', 'bytes', `unexpected tensor ${describeValue(name)} in a checkpoint`);
  }
  let optimizerState: OptimizerStateDict | undefined;
  if (options.optimizer && metadata.optimizer) {
    for (const [index, scalars] of Object.entries(metadata.optimizer.scalars)) {
      optimizerTensors.set(Number(index), { ...(optimizerTensors.get(Number(index)) ?? {}), ...scalars });
    }
    optimizerState = { state: optimizerTensors, paramGroups: metadata.optimizer.paramGroups };
  }
  const optimizerBefore = options.optimizer?.stateDict();
  const scheduleBefore = options.schedule?.stateDict();
  try {
    if (optimizerState) options.optimizer!.loadStateDict(optimizerState);
    if (options.schedule && metadata.schedule) options.schedule.loadStateDict(metadata.schedule);
    options.model.loadStateDict(model);
  } catch (error) {
    if (optimizerBefore) options.optimizer!.loadStateDict(optimizerBefore);
    if (scheduleBefore) options.schedule!.loadStateDict(scheduleBefore);
    throw error;
  }
  return metadata.extra;
}
