import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { OnnxError, describeValue } from '../errors.js';
import { loadOnnx, type OnnxModel } from './model.js';
import type { ExternalDataReader } from './tensor-data.js';

/**
 * Reads external data files for a model in `directory`, refusing any `location` that could reach outside it:
 * absolute paths, `..` segments, and symbolic links that resolve elsewhere. Each file is read once.
 *
 * @example loadOnnx(bytes, { externalData: externalDataFromDirectory('/models/big') })
 */
export function externalDataFromDirectory(directory: string): ExternalDataReader {
  const root = realpathSync(directory);
  const cache = new Map<string, Uint8Array>();
  return (location) => {
    const cached = cache.get(location);
    if (cached) return cached;
    const segments = location.split(/[\\/]/);
    if (location.length === 0 || location.includes('\0') || isAbsolute(location) || /^[a-zA-Z]:/.test(location) || segments.includes('..')) {
      throw new OnnxError('loadOnnxFile', 'external_data', `external data location ${describeValue(location)} must be a relative path inside the model's folder, without ".."`);
    }
    let real: string;
    try {
      real = realpathSync(join(root, ...segments));
    } catch {
      throw new OnnxError('loadOnnxFile', 'external_data', `external data file ${describeValue(location)} does not exist next to the model (in ${root})`);
    }
    const rel = relative(root, real);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
      throw new OnnxError('loadOnnxFile', 'external_data', `external data location ${describeValue(location)} resolves outside the model's folder (to ${real})`);
    }
    if (!statSync(real).isFile()) throw new OnnxError('loadOnnxFile', 'external_data', `external data location ${describeValue(location)} is not a regular file`);
    const bytes = readFileSync(real);
    cache.set(location, bytes);
    return bytes;
  };
}

/**
 * Loads an `.onnx` file in Node, with its external data files (if any) read from the model's folder.
 *
 * @example const model = loadOnnxFile('fixtures/onnx/aspp.onnx'); model.inputNames // ['input']
 */
export function loadOnnxFile(path: string): OnnxModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new OnnxError('loadOnnxFile', 'path', `cannot read ${describeValue(path)}: ${(error as Error).message}`);
  }
  return loadOnnx(bytes, { externalData: externalDataFromDirectory(dirname(path)) });
}
