/**
 * Strict options objects: every public entry that takes an options object refuses keys it does not know, naming
 * the key and the closest valid one, so a misspelled setting (`learningRate` for `lr`, `dilations` for
 * `dilation`) fails loudly instead of silently doing nothing.
 */
import { OptionError, describeValue } from './errors.js';

/**
 * Throws an {@link OptionError} for the first own key of `options` that is not in `allowed`. `undefined`
 * options pass (the caller's defaults apply); anything that is not a plain object is refused.
 *
 * @example
 * checkOptionKeys('Adam', { learningRate: 0.1 }, ['lr', 'betas', 'eps', 'weightDecay']);
 * // OptionError: Adam: unknown option "learningRate" (did you mean "lr"?); valid options: lr, betas, eps, weightDecay
 */
export function checkOptionKeys(op: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(op, 'options', `options ${describeValue(options)} must be an object with the keys ${allowed.join(', ')}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const closest = closestKey(key, allowed);
    const hint = closest === undefined ? '' : ` (did you mean "${closest}"?)`;
    throw new OptionError(op, key, `unknown option ${describeValue(key)}${hint}; valid options: ${allowed.join(', ') || 'none'}`);
  }
}

/**
 * The candidate nearest to `key` by edit distance (case-insensitive), if it is near enough to be a plausible
 * misspelling: at most a third of the longer name, a candidate that contains the key or is contained by it, or an
 * abbreviation by initials (`learningRate` → `lr`).
 *
 * @example closestKey('dilations', ['stride', 'dilation', 'padding']) // 'dilation'
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const distance = initials(key) === c || initials(candidate) === k ? 1
      : c.includes(k) || k.includes(c) ? Math.abs(c.length - k.length) * 0.5
      : editDistance(k, c);
    if (distance < bestDistance) { best = candidate; bestDistance = distance; }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.ceil(Math.max(best.length, key.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `learningRate` → `lr`: the first letter and every capital, lower-cased. */
function initials(name: string): string {
  return (name[0] + name.slice(1).replace(/[^A-Z]/g, '')).toLowerCase();
}

/** Levenshtein distance with one rolling row. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * The keys of an options type as a list, checked by the compiler to be exactly that type's keys (a key left out
 * or a key the type lacks is a compile error), so an entry's list of valid options cannot drift from its type.
 *
 * @example checkOptionKeys('pad', options, optionKeys<typeof options>({ mode: true, value: true }));
 */
export function optionKeys<T>(keys: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}
