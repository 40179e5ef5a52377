/**
 * Streaming benchmark (issue: real-time dilated stacks). For WaveNets of 2 stacks × dilations 1…128 and 1…512
 * (32 residual, 32 gate, 64 skip, 256 out), seeded weights and signal:
 *   - atrous `stream(net).step()` sample by sample at batch 1: samples/s and the real-time factor at 16 kHz;
 *   - the same at batch 8 (aggregate samples/s) and its ratio to batch 1;
 *   - onnxruntime-node recomputing the receptive-field window for each new sample (the exported WaveNet on
 *     [1, 1, RF], one thread), and how many times faster a streamed sample is;
 *   - heap use over 10^6 steps.
 * Every contender runs in a child process of its own (DESIGN.md), one thread; each figure is the median of
 * repeated runs with the spread (min–max), next to the rate per second of CPU time the process got, and the load
 * average is printed with them: on a shared machine the wall-clock numbers move with the load, the CPU-time ones
 * and the side-by-side ratios less.
 *
 *   node dist/bench/stream.js [--quick]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WaveNet } from '../src/nn/blocks/wavenet.js';
import { stream } from '../src/nn/stream/streamer.js';
import { exportOnnx } from '../src/onnx/export/export-module.js';
import { Random, randn } from '../src/tensor/random.js';
import { wasmBuild } from '../src/kernels/index.js';
import { median } from './stats.js';

const RATE = 16000;
const MODELS = { '2x1..128': 8, '2x1..512': 10 } as const;
type ModelName = keyof typeof MODELS;

function wavenet(name: ModelName): WaveNet {
  return new WaveNet({
    inChannels: 1, outChannels: 256, residualChannels: 32, gateChannels: 32, skipChannels: 64,
    layersPerStack: MODELS[name], stacks: 2, random: new Random(2016),
  }).eval();
}

/** Samples/s by the wall clock (median, min, max) and per second of this process's CPU time (median). */
interface Rates { median: number; min: number; max: number; perCpuSecond: number; build?: string | null }

function summarize(rates: number[], cpuRates: number[]): Rates {
  return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates), perCpuSecond: median(cpuRates) };
}

