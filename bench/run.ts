/**
 * `npm run bench [-- --quick] [-- --json] [-- --shapes aspp,context]`: atrous against its peers, one interleaved run.
 */
import { runSuite } from './suite.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const shapesAt = args.indexOf('--shapes');
const result = await runSuite({
  quick: args.includes('--quick'),
  shapes: shapesAt >= 0 ? args[shapesAt + 1].split(',') : undefined,
  atrousOnly: args.includes('--atrous-only'),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(json ? `${JSON.stringify({ environment: result.environment, rows: result.rows, summary: result.summary }, null, 2)}\n` : `${result.text}\n`);
