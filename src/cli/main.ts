import { readFileSync } from 'node:fs';
import { AtrousError } from '../errors.js';
import { UsageError, processIO, type Command, type CommandIO } from './command.js';
import { commands } from './commands/index.js';

/**
 * The `atrous` command line. Returns the exit code: 0 on success, 1 when the input was refused (a typed
 * atrous error, printed as one line), 2 for a usage mistake, 70 for an internal error (a bug: any other
 * exception, printed with its stack so it can be reported).
 *
 * @example await main(['rf', '--kernel', '3', '--dilations', '1,2,4,8,16']);
 */
export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`atrous ${packageVersion()}`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`atrous: unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof AtrousError || error instanceof UsageError) {
      // Refusals raised by the command itself start with its name already.
      const message = error instanceof AtrousError ? userMessage(error, name) : error.message;
      io.err(`atrous ${message.startsWith(`${name}: `) ? message : `${name}: ${message}`}`);
      return error instanceof UsageError ? 2 : 1;
    }
    io.err(`atrous ${name}: internal error (a bug in atrous; please report it with the command line): ${(error as Error)?.stack ?? String(error)}`);
    return INTERNAL_ERROR;
  }
}

/** Exit code of an unexpected exception (BSD's EX_SOFTWARE), kept apart from 1, a refused input. */
export const INTERNAL_ERROR = 70;

/**
 * An error's message for the terminal: without the `loadOnnx:` or `rf:` prefix when it names an internal function
 * or repeats the command (the user typed a command, not a function); a layer's name (`conv2:`) stays.
 */
function userMessage(error: AtrousError, command: string): string {
  const prefix = `${error.op}: `;
  const internal = error.op === command || /^[a-z]+[A-Z][A-Za-z]*$/.test(error.op);
  return internal && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** The version in package.json (two folders above dist/src/cli). */
function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return version;
}

function overview(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'atrous — dilated convolutions: ops, analysis, pictures, interop',
    '',
    'usage: atrous <command> [options]   (atrous <command> --help for its options; atrous --version)',
    '',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}
