/**
 * Runs a batch of fuzz cases (a JSON file named by argv[2]) in this process, which the parent test has limited to
 * 4 GiB: each op on the default backend, compared with the reference backend when the work is small enough to
 * recompute there; each CLI command through `main`. Prints one JSON line when a case starts and one with its
 * outcome, so the parent can name the case that was running if this process dies.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { decodeCases } from './limited-child.js';
import { main } from '../../src/cli/main.js';
import {
  AtrousError, arange, avgPool, conv, convBackward, convTranspose, full, getBackend, maxPool, pad, randn, ready, setBackend, tensor, zeros,
  type Tensor,
} from '../../src/index.js';

export type FuzzCase =
  | { kind: 'conv' | 'convTranspose' | 'convBackward'; x: unknown; w: unknown; options: Record<string, unknown> }
  | { kind: 'pad'; x: unknown; padding: unknown; options: Record<string, unknown> }
  | { kind: 'maxPool' | 'avgPool'; x: unknown; options: Record<string, unknown> }
  | { kind: 'zeros' | 'randn'; shape: unknown }
  | { kind: 'full'; shape: unknown; value: unknown }
  | { kind: 'arange'; args: unknown[] }
  | { kind: 'tensor'; data: unknown; shape: unknown }
  | { kind: 'cli'; argv: string[] };

export interface FuzzOutcome {
  i: number;
  /** `value`: a result; `refused`: a typed atrous error (or CLI exit 1/2); `raw`: anything else (a failure). */
  outcome: 'value' | 'refused' | 'raw';
  detail: string;
  /** Largest difference from the reference backend, when compared (relative to the largest magnitude). */
  error?: number;
  compared?: boolean;
}

/** Results of this many values or fewer (and this much work) are recomputed on the reference backend. */
const COMPARE_VALUES = 2 ** 18;
const COMPARE_WORK = 2 ** 24;

/** Seeded data of `shape`; an impossible shape is left to the op under test to refuse (as a user's would be). */
function data(shape: unknown, seed: number): Tensor {
  return randn(shape as number[], seed);
}

function runOp(c: Exclude<FuzzCase, { kind: 'cli' }>): { tensors: Tensor[]; work: number } {
  switch (c.kind) {
    case 'conv': case 'convTranspose': case 'convBackward': {
      const x = data(c.x, 1), w = data(c.w, 2);
      if (c.kind === 'conv') { const y = conv(x, w, c.options); return { tensors: [y], work: y.size * w.size }; }
      if (c.kind === 'convTranspose') { const y = convTranspose(x, w, c.options); return { tensors: [y], work: x.size * w.size }; }
      const y = conv(x, w, c.options);
      const g = convBackward(x, w, data(y.shape, 3), c.options);
      return { tensors: [g.input, g.weight], work: 3 * y.size * w.size };
    }
    case 'pad': { const y = pad(data(c.x, 1), c.padding as number, c.options); return { tensors: [y], work: y.size }; }
    case 'maxPool': case 'avgPool': {
      const y = (c.kind === 'maxPool' ? maxPool : avgPool)(data(c.x, 1), c.options as never);
      return { tensors: [y], work: y.size * 64 };
    }
    case 'zeros': { const y = zeros(c.shape as number[]); return { tensors: [y], work: y.size }; }
    case 'randn': { const y = randn(c.shape as number[], 4); return { tensors: [y], work: y.size }; }
    case 'full': { const y = full(c.shape as number[], c.value as number); return { tensors: [y], work: y.size }; }
    case 'arange': { const y = (arange as (...a: unknown[]) => Tensor)(...c.args); return { tensors: [y], work: y.size }; }
    case 'tensor': { const y = tensor(c.data as number[], c.shape as number[]); return { tensors: [y], work: y.size }; }
  }
}

/** max |a − b| / max(1, max |b|) over the values, NaN where one is finite and the other is not. */
function difference(a: Tensor[], b: Tensor[]): number {
  let worst = 0;
  a.forEach((t, k) => {
    const ref = b[k].data;
    let scale = 1;
    for (const v of ref) if (Math.abs(v) > scale) scale = Math.abs(v);
    for (let i = 0; i < ref.length; i++) {
      if (Number.isFinite(ref[i]) !== Number.isFinite(t.data[i])) return void (worst = NaN);
      if (Number.isFinite(ref[i])) worst = Math.max(worst, Math.abs(t.data[i] - ref[i]) / scale);
    }
  });
  return worst;
}

async function runCase(i: number, c: FuzzCase): Promise<FuzzOutcome> {
  if (c.kind === 'cli') {
    let err = '';
    const code = await main(c.argv, { out: () => {}, err: (t) => { err += t; } });
    if (code === 0) return { i, outcome: 'value', detail: 'exit 0' };
    if (code === 1 || code === 2) return { i, outcome: 'refused', detail: `exit ${code}: ${err.split('\n')[0]}` };
    return { i, outcome: 'raw', detail: `exit ${code}: ${err}` };
  }
  const backend = getBackend();
  let first: { tensors: Tensor[]; work: number };
  try {
    first = runOp(c);
  } catch (error) {
    if (error instanceof AtrousError) return { i, outcome: 'refused', detail: `${error.name}: ${error.message.slice(0, 200)}` };
    return { i, outcome: 'raw', detail: (error as Error)?.stack ?? String(error) };
  }
  const shapes = first.tensors.map((t) => t.shape.join('×')).join(', ');
  const values = first.tensors.reduce((n, t) => n + t.size, 0);
  if (values > COMPARE_VALUES || first.work > COMPARE_WORK) return { i, outcome: 'value', detail: shapes, compared: false };
  setBackend('reference');
  try {
    const reference = runOp(c);
    return { i, outcome: 'value', detail: shapes, compared: true, error: difference(first.tensors, reference.tensors) };
  } catch (error) {
    return { i, outcome: 'raw', detail: `the reference backend threw where ${backend} answered: ${(error as Error)?.stack}` };
  } finally {
    setBackend(backend);
  }
}

// Only when started as the worker with a batch: `node --test dist/test/` also loads this file, without one.
if (process.argv[2] !== undefined && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runBatch(process.argv[2]);

async function runBatch(file: string): Promise<void> {
  await ready();
  const cases = decodeCases(readFileSync(file, 'utf8')) as { i: number; case: FuzzCase }[];
  for (const { i, case: c } of cases) {
    process.stdout.write(`${JSON.stringify({ start: i })}\n`);
    process.stdout.write(`${JSON.stringify(await runCase(i, c))}\n`);
  }
}
