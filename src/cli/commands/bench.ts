import { parseArgs, parseInteger } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';

const usage = `atrous bench — atrous against tfjs, onnxruntime-web, onnxruntime-node and PyTorch, each in its own process

usage:
  atrous bench                        the six conv layers (2–3 minutes on 2 idle cores)
  atrous bench --models               whole models (inference) and training steps (under 10 minutes on 2 idle cores)
options:
  --quick                             fewer rounds and samples: a smoke run
  --shapes aspp,context               layers: only these (aspp, context, highres, stride2, wavenet, depthwise, tiny)
  --select wavenet,tcn                models: only these models and training nets (see --models --help list below)
  --contenders a,b                    only these contenders (layers: atrous-wasm, atrous-wasm-1, atrous-js,
                                      atrous-reference, tfjs-wasm, tfjs-cpu, ort-web-1, ort-web-2, ort-node,
                                      atrous-wasm-backward, atrous-wasm-1-backward, atrous-js-backward;
                                      models: atrous, ort-web-1, ort-web-2, ort-node; training: atrous, torch)
  --atrous-only                       leave out every peer
  --rounds N                          interleaved rounds (layers: 5, models: 3; --quick: 2 and 1)
  --heap-runs N                       models: runs of the heap check (default 100, for a slow model as many as fit
                                      in ~30 s, at least 20; 0 skips it)
  --skip-training | --training-only   models: leave out the training steps, or run only them
  --in-process                        layers: the old mode, every contender in this one process (labelled in the
                                      output; onnxruntime's spinning thread pools skew the rows run after them)
  --json                              { environment, rows, summary, ... } as one JSON object

Models: deeplabv3-resnet50, deeplabv3-mobilenetv3 (1×3×257×257), wavenet (1×1×16000), conv-tasnet (1×512×1000),
context-module (1×64×128×128); training nets: tcn, wavenet-train, segmentation. They are exported by
/usr/bin/python3 scripts/make_bench_models.py (PyTorch 1.13, torchvision 0.14) into bench/models/ on first use.

Runs from a checkout (the benchmark lives in bench/ and the peers are devDependencies: npm install first). Every
contender runs in a child process of its own, round by round in rotating order, on seeded data; the output
gives the load average, the per-core SIMD peak, medians with their spread, and the ratios.`;

const list = (text: string | undefined): string[] | undefined =>
  text?.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** `atrous bench`: runs bench/isolated-suite.ts (or models-suite.ts), the same code as `npm run bench`. */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmark conv layers or whole models against tfjs, onnxruntime and PyTorch, each in its own process',
  usage,
  async run(args: string[], io: CommandIO): Promise<number> {
    const parsed = parseArgs(args, ['shapes', 'select', 'contenders', 'rounds', 'heap-runs'],
      ['quick', 'json', 'atrous-only', 'models', 'in-process', 'skip-training', 'training-only']);
    if (parsed.positional.length > 0) throw new UsageError(`atrous bench takes no positional arguments (got ${parsed.positional.join(' ')})`);
    const models = parsed.switches.has('models');
    const only = (names: string[], mode: string): void => {
      for (const name of names) {
        if (parsed.flags.has(name) || parsed.switches.has(name)) throw new UsageError(`--${name} applies to ${mode} only`);
      }
    };
    if (models) only(['shapes', 'in-process'], 'the layer bench (without --models)');
    else only(['select', 'heap-runs', 'skip-training', 'training-only'], 'the models bench (--models)');
    if (parsed.switches.has('skip-training') && parsed.switches.has('training-only')) throw new UsageError('--skip-training and --training-only exclude each other');
    const rounds = parsed.flags.has('rounds') ? parseInteger('rounds', parsed.flags.get('rounds')!) : undefined;
    const heapRuns = parsed.flags.has('heap-runs') ? parseInteger('heap-runs', parsed.flags.get('heap-runs')!, 0) : undefined;
    const base = new URL('../../../bench/', import.meta.url);
    const log = (line: string): void => io.err(line);
    const common = {
      quick: parsed.switches.has('quick'), contenders: list(parsed.flags.get('contenders')),
      atrousOnly: parsed.switches.has('atrous-only'), rounds, log,
    };
    let result: { text: string; json: unknown };
    try {
      if (models) {
        const suite: typeof import('../../../bench/models-suite.js') = await import(new URL('models-suite.js', base).href);
        const r = await suite.runModelSuite({
          ...common, select: list(parsed.flags.get('select')), heapRuns,
          inference: !parsed.switches.has('training-only'), training: !parsed.switches.has('skip-training'),
        });
        result = { text: r.text, json: r };
      } else if (parsed.switches.has('in-process')) {
        const suite: typeof import('../../../bench/suite.js') = await import(new URL('suite.js', base).href);
        if (common.contenders || rounds) throw new UsageError('--in-process runs its fixed contender set and round count; --contenders and --rounds need the isolated run');
        const r = await suite.runSuite({ quick: common.quick, shapes: list(parsed.flags.get('shapes')), atrousOnly: common.atrousOnly, log });
        result = { text: r.text, json: { environment: r.environment, rows: r.rows, summary: r.summary } };
      } else {
        const suite: typeof import('../../../bench/isolated-suite.js') = await import(new URL('isolated-suite.js', base).href);
        const r = await suite.runIsolatedSuite({ ...common, shapes: list(parsed.flags.get('shapes')) });
        result = { text: r.text, json: { environment: r.environment, rows: r.rows, summary: r.summary } };
      }
    } catch (error) {
      if (error instanceof Error && /^unknown bench (layer|contender|model)/.test(error.message)) throw new UsageError(error.message);
      if (error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/bench/')) {
        io.err('atrous bench: the benchmark is not part of this installation; run it from a checkout of atrous after npm install');
        return 1;
      }
      throw error;
    }
    io.out(parsed.switches.has('json') ? JSON.stringify(result.json) : result.text);
    return 0;
  },
};
