import { Resvg } from '@resvg/resvg-js';

/** Parses an SVG with resvg's XML parser (throws on malformed markup) and returns its pixel size. */
export function parseSvg(svg: string): { width: number; height: number } {
  const r = new Resvg(svg, { font: { loadSystemFonts: false } });
  return { width: r.width, height: r.height };
}

/** Every element `<name ...>` whose attributes include `class="className"`, as attribute maps. */
export function elementsWithClass(svg: string, name: string, className: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of svg.matchAll(new RegExp(`<${name}\\s([^>]*?)/?>`, 'g'))) {
    const attrs = Object.fromEntries([...match[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (attrs.class === className) found.push(attrs);
  }
  return found;
}

/** The RGB of pixel (x, y) of RGBA data `width` wide, as `#rrggbb`. */
export function pixelHex(data: Uint8Array, width: number, x: number, y: number): string {
  const i = (y * width + x) * 4;
  return `#${[0, 1, 2].map((c) => data[i + c].toString(16).padStart(2, '0')).join('')}`;
}
