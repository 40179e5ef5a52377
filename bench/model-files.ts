/**
 * The whole-model benchmark's files: exported by `scripts/make_bench_models.py` into bench/models/ (git-ignored),
 * described by its manifest.json. Names here are the command line's (`--select`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** bench/models/ of the checkout (this file runs from dist/bench/). */
export const MODELS_DIR = fileURLToPath(new URL('../../bench/models/', import.meta.url));
export const EXPORT_SCRIPT = fileURLToPath(new URL('../../scripts/make_bench_models.py', import.meta.url));
export const TORCH_TRAINING_SCRIPT = fileURLToPath(new URL('../../scripts/bench_torch_training.py', import.meta.url));

/** Inference models, in report order. */
export const MODEL_NAMES = ['wavenet', 'deeplabv3-mobilenetv3', 'deeplabv3-resnet50', 'context-module', 'conv-tasnet'] as const;
/** Training nets, in report order. */
export const TRAINING_NAMES = ['tcn', 'wavenet-train', 'segmentation'] as const;

export interface ModelEntry {
  file: string;
  inputName: string;
  inputShape: number[];
  description: string;
}

export interface TrainingEntry {
  file: string;
  inputShape: number[];
  loss: 'mse' | 'cross-entropy';
  description: string;
}

interface Manifest {
  models: Record<string, ModelEntry>;
  training: Record<string, TrainingEntry>;
}

/** The manifest, or null when the models have not been exported yet. */
export function readManifest(): Manifest | null {
  const path = join(MODELS_DIR, 'manifest.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as Manifest : null;
}

export function modelEntry(name: string): ModelEntry {
  const entry = readManifest()?.models[name];
  if (!entry) throw new Error(`bench model ${name} is not exported; run /usr/bin/python3 scripts/make_bench_models.py`);
  return entry;
}

export function trainingEntry(name: string): TrainingEntry {
  const entry = readManifest()?.training[name];
  if (!entry) throw new Error(`bench training net ${name} is not exported; run /usr/bin/python3 scripts/make_bench_models.py`);
  return entry;
}
