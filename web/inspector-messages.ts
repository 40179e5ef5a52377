import type { AnalysisReport } from '../src/browser.js';

/** A model to read (the file's bytes, transferred) or a layer whose coverage to count. */
export type InspectorRequest =
  | { kind: 'model'; id: number; name: string; bytes: ArrayBuffer; shape: number[] | null }
  | { kind: 'coverage'; id: number; node: string };

export type InspectorReply =
  | { kind: 'model'; id: number; name: string; report: AnalysisReport; notes: string[]; opTypes: Record<string, string>; input: string; shape: number[] }
  | { kind: 'coverage'; id: number; node: string; rows: number[][]; description: string }
  | { kind: 'error'; id: number; message: string };
