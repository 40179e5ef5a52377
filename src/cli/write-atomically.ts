import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FormatError } from '../errors.js';

/**
 * Writes `bytes` to `path` through a temporary file created exclusively in the same folder and renamed over
 * `path` when complete, so a failure (a full disk, a killed process) never leaves half a file under the real name.
 *
 * @example writeFileAtomically('stream', 'out.wav', writeWav(audio));
 */
export function writeFileAtomically(op: string, path: string, bytes: Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temporary, 'wx');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    closeSync(fd);
    fd = null;
    renameSync(temporary, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(temporary, { force: true });
    throw new FormatError(op, 'out', `cannot write ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}
