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
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, switches, positional };
}

/** `1,2,4` → `[1, 2, 4]`, refusing anything that is not a list of integers ≥ `min`. */
export function parseIntList(name: string, text: string, min = 1): number[] {
  const values = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isSafeInteger(v) || v < min)) {
    throw new UsageError(`--${name} ${JSON.stringify(text)} must be a comma-separated list of integers ≥ ${min} (below 2^53)`);
  }
  return values;
}

/** A single integer ≥ `min`. */
export function parseInteger(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`--${name} ${JSON.stringify(text)} must be an integer ≥ ${min} (below 2^53)`);
  return value;
}
