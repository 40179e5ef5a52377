import { OptionError, describeValue } from '../errors.js';
import { coverage } from './coverage.js';
import { convStack } from './graph.js';

/** The Hybrid Dilated Convolution check of a stack, next to the exact coverage. */
export interface HdcReport {
  kernel: number;
  dilations: number[];
  /** `M_1 … M_n` (index 0 is M_1): the largest distance between two nonzero values the stack above can leave. */
  M: number[];
  /** The rule's verdict `M_2 ≤ K` (a single layer passes only at dilation 1, where it has no gaps). */
  passes: boolean;
  /** Holes in the exact coverage of the same stack (the authority). */
  holes: number;
  /** Whether the rule's verdict matches the exact coverage. */
  agrees: boolean;
  message: string;
}

/**
 * Wang et al. (WACV 2018, "Understanding Convolution for Semantic Segmentation"): with `M_n = r_n` and
 * `M_i = max[M_{i+1} − 2r_i, M_{i+1} − 2(M_{i+1} − r_i), r_i]`, a stack of `K`-tap layers is declared free of
 * gridding when `M_2 ≤ K`. The rule is a sufficient-looking heuristic, not a proof: it passes `[2, 2, 2]`,
 * whose exact coverage reads only every second offset. `agrees` says whether it matched the exact count here.
 *
 * @example hdcCheck(3, [2, 2, 2]).passes // true, yet .holes === 6
 */
export function hdcCheck(kernel: number, dilations: readonly number[]): HdcReport {
  if (!Number.isInteger(kernel) || kernel < 1) throw new OptionError('hdc', 'kernel', `kernel ${describeValue(kernel)} must be a positive integer`);
  if (!Array.isArray(dilations) || dilations.length === 0 || !dilations.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new OptionError('hdc', 'dilations', `dilations ${describeValue(dilations)} must be a non-empty list of positive integers`);
  }
  const n = dilations.length;
  const M = Array(n).fill(0);
  M[n - 1] = dilations[n - 1];
  for (let i = n - 2; i >= 0; i--) {
    const r = dilations[i];
    M[i] = Math.max(M[i + 1] - 2 * r, M[i + 1] - 2 * (M[i + 1] - r), r);
  }
  const passes = n === 1 ? dilations[0] === 1 : M[1] <= kernel;
  const { holes } = coverage(convStack({ kernel, dilations: [...dilations] }));
  const agrees = passes === (holes === 0);
  const rule = n === 1 ? `a single layer (M_1 = ${M[0]})` : `M_2 = ${M[1]} ${passes ? '≤' : '>'} K = ${kernel}`;
  let message = `HDC ${passes ? 'passes' : 'fails'}: ${rule}; exact coverage has ${holes === 0 ? 'no holes' : `${holes} hole${holes === 1 ? '' : 's'}`}`;
  if (!agrees) {
    message += passes
      ? ' — the rule is wrong here: it passes a stack with holes (the exact coverage is authoritative)'
      : ' — the rule is stricter than needed here: the stack has no holes';
  }
  return { kernel, dilations: [...dilations], M, passes, holes, agrees, message };
}
