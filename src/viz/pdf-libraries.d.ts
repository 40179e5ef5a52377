/** The parts of `pdfkit` and `svg-to-pdfkit` (which ship no types) that atrous uses. */
declare module 'pdfkit' {
  interface PdfDocumentOptions {
    size: [number, number];
    margin: number;
    compress?: boolean;
    info?: Record<string, string | Date>;
    autoFirstPage?: boolean;
  }
  class PDFDocument {
    constructor(options: PdfDocumentOptions);
    registerFont(name: string, path: string): this;
    on(event: 'data', listener: (chunk: Uint8Array) => void): this;
    on(event: 'end', listener: () => void): this;
    end(): void;
  }
  export default PDFDocument;
}

declare module 'svg-to-pdfkit' {
  import type PDFDocument from 'pdfkit';
  interface SvgToPdfOptions {
    width?: number;
    height?: number;
    assumePt?: boolean;
    fontCallback?: (family: string, bold: boolean, italic: boolean) => string;
    warningCallback?: (warning: string) => void;
  }
  export default function SVGtoPDF(doc: PDFDocument, svg: string, x: number, y: number, options?: SvgToPdfOptions): void;
}
