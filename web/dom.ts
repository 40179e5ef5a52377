/** The page's element with this id; a missing one is a bug in the page, named as such. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`explorer: the page has no #${id}`);
  return element as T;
}

/** A mistake in what was typed, shown next to the form in the page's own words. */
export class InputError extends Error {}

/**
 * A list as people type it: numbers separated by commas and/or spaces, a trailing comma allowed (`1,2,`,
 * `1 2 4`). Returns the numbers, or throws an {@link InputError} naming the field and what would be valid.
 *
 * @example parseList('1, 2 4,', 'dilations', 1) // [1, 2, 4]
 */
export function parseList(text: string, field: string, min: number): number[] {
  const words = text.split(/[\s,]+/).filter((w) => w.length > 0);
  if (words.length === 0) throw new InputError(`type the ${field}, e.g. 1,2,4`);
  const bad = words.find((w) => !/^\d+$/.test(w) || Number(w) < min);
  if (bad !== undefined) {
    throw new InputError(`"${bad}" in the ${field} is not a whole number ≥ ${min}; type whole numbers separated by commas or spaces`);
  }
  return words.map(Number);
}

/** An AtrousError's message without the library function's name in front (`coverage: …`). */
export function plainMessage(message: string): string {
  return message.replace(/^[a-z]+[A-Z]\w*: /, '');
}
