import { extname } from 'node:path';
import { coverage } from '../../analysis/coverage.js';
import { convStack } from '../../analysis/graph.js';
import { dilationGrowthFrames } from '../../viz/animations/dilation-growth.js';
import { slidingKernelFrames } from '../../viz/animations/sliding-kernel.js';
import { stackGrowthFrames } from '../../viz/animations/stack-growth.js';
import { encodeGif, type AnimationFrame } from '../../viz/gif.js';
import { checkApplicable, parseArgs, parseInteger, parseIntList, type ParsedArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { writeFileAtomically } from '../write-files.js';
import { checkCoverageSize, checkLayerCount } from '../analysis-limits.js';
import { receptiveField } from '../../analysis/receptive-field.js';

interface Animation {
  name: string;
  summary: string;
  /** The options it reads, as help lines `[name, value, help]`; any other option is refused. */
  options: [string, string, string][];
  frames(args: ParsedArgs, delay: number | undefined): { frames: AnimationFrame[]; data: Record<string, unknown> };
}

/** A per-dimension option: one number for every dimension or one per dimension. */
function perDim(args: ParsedArgs, name: string, fallback: string, rank: number, min: number): number[] {
  const values = parseIntList(name, args.flags.get(name) ?? fallback, min);
  if (values.length === 1) return Array(rank).fill(values[0]);
  if (values.length !== rank) throw new UsageError(`--${name} needs 1 or ${rank} values (one per dimension of --input)`);
  return values;
}

const animations: Animation[] = [
  {
    name: 'slide',
    summary: 'a dilated kernel sliding over a padded input, one frame per output (1-D or 2-D; --transposed)',
    options: [
      ['input', 'N[,M]', 'input length, or height,width (default 7,7)'],
      ['kernel', 'K[,K]', 'kernel size (default 3)'],
      ['stride', 'S[,S]', 'stride (default 1)'],
      ['padding', 'P[,P]|same|causal|valid', 'zero padding (default 0)'],
      ['dilation', 'D[,D]', 'dilation (default 2)'],
      ['transposed', '', 'the transposed convolution: zeros inserted between inputs, then a stride-1 conv'],
    ],
    frames(args, delay) {
      const inSize = parseIntList('input', args.flags.get('input') ?? '7,7');
      const rank = inSize.length;
      const kernel = perDim(args, 'kernel', '3', rank, 1);
      const stride = perDim(args, 'stride', '1', rank, 1);
      const dilation = perDim(args, 'dilation', '2', rank, 1);
      const paddingText = args.flags.get('padding') ?? '0';
      const padding = paddingText === 'same' || paddingText === 'causal' || paddingText === 'valid'
        ? paddingText : perDim(args, 'padding', paddingText, rank, 0);
      const transposed = args.switches.has('transposed');
      if (transposed && typeof padding === 'string') throw new UsageError(`--padding ${padding} does not apply to --transposed; give a number per dimension`);
      const frames = slidingKernelFrames({ inSize, kernel, stride, dilation, padding, delay, transposed });
      return { frames, data: { inSize, kernel, stride, dilation, padding, transposed, outputs: frames.length } };
    },
  },
  {
    name: 'growth',
    summary: 'one k×k kernel at dilation 1…4 on one grid (its span d(k−1)+1 growing)',
    options: [
      ['kernel', 'K', 'kernel size (default 3)'],
      ['dilations', 'LIST', 'dilations, one frame each (default 1,2,3,4)'],
    ],
    frames(args, delay) {
      const kernel = parseInteger('kernel', args.flags.get('kernel') ?? '3');
      const dilations = parseIntList('dilations', args.flags.get('dilations') ?? '1,2,3,4');
      return { frames: dilationGrowthFrames({ kernel, dilations, delay }), data: { kernel, dilations } };
    },
  },
  {
    name: 'stack',
    summary: "a stack's receptive field growing layer by layer, holes marked",
    options: [
      ['kernel', 'K', 'kernel size (default 3)'],
      ['dilations', 'LIST', 'dilation per layer (default 1,2,4,8)'],
    ],
    frames(args, delay) {
      const kernel = parseInteger('kernel', args.flags.get('kernel') ?? '3');
      const dilations = parseIntList('dilations', args.flags.get('dilations') ?? '1,2,4,8');
      checkLayerCount('animate', 'dilations', dilations.length);
      const graph = convStack({ kernel, dilations });
      const fields = receptiveField(graph);
      checkCoverageSize('animate', fields.layers, fields.output, [1, ...dilations.map(() => kernel)]);
      const layers = dilations.map((d, i) => ({ label: `d=${d}`, multiplicity: coverage(graph, { node: graph.nodes[i + 1].name }).multiplicity }));
      return {
        frames: stackGrowthFrames({ layers, description: `kernel ${kernel}, dilations ${dilations.join(',')}`, delay }),
        data: { kernel, dilations, rf: layers.map((l) => l.multiplicity.length), holes: layers.map((l) => l.multiplicity.filter((m) => m === 0).length) },
      };
    },
  },
];

/** Options every animation takes. */
const COMMON: [string, string, string][] = [
  ['delay', 'MS', 'milliseconds per frame (default: 600 slide, 1000 growth and stack)'],
  ['out', 'FILE.gif', 'where to write (required; written to a temporary file, then renamed)'],
  ['json', '', 'print frame count, size and parameters as JSON'],
];

const optionLines = (list: [string, string, string][]) => list.map(([name, value, help]) => `    --${`${name} ${value}`.trimEnd().padEnd(30)} ${help}`);

const usage = `usage: atrous animate [slide|growth|stack] [options] --out file.gif [--json]

An option the chosen animation does not use is refused.

${animations.map((a) => [`${a.name}${a.name === 'slide' ? ' (the default)' : ''}: ${a.summary}`, ...optionLines(a.options)].join('\n')).join('\n\n')}

every animation:
${optionLines(COMMON).join('\n')}

examples:
  atrous animate --input 7,7 --kernel 3 --dilation 2 --out slide.gif
  atrous animate slide --input 12 --kernel 3 --dilation 2 --padding causal --out causal.gif
  atrous animate slide --input 5 --kernel 3 --stride 2 --transposed --out transposed.gif
  atrous animate growth --out growth.gif
  atrous animate stack --dilations 1,2,4,8 --out stack.gif`;

/** `atrous animate`: GIF animations of dilated convolution. */
export const animateCommand: Command = {
  name: 'animate',
  summary: 'GIF animations: a dilated kernel sliding, dilation growth, a stack\'s RF layer by layer',
  usage,
  run(argv, io) {
    const args = parseArgs(argv, ['input', 'kernel', 'stride', 'padding', 'dilation', 'dilations', 'delay', 'out'], ['json', 'transposed']);
    const [name = 'slide', ...extra] = args.positional;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const animation = animations.find((a) => a.name === name);
    if (!animation) throw new UsageError(`unknown animation ${JSON.stringify(name)}; animations: ${animations.map((a) => a.name).join(', ')}`);
    checkApplicable(args, `animate ${name}`, animation.options.map(([option]) => option), COMMON.map(([option]) => option));
    const out = args.flags.get('out');
    if (out === undefined) throw new UsageError('--out file.gif is required');
    if (extname(out).toLowerCase() !== '.gif') throw new UsageError(`--out ${JSON.stringify(out)} must end in .gif`);
    const delayText = args.flags.get('delay');
    const delay = delayText === undefined ? undefined : parseInteger('delay', delayText, 10);
    const { frames, data } = animation.frames(args, delay);
    const bytes = encodeGif(frames);
    writeFileAtomically(out, bytes, 'animate');
    if (args.switches.has('json')) io.out(JSON.stringify({ animation: name, out, frames: frames.length, bytes: bytes.length, ...data }));
    else io.out(`wrote ${out} (${frames.length} frames, ${bytes.length} bytes)`);
    return 0;
  },
};
