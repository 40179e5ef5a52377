import { closeSync, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { OnnxError, describeValue } from '../errors.js';
import { loadOnnx, type OnnxModel } from './model.js';
import type { ExternalDataReader } from './tensor-data.js';
import { checkAllocation } from '../tensor/memory-budget.js';

/** Bytes read per `readSync` call: below the 2 GiB one call can read, so files of any size are read by range. */
const READ_CHUNK = 2 ** 30;

/**
 * Reads external data for a model in `directory` by range (only the bytes each tensor names, from files of any
 * size), refusing any `location` that could reach outside the folder: absolute paths, `..` segments, and
 * symbolic links that resolve elsewhere.
 *
 * @example loadOnnx(bytes, { externalData: externalDataFromDirectory('/models/big') })
 */
export function externalDataFromDirectory(directory: string): ExternalDataReader {
  let root: string;
  try {
    root = realpathSync(directory);
  } catch (error) {
    throw new OnnxError('externalDataFromDirectory', 'directory', `cannot open the folder ${describeValue(directory)}: ${(error as Error).message}`);
  }
  const checked = new Map<string, string>();
  return (location, offset, length) => {
    const real = checked.get(location) ?? checkLocation(root, location);
    checked.set(location, real);
    return readRange(real, location, offset, length);
  };
}

/** The real path of `location` inside `root`, or an error saying why it may not be read. */
function checkLocation(root: string, location: string): string {
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
  return real;
}

/** `length` bytes of `file` from `offset` (through its end when undefined), read in chunks: no whole-file read. */
function readRange(file: string, location: string, offset: number, length: number | undefined): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const count = length ?? size - offset;
    if (offset > size || count < 0 || count > size - offset) {
      throw new OnnxError('loadOnnxFile', 'external_data', `a tensor reads bytes ${offset}..${offset + count} of ${describeValue(location)}, which has only ${size} bytes`);
    }
    checkAllocation('loadOnnxFile', `external data from ${describeValue(location)}`, count);
    const bytes = new Uint8Array(count);
    for (let done = 0; done < count;) {
      const read = readSync(fd, bytes, done, Math.min(READ_CHUNK, count - done), offset + done);
      if (read === 0) throw new OnnxError('loadOnnxFile', 'external_data', `${describeValue(location)} ended after ${offset + done} bytes while reading a tensor`);
      done += read;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads an `.onnx` file in Node, with its external data files (if any) read from the model's folder.
 *
 * @example const model = loadOnnxFile('fixtures/onnx/aspp.onnx'); model.inputNames // ['input']
 */
export function loadOnnxFile(path: string): OnnxModel {
  if (typeof path !== 'string') throw new OnnxError('loadOnnxFile', 'path', `path ${describeValue(path)} must be a string naming an .onnx file`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new OnnxError('loadOnnxFile', 'path', `cannot read ${describeValue(path)}: ${(error as Error).message}`);
  }
  return loadOnnx(bytes, { externalData: externalDataFromDirectory(dirname(path)) });
}
