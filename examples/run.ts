/**
 * `npm run example -- <name> [--smoke] [--seed N] [--out folder] [--json]`: runs one of the tutorial's exercises,
 * prints its results table and writes its figures (default folder `examples-output/<name>/`).
 */
import { join } from 'node:path';
import type { ExampleResult } from './lib/example.js';
import { formatTable } from './lib/table.js';
import { EXAMPLES } from './index.js';

const USAGE = `usage: npm run example -- <name> [--smoke] [--seed N] [--out folder] [--json]

examples:
${EXAMPLES.map((e) => `  ${e.name.padEnd(14)} ${e.summary}`).join('\n')}`;

async function main(args: string[]): Promise<number> {
  const name = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a) && args[args.indexOf(a) - 1] !== '--out');
  const example = EXAMPLES.find((e) => e.name === name);
  if (!example || args.includes('--help')) {
    (example || args.includes('--help') ? console.log : console.error)(name && !example ? `unknown example "${name}"\n\n${USAGE}` : USAGE);
    return example || args.includes('--help') ? 0 : 2;
  }
  const value = (flag: string) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
  const seed = Number(value('--seed') ?? 1);
  if (!Number.isInteger(seed) || seed < 0) { console.error(`--seed ${value('--seed')} must be a non-negative integer`); return 2; }
  const outDir = value('--out') ?? join('examples-output', example.name);
  const json = args.includes('--json');
  const started = performance.now();
  const result: ExampleResult = await example.run({ smoke: args.includes('--smoke'), seed, outDir, log: json ? () => {} : (line) => console.log(line) });
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    console.log(JSON.stringify({ example: example.name, seed, seconds, ...result }, null, 2));
  } else {
    for (const table of result.tables) console.log(`\n${formatTable(table)}`);
    console.log(`\nfigures in ${outDir}/: ${result.figures.map((f) => f.slice(outDir.length + 1)).join(', ')}`);
    console.log(`${example.name}: ${seconds.toFixed(1)} s (seed ${seed})`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
