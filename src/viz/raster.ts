/**
 * SVG → pixels through resvg (`@resvg/resvg-js`, a maintained Rust renderer whose binary ships in its npm
 * package). Text is drawn only with the DejaVu font files of the `dejavu-fonts-ttf` npm package (a dependency,
 * so a fresh `npm install` has them), never with whatever fonts a machine happens to have, so a figure
 * rasterizes the same everywhere.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Resvg } from '@resvg/resvg-js';
import { OptionError } from '../errors.js';
import { FONT_FAMILY } from './svg.js';

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf'];

/** The exact instruction printed when the font is missing. */
export const FONT_INSTALL_HINT = 'reinstall the dependencies (npm install brings dejavu-fonts-ttf) or set ATROUS_FONT_DIR to a folder holding DejaVuSans.ttf';

/** The `ttf/` folder of the `dejavu-fonts-ttf` package, or undefined when it is not installed. */
function packagedFontDirectory(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch {
    return undefined;
  }
}

/**
 * The DejaVu font files that PNG and GIF output render text with: from `ATROUS_FONT_DIR` if set, else the
 * `dejavu-fonts-ttf` package. Throws an `OptionError` that says what to do when `DejaVuSans.ttf` is nowhere.
 *
 * @example findFontFiles() // ['.../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', ...]
 */
export function findFontFiles(op = 'svgToPng'): string[] {
  const override = process.env.ATROUS_FONT_DIR;
  const directories = (override ? [override] : [packagedFontDirectory()]).filter((d): d is string => d !== undefined);
  for (const directory of directories) {
    if (existsSync(join(directory, FONT_FILES[0]))) {
      return FONT_FILES.map((f) => join(directory, f)).filter((f) => existsSync(f));
    }
  }
  throw new OptionError(op, 'font', `no ${FONT_FILES[0]} in ${directories.join(', ')}; ${FONT_INSTALL_HINT}`);
}

/** A rasterized image: RGBA bytes, row-major, 4 per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** resvg's native binding, loaded on the first rasterization so `import 'atrous'` stays cheap. */
let ResvgClass: typeof Resvg | undefined;

function renderer(svg: string, scale: number, op: string): Resvg {
  ResvgClass ??= (createRequire(import.meta.url)('@resvg/resvg-js') as { Resvg: typeof Resvg }).Resvg;
  return new ResvgClass(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: { loadSystemFonts: false, fontFiles: findFontFiles(op), defaultFontFamily: FONT_FAMILY, monospaceFamily: 'DejaVu Sans Mono' },
    shapeRendering: 2,
    textRendering: 1,
  });
}

/**
 * PNG bytes of an SVG document, optionally zoomed (`scale` 2 for a sharper image).
 *
 * @example writeFileSync('figure.png', svgToPng(effectiveKernelFigure()))
 */
export function svgToPng(svg: string, scale = 1): Uint8Array {
  return new Uint8Array(renderer(svg, scale, 'svgToPng').render().asPng());
}

/**
 * Raw RGBA pixels of an SVG document (for GIF frames).
 *
 * @example const { width, height, pixels } = svgToRgba(svg)
 */
export function svgToRgba(svg: string, scale = 1): RgbaImage {
  const image = renderer(svg, scale, 'svgToRgba').render();
  return { width: image.width, height: image.height, pixels: new Uint8Array(image.pixels) };
}
