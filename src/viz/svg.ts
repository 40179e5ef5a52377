/**
 * A tiny SVG writer whose output is a pure function of its input: attributes keep the order they are given in and
 * numbers are printed with at most two decimals, so the same figure is byte-identical on every machine (and
 * committed examples diff cleanly).
 */

/** Attribute values; `undefined` leaves the attribute out. */
export type Attributes = Record<string, string | number | undefined>;

/** The font every figure asks for; `svgToPng` loads exactly this family so text renders the same everywhere. */
export const FONT_FAMILY = 'DejaVu Sans';

/**
 * A number as SVG text: rounded to two decimals, no trailing zeros, no `-0`.
 *
 * @example formatNumber(1 / 3) // "0.33"
 */
export function formatNumber(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/**
 * Escapes `&`, `<`, `>` and `"` for text and attribute values.
 *
 * @example escapeXml('a < b') // "a &lt; b"
 */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One element as markup; children are already-rendered markup (use {@link text} for character data).
 *
 * @example element('rect', { x: 0, y: 0, width: 10, height: 10, fill: '#000' }) // '<rect x="0" ... />'
 */
export function element(name: string, attributes: Attributes = {}, ...children: string[]): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? formatNumber(v) : escapeXml(v as string)}"`)
    .join('');
  return children.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>${children.join('')}</${name}>`;
}

/** Where a label's anchor point sits relative to its text. */
export type TextAnchor = 'start' | 'middle' | 'end';

/** Options for {@link text}. */
export interface TextOptions {
  size?: number;
  anchor?: TextAnchor;
  weight?: 'normal' | 'bold';
  fill?: string;
  /** Degrees, about the anchor point (−90 for a vertical axis label). */
  rotate?: number;
  className?: string;
  monospace?: boolean;
}

/**
 * A text label at `(x, y)` (the baseline), escaped.
 *
 * @example text(10, 20, 'receptive field', { size: 12, anchor: 'middle' })
 */
export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  return element('text', {
    x, y,
    'font-size': options.size ?? 12,
    'text-anchor': options.anchor ?? 'start',
    'font-weight': options.weight === 'bold' ? 'bold' : undefined,
    'font-family': options.monospace ? 'DejaVu Sans Mono' : undefined,
    fill: options.fill ?? '#222',
    transform: options.rotate ? `rotate(${formatNumber(options.rotate)} ${formatNumber(x)} ${formatNumber(y)})` : undefined,
    class: options.className,
  }, escapeXml(content));
}

/** Size and accessible title of a whole figure. */
export interface DocumentOptions {
  width: number;
  height: number;
  /** Read by screen readers and shown as a tooltip; also the `<title>` a test can look for. */
  title: string;
  background?: string;
}

/**
 * A complete SVG document with a white background and the project font.
 *
 * @example svgDocument({ width: 100, height: 50, title: 'empty' }, [])
 */
export function svgDocument(options: DocumentOptions, body: readonly string[]): string {
  const { width, height } = options;
  return element('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    width, height,
    viewBox: `0 0 ${formatNumber(width)} ${formatNumber(height)}`,
    'font-family': `${FONT_FAMILY}, sans-serif`,
  },
  element('title', {}, escapeXml(options.title)),
  element('rect', { x: 0, y: 0, width, height, fill: options.background ?? '#ffffff' }),
  ...body) + '\n';
}
