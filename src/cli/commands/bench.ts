import { parseArgs } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';

const usage = `atrous bench — atrous's convolution kernels against tfjs and ONNX Runtime, one interleaved run

usage:
  atrous bench                       the six layers of the benchmark (about two minutes)
  atrous bench --quick               fewer rounds, a fast smoke run
  atrous bench --shapes aspp,context only these layers (aspp, context, highres, stride2, wavenet, depthwise, tiny)
  atrous bench --atrous-only         leave out the peer libraries
  atrous bench --json                { environment, rows, summary } as one JSON object

Runs from a checkout (the benchmark lives in bench/ and the peers are devDependencies: npm install first).
Prints median nominal GFLOP/s, interquartile range and extremes per layer and contestant, then the ratios of the
default backend to the best WebAssembly peer and to native onnxruntime-node, backward ÷ forward, and the pure-JS
path ÷ tfjs-cpu.`;

/** `atrous bench`: runs bench/suite.ts, the same code as `npm run bench`. */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmark the kernels against tfjs-wasm, tfjs-cpu, onnxruntime-web and onnxruntime-node',
  usage,
  async run(args: string[], io: CommandIO): Promise<number> {
    const parsed = parseArgs(args, ['shapes'], ['quick', 'json', 'atrous-only']);
    if (parsed.positional.length > 0) throw new UsageError(`atrous bench takes no positional arguments (got ${parsed.positional.join(' ')})`);
    let suite: typeof import('../../../bench/suite.js');
    try {
      suite = await import(new URL('../../../bench/suite.js', import.meta.url).href);
    } catch {
      io.err('atrous bench: the benchmark is not part of this installation; run it from a checkout of atrous after npm install');
      return 1;
    }
    const shapes = parsed.flags.get('shapes')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    let result;
    try {
      result = await suite.runSuite({
        quick: parsed.switches.has('quick'), shapes, atrousOnly: parsed.switches.has('atrous-only'), log: (line) => io.err(line),
      });
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('unknown bench layer')) throw new UsageError(error.message);
      throw error;
    }
    io.out(parsed.switches.has('json')
      ? JSON.stringify({ environment: result.environment, rows: result.rows, summary: result.summary })
      : result.text);
    return 0;
  },
};
