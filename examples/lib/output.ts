/** Writing an example's figures: SVG rendered to PNG, each file created under a fresh name and renamed into place. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { svgToPng } from '../../src/index.js';

/** Renders `svg` to `<outDir>/<name>.png` at twice its size and returns the path. */
export function writeFigure(outDir: string, name: string, svg: string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `${name}.png`);
  const bytes = svgToPng(svg, 1.5);
  const temporary = join(outDir, `.${name}.${randomBytes(6).toString('hex')}.partial`);
  try {
    writeFileSync(temporary, bytes, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return path;
}
