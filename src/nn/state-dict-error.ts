import { ShapeError } from '../errors.js';

/** One tensor that did not fit while loading a state dict. */
export interface StateDictMismatch {
  key: string;
  kind: 'missing' | 'unexpected' | 'shape';
  /** The shape the module holds (missing, shape). */
  expected?: readonly number[];
  /** The shape the state dict offered (unexpected, shape). */
  actual?: readonly number[];
}

/**
 * A state dict did not fit a module: lists every missing, unexpected and mis-shaped tensor at once, as
 * PyTorch's `load_state_dict` does, so a user fixes the whole mapping in one pass. Nothing is loaded.
 *
 * @example
 * try { model.loadStateDict(weights); } catch (e) { if (e instanceof StateDictError) console.log(e.mismatches); }
 */
export class StateDictError extends ShapeError {
  readonly mismatches: readonly StateDictMismatch[];

  constructor(op: string, mismatches: readonly StateDictMismatch[]) {
    const describe = (m: StateDictMismatch): string =>
      m.kind === 'missing' ? `missing "${m.key}" (expected shape [${m.expected?.join(', ')}])`
        : m.kind === 'unexpected' ? `unexpected "${m.key}" (shape [${m.actual?.join(', ')}])`
          : `"${m.key}" has shape [${m.actual?.join(', ')}] but the module expects [${m.expected?.join(', ')}]`;
    super(op, 'stateDict', `the state dict does not fit the module (${mismatches.length} problem${mismatches.length === 1 ? '' : 's'}): ${mismatches.map(describe).join('; ')}`);
    this.mismatches = mismatches;
  }
}
