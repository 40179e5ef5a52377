import { UsageError } from './command.js';

/** Parsed `--flag value` / `--switch` arguments. */
export interface ParsedArgs {
  flags: Map<string, string>;
  switches: Set<string>;
  positional: string[];
}

/**
 * Parses `--name value`, `--name=value` and bare `--switch` arguments. `switchNames` lists the flags that take
 * no value; any other flag not in `valueNames` is a usage error, so typos are caught.
 *
 * @example parseArgs(['--kernel', '3', '--json'], ['kernel'], ['json'])
 */
export function parseArgs(args: string[], valueNames: readonly string[], switchNames: readonly string[]): ParsedArgs {
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (switchNames.includes(name)) { switches.add(name); continue; }
    if (!valueNames.includes(name)) {
      throw new UsageError(`unknown option --${name}; options: ${[...valueNames, ...switchNames].map((n) => `--${n}`).join(' ')}`);
    }
    // `--kernel --dilations 1,2`: the next word is another option, so --kernel was given no value.
    const value = inline ?? (args[i + 1]?.startsWith('--') ? undefined : args[++i]);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, switches, positional };
}

/**
 * `1,2,4` → `[1, 2, 4]`, refusing anything that is not a list of integers ≥ `min`. Commas and spaces both
 * separate (`"1 2 4"`, `"1, 2, 4,"`), as people type lists.
 */
export function parseIntList(name: string, text: string, min = 1): number[] {
  const words = text.split(/[\s,]+/).filter((s) => s.length > 0);
  const values = words.map((s) => (/^[+-]?\d+$/.test(s) ? Number(s) : NaN));
  if (values.length === 0 || values.some((v) => !Number.isSafeInteger(v) || v < min)) {
    throw new UsageError(`--${name} ${JSON.stringify(text)} must be a list of whole numbers ≥ ${min} (below 2^53), separated by commas`);
  }
  return values;
}

/**
 * Refuses every option given that the chosen figure, animation or mode does not use, naming those it does: an
 * option silently ignored would make a user trust a picture drawn with the defaults.
 *
 * @example checkApplicable(args, 'plot cost', ['channels', 'size'], ['out', 'json'])
 */
export function checkApplicable(args: ParsedArgs, what: string, applicable: readonly string[], common: readonly string[] = []): void {
  const allowed = new Set([...applicable, ...common]);
  const given = [...args.flags.keys(), ...args.switches];
  const stray = given.filter((name) => !allowed.has(name));
  if (stray.length > 0) {
    const list = [...applicable, ...common].map((n) => `--${n}`).join(' ');
    throw new UsageError(`${stray.map((n) => `--${n}`).join(', ')} ${stray.length === 1 ? 'does' : 'do'} not apply to ${what}; its options: ${list}`);
  }
}

/** A single integer ≥ `min`. */
export function parseInteger(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`--${name} ${JSON.stringify(text)} must be an integer ≥ ${min} (below 2^53)`);
  return value;
}