/** Times `work` by the wall clock and by the CPU time this process got (what a loaded machine distorts less). */
async function timed(work: () => unknown): Promise<{ seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Child: `reps` runs of `steps` steps of `batch` streams; samples/s per run (all streams counted). */
async function atrousChild(name: ModelName, batch: number, reps: number, steps: number): Promise<Rates> {
  const s = stream(wavenet(name), { batch });
  const signal = randn([steps + 2000], 7).data;
  const sample = new Float32Array(batch);
  const run = (from: number, count: number): void => {
    for (let t = from; t < from + count; t++) { sample.fill(signal[t]); s.step(sample); }
  };
  run(0, 2000);
  const rates: number[] = [], cpuRates: number[] = [];
  for (let r = 0; r < reps; r++) {
    const { seconds, cpuSeconds } = await timed(() => run(2000, steps));
    rates.push((steps * batch) / seconds);
    cpuRates.push((steps * batch) / cpuSeconds);
  }
  return { ...summarize(rates, cpuRates), build: wasmBuild() };
}

/** Child: onnxruntime-node recomputing the whole receptive field for one new output sample. */
async function ortChild(name: ModelName, reps: number, runsPerRep: number): Promise<Rates> {
  const ort = await import('onnxruntime-node');
  const net = wavenet(name);
  const window = net.receptiveField;
  const example = randn([1, 1, window], 7);
  const session = await ort.InferenceSession.create(exportOnnx(net, example), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const inputName = session.inputNames[0];
  const feed = { [inputName]: new ort.Tensor('float32', example.data, [1, 1, window]) };
  for (let i = 0; i < 3; i++) await session.run(feed);
  const rates: number[] = [], cpuRates: number[] = [];
  for (let r = 0; r < reps; r++) {
    const { seconds, cpuSeconds } = await timed(async () => { for (let i = 0; i < runsPerRep; i++) await session.run(feed); });
    rates.push(runsPerRep / seconds);
    cpuRates.push(runsPerRep / cpuSeconds);
  }
  await session.release();
  return summarize(rates, cpuRates);
}

/** Child: heap in use (after a full collection) every 250,000 steps over 10^6 steps. */
function heapChild(name: ModelName): number[] {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const s = stream(wavenet(name));
  const sample = new Float32Array(1);
  const heap: number[] = [];
  for (let t = 0; t <= 1_000_000; t++) {
    if (t % 250_000 === 0) { gc(); heap.push(process.memoryUsage().heapUsed); }
    sample[0] = Math.sin(t * 0.001);
    s.step(sample);
  }
  return heap;
}

function child(args: string[], flags: string[] = []): unknown {
  const result = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`bench child ${args.join(' ')} failed: ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const rate = (r: Rates): string => `${count(r.median)} samples/s (${count(r.min)}–${count(r.max)}; ${count(r.perCpuSecond)} per CPU second)`;

async function parent(quick: boolean): Promise<void> {
  const reps = quick ? 3 : 7, steps = quick ? 4000 : 20000;
  console.log(`atrous streaming bench — node ${process.version}, load average ${load()}${quick ? ' (quick)' : ''}`);
  console.log(`median of ${reps} runs (min–max); real time = ${RATE} samples/s; one thread each; every contender in its own process\n`);
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const relaxedFlag = nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
  for (const name of Object.keys(MODELS) as ModelName[]) {
    const one = child(['atrous', name, '1', String(reps), String(steps)]) as Rates;
    const eight = child(['atrous', name, '8', String(reps), String(Math.round(steps / 4))]) as Rates;
    const fused = relaxedFlag.length ? child(['atrous', name, '1', String(reps), String(steps)], relaxedFlag) as Rates : null;
    const ort = child(['ort', name, String(reps), quick ? '5' : '20']) as Rates;
    console.log(`WaveNet ${name} (RF ${wavenet(name).receptiveField}), load ${load()}`);
    const realTime = (r: Rates): string => `${(r.median / RATE).toFixed(2)}× real time (${(r.perCpuSecond / RATE).toFixed(2)}× per CPU second)`;
    console.log(`  atrous step, batch 1 [${one.build}]   ${rate(one)}  = ${realTime(one)}`);
    if (fused) console.log(`  atrous step, batch 1 [${fused.build}, ${relaxedFlag[0]}]   ${rate(fused)}  = ${realTime(fused)}`);
    console.log(`  atrous step, batch 8 (aggregate)   ${rate(eight)}  = ${(eight.median / one.median).toFixed(2)}× batch 1 (${(eight.perCpuSecond / one.perCpuSecond).toFixed(2)}× per CPU second)`);
    console.log(`  onnxruntime-node, RF window per sample   ${rate(ort)}  → a streamed sample is ${(one.median / ort.median).toFixed(0)}× faster (${(one.perCpuSecond / ort.perCpuSecond).toFixed(0)}× per CPU second)\n`);
  }
  const heap = child(['heap', '2x1..128'], ['--expose-gc']) as number[];
  console.log(`heap in use over 10^6 steps (2x1..128, batch 1, after gc every 250,000): ${heap.map((b) => `${(b / 1048576).toFixed(2)} MB`).join(', ')}`);
  console.log(`load average at the end: ${load()}`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [kind, name, ...rest] = argv.slice(1);
  const numbers = rest.map(Number);
  let result: unknown;
  if (kind === 'atrous') result = await atrousChild(name as ModelName, numbers[0], numbers[1], numbers[2]);
  else if (kind === 'ort') result = await ortChild(name as ModelName, numbers[0], numbers[1]);
  else result = heapChild(name as ModelName);
  console.log(JSON.stringify(result));
} else {
  await parent(argv.includes('--quick'));
}
