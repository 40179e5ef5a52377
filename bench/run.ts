/**
 * `npm run bench [-- options]`: the same as `atrous bench [options]` (src/cli/commands/bench.ts; `--help` lists
 * the options). Exits when done, so no thread pool of an in-process contender keeps the process alive.
 */
import { benchCommand } from '../src/cli/commands/bench.js';
import { processIO, UsageError } from '../src/cli/command.js';

const args = process.argv.slice(2);
if (args.includes('--help')) {
  processIO.out(benchCommand.usage);
  process.exit(0);
}
try {
  process.exit(await benchCommand.run(args, processIO));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  processIO.err(`atrous bench: ${error.message}`);
  process.exit(2);
}
