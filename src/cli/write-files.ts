/**
 * How the CLI writes files: every output goes first to a temporary file created exclusively (`wx`: never an
 * existing file, never through a planted symlink) under an unpredictable name in the same folder, and is renamed
 * over its destination only once every output of the command has been written. A reader never sees half a file,
 * a failed command leaves nothing behind, and two outputs may not name the same file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OptionError } from '../errors.js';

/** One file a command writes. */
export interface OutputFile {
  path: string;
  bytes: string | Uint8Array;
}

/**
 * Writes all `files` or none: refuses two outputs naming the same file before writing anything, writes each to
 * an exclusive temporary file next to it, then renames them into place. Failures are `OptionError`s on
 * `argument` (the flag that named the file).
 *
 * @example writeFilesAtomically('run', 'output', [{ path: 'y.npy', bytes: writeNpy(y) }]);
 */
export function writeFilesAtomically(op: string, argument: string, files: readonly OutputFile[]): void {
  checkDistinctPaths(op, argument, files.map((f) => f.path));
  const temporaries: string[] = [];
  try {
    for (const { path, bytes } of files) temporaries.push(writeTemporary(path, bytes));
    files.forEach(({ path }, i) => renameSync(temporaries[i], path));
  } catch (error) {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    const failed = files[temporaries.length] ?? files[0];
    throw new OptionError(op, argument, `cannot write ${JSON.stringify(failed.path)} (${(error as Error).message}); give a path in a folder that exists and is writable`);
  }
}

/**
 * Refuses two paths that name the same file (`y.npy` and `./y.npy`), so a command can check its outputs before
 * doing the work. @example checkDistinctPaths('run', 'output', ['a.npy', './a.npy']) // OptionError
 */
export function checkDistinctPaths(op: string, argument: string, paths: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const path of paths) {
    const key = canonicalPath(path);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new OptionError(op, argument, `${JSON.stringify(earlier)} and ${JSON.stringify(path)} name the same file; give each output its own path`);
    }
    seen.set(key, path);
  }
}

/** {@link writeFilesAtomically} for one file. @example writeFileAtomically('coverage.svg', svgText) */
export function writeFileAtomically(path: string, bytes: string | Uint8Array, op = 'plot', argument = 'out'): void {
  writeFilesAtomically(op, argument, [{ path, bytes }]);
}

/** Creates `.<name>.<random>.partial` next to `path` with `wx` and writes `bytes` into it; returns its path. */
function writeTemporary(path: string, bytes: string | Uint8Array): string {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.partial`);
  const fd = openSync(temporary, 'wx', 0o666);
  try {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  return temporary;
}

/** The file a path names, with its folder's symlinks resolved (so `a/../y.npy` and `y.npy` are one file). */
function canonicalPath(path: string): string {
  const absolute = resolve(path);
  try {
    return join(realpathSync(dirname(absolute)), basename(absolute));
  } catch {
    return absolute;
  }
}
