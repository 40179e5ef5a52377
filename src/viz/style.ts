/**
 * A small style set for figures going into slides and papers: the output width, the text size and a dark theme.
 * Applied to a finished figure's SVG, so every figure gets them the same way and the default output is untouched.
 */
import { OptionError, describeValue } from '../errors.js';
import { formatNumber } from './svg.js';

/** Options of {@link styleFigure}; every one optional. */
export interface FigureStyle {
  /** Width of the output in pixels (PNG) or points (PDF); the height follows the figure's proportions. */
  width?: number;
  /** Body text size in pixels (the figures use 12 by default); every label scales by the same factor. */
  fontSize?: number;
  /** `dark`: light text and lines on a near-black background. */
  theme?: 'light' | 'dark';
}

/** The figures' base text size, from which `fontSize` scales. */
const BASE_FONT_SIZE = 12;

/** Light ink and backgrounds → their dark-theme counterparts (data colours stay: they are chosen for both). */
const DARK_COLOURS: Record<string, string> = {
  '#ffffff': '#161616',
  '#222': '#eeeeee',
  '#333': '#dddddd',
  '#555': '#bbbbbb',
  '#555555': '#bbbbbb',
  '#bbbbbb': '#666666',
  '#e3e3e3': '#3a3a3a',
  '#999999': '#888888',
};

/**
 * The figure with the style applied: `width` rescales the `<svg>` size (the viewBox keeps the drawing), `fontSize`
 * multiplies every `font-size`, `theme: 'dark'` swaps the background and the ink colours.
 *
 * @example styleFigure(svg, { width: 1200, fontSize: 14, theme: 'dark' })
 */
export function styleFigure(svg: string, style: FigureStyle): string {
  let out = svg;
  if (style.fontSize !== undefined) {
    if (!(style.fontSize >= 6 && style.fontSize <= 32)) throw new OptionError('styleFigure', 'fontSize', `font size ${describeValue(style.fontSize)} must be between 6 and 32`);
    const factor = style.fontSize / BASE_FONT_SIZE;
    out = out.replace(/font-size="([\d.]+)"/g, (_, size: string) => `font-size="${formatNumber(Number(size) * factor)}"`);
  }
  if (style.theme === 'dark') {
    out = out.replace(/(fill|stroke)="(#[0-9a-fA-F]{3,6})"/g, (match, attribute: string, colour: string) => {
      const dark = DARK_COLOURS[colour.toLowerCase()];
      return dark ? `${attribute}="${dark}"` : match;
    });
  } else if (style.theme !== undefined && style.theme !== 'light') {
    throw new OptionError('styleFigure', 'theme', `theme ${describeValue(style.theme)} must be "light" or "dark"`);
  }
  if (style.width !== undefined) {
    if (!(Number.isInteger(style.width) && style.width >= 100 && style.width <= 8000)) {
      throw new OptionError('styleFigure', 'width', `width ${describeValue(style.width)} must be a whole number of pixels from 100 to 8000`);
    }
    const size = /<svg([^>]*)\swidth="([\d.]+)" height="([\d.]+)"/.exec(out);
    if (!size) throw new OptionError('styleFigure', 'svg', 'the document has no numeric width and height on its <svg> element');
    const height = (Number(size[3]) * style.width) / Number(size[2]);
    out = out.replace(size[0], `<svg${size[1]} width="${style.width}" height="${formatNumber(height)}"`);
  }
  return out;
}
