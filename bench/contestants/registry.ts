import type { Contestant } from '../contestant.js';
import { atrousContestant } from './atrous.js';
import { onnxruntimeNodeContestant, onnxruntimeWebContestant } from './onnxruntime.js';
import { tfjsContestant } from './tfjs.js';

/** A layer-bench contender by the id the command line uses, built inside the process that runs it. */
export interface ContenderSpec {
  id: string;
  /** Part of the default run (the others are chosen with --contenders). */
  standard: boolean;
  /** Slow enough (pure JS, ≤ ~5 GFLOP/s) that it takes one timed sample per round instead of several. */
  slow: boolean;
  /** Only on these layers (the reference kernel runs the context layer, as the core issue quotes it). */
  shapes?: readonly string[];
  /** `defaultThreads`: the thread count atrous uses by default here, which marks the default contestant. */
  make(defaultThreads: number, wasm: boolean): Contestant;
}

/** atrous's WASM backend on one thread, or (`threads` null) on its default thread count, the default contestant. */
const wasmAtrous = (threads: 1 | null, pass: 'forward' | 'backward', standard: boolean): ContenderSpec => ({
  id: `atrous-wasm${threads ? `-${threads}` : ''}${pass === 'backward' ? '-backward' : ''}`, standard, slow: false,
  make: (defaultThreads) => atrousContestant('wasm', threads ?? defaultThreads, pass, (threads ?? defaultThreads) === defaultThreads),
});

/** Every contender, in the order the report lists them. */
export const CONTENDERS: readonly ContenderSpec[] = [
  wasmAtrous(1, 'forward', true),
  wasmAtrous(null, 'forward', true),
  { id: 'atrous-js', standard: true, slow: true, make: (_, wasm) => atrousContestant('js', 1, 'forward', !wasm) },
  { id: 'atrous-reference', standard: false, slow: true, shapes: ['context', 'tiny'], make: () => atrousContestant('reference', 1, 'forward') },
  { id: 'tfjs-wasm', standard: true, slow: false, make: () => tfjsContestant('wasm') },
  { id: 'tfjs-cpu', standard: true, slow: true, make: () => tfjsContestant('cpu') },
  { id: 'ort-web-1', standard: true, slow: false, make: () => onnxruntimeWebContestant(1) },
  { id: 'ort-web-2', standard: true, slow: false, make: () => onnxruntimeWebContestant(2) },
  { id: 'ort-node', standard: true, slow: false, make: () => onnxruntimeNodeContestant() },
  wasmAtrous(1, 'backward', false),
  wasmAtrous(null, 'backward', true),
  { id: 'atrous-js-backward', standard: false, slow: true, make: (_, wasm) => atrousContestant('js', 1, 'backward', !wasm) },
];

/** Specs by id; throws naming the valid ids for an unknown one. */
export function selectContenders(ids?: readonly string[]): ContenderSpec[] {
  if (!ids || ids.length === 0) return CONTENDERS.filter((c) => c.standard);
  return ids.map((id) => {
    const spec = CONTENDERS.find((c) => c.id === id);
    if (!spec) throw new Error(`unknown bench contender "${id}"; valid: ${CONTENDERS.map((c) => c.id).join(', ')}`);
    return spec;
  });
}
