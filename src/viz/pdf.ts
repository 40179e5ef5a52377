/**
 * SVG → vector PDF through PDFKit (`pdfkit`, maintained, pure JavaScript) and `svg-to-pdfkit` (its SVG importer,
 * pure JavaScript, no DOM): one page the size of the figure, text set in the same DejaVu files PNGs use
 * (embedded as subsets), and a fixed creation date so the same figure gives the same bytes.
 */
import { createRequire } from 'node:module';
import type PDFDocumentClass from 'pdfkit';
import type SVGtoPDFFunction from 'svg-to-pdfkit';
import { OptionError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import { findFontFiles } from './raster.js';

/** What the page is called in the PDF's document information (and what a test can find). */
export interface PdfOptions {
  title: string;
}

/** The libraries, loaded on the first PDF so `import 'atrous'` stays cheap. */
let libraries: { PDFDocument: typeof PDFDocumentClass; SVGtoPDF: typeof SVGtoPDFFunction } | undefined;

function load(): NonNullable<typeof libraries> {
  const require = createRequire(import.meta.url);
  const pdfkit = require('pdfkit') as typeof PDFDocumentClass | { default: typeof PDFDocumentClass };
  const svgToPdf = require('svg-to-pdfkit') as typeof SVGtoPDFFunction | { default: typeof SVGtoPDFFunction };
  return {
    PDFDocument: 'default' in pdfkit ? pdfkit.default : pdfkit,
    SVGtoPDF: 'default' in svgToPdf ? svgToPdf.default : svgToPdf,
  };
}

/**
 * A one-page vector PDF of an SVG figure, the page as large as the figure (1 SVG pixel = 1 PDF point).
 *
 * @example writeFileSync('coverage.pdf', await svgToPdf(coverageHeatmapFigure({ ... }), { title: 'coverage' }))
 */
export function svgToPdf(svg: string, options: PdfOptions): Promise<Uint8Array> {
  // Checked before the first await, so a misspelled option throws at the call like every other entry's.
  checkOptionKeys('svgToPdf', options, optionKeys<PdfOptions>({ title: true }));
  return renderPdf(svg, options);
}

async function renderPdf(svg: string, options: PdfOptions): Promise<Uint8Array> {
  const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!size) throw new OptionError('svgToPdf', 'svg', 'the document has no numeric width and height on its <svg> element');
  const [width, height] = [Number(size[1]), Number(size[2])];
  libraries ??= load();
  const fonts = findFontFiles('svgToPdf');
  const fontFile = (name: string) => fonts.find((f) => f.endsWith(name)) ?? fonts[0];
  const epoch = new Date(0);
  const doc = new libraries.PDFDocument({
    size: [width, height], margin: 0, compress: true,
    info: { Title: options.title, Creator: 'atrous', Producer: 'atrous (PDFKit)', CreationDate: epoch, ModDate: epoch },
  });
  doc.registerFont('DejaVuSans', fontFile('DejaVuSans.ttf'));
  doc.registerFont('DejaVuSans-Bold', fontFile('DejaVuSans-Bold.ttf'));
  doc.registerFont('DejaVuSansMono', fontFile('DejaVuSansMono.ttf'));
  const chunks: Uint8Array[] = [];
  const done = new Promise<void>((resolve) => doc.on('end', resolve));
  doc.on('data', (chunk) => chunks.push(chunk));
  const warnings: string[] = [];
  libraries.SVGtoPDF(doc, svg, 0, 0, {
    width, height, assumePt: true,
    fontCallback: (family, bold) => (family.includes('Mono') ? 'DejaVuSansMono' : bold ? 'DejaVuSans-Bold' : 'DejaVuSans'),
    warningCallback: (warning) => warnings.push(warning),
  });
  doc.end();
  await done;
  if (warnings.length > 0) throw new OptionError('svgToPdf', 'svg', `the figure could not be converted exactly: ${warnings.join('; ')}`);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) { bytes.set(c, offset); offset += c.length; }
  return bytes;
}
