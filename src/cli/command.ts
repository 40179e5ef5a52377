/** One CLI command: `atrous <name> ...`. Every command supports `--help` and `--json`. */
export interface Command {
  name: string;
  /** One line for `atrous --help`. */
  summary: string;
  /** Full usage text for `atrous <name> --help`. */
  usage: string;
  /** Runs with the arguments after the command name; returns the process exit code. */
  run(args: string[], io: CommandIO): Promise<number> | number;
}

/** Where a command writes, so tests can capture output. */
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CommandIO = {
  out: (text) => { quietOnClosedPipe(process.stdout); process.stdout.write(text.endsWith('\n') ? text : `${text}\n`); },
  err: (text) => { quietOnClosedPipe(process.stderr); process.stderr.write(text.endsWith('\n') ? text : `${text}\n`); },
};

const watched = new WeakSet<NodeJS.WriteStream>();

/** `atrous rf ... | head`: once the reader has gone, further output has nowhere to go; that is not a crash. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** A mistake in the command line itself (unknown flag, missing value); exit code 2. */
export class UsageError extends Error {}
