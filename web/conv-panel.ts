/**
 * The conv panel: times `conv` on the WASM backend in a worker (`conv-worker.ts`), on benchmark layers or on the
 * stack typed above (every layer in turn, 32 channels).
 */
import { GraphBuilder, graphCost } from '../src/browser.js';
import type { ConvLayerSpec, ConvReply, ConvRequest } from './conv-messages.js';
import { byId } from './dom.js';
import type { StackState } from './stack-state.js';

interface NamedLayer extends ConvLayerSpec {
  label: string;
}

/** The benchmark layers (batch 1, PyTorch layout), so the page's figures compare with `atrous bench`. */
const CONV_LAYERS: NamedLayer[] = [
  { label: 'context module 64→64, 64×64, d=2', input: [1, 64, 64, 64], weight: [64, 64, 3, 3], stride: [1, 1], dilation: [2, 2], padding: [2, 2], groups: 1 },
  { label: 'ASPP branch 256→256, 33×33, d=12', input: [1, 256, 33, 33], weight: [256, 256, 3, 3], stride: [1, 1], dilation: [12, 12], padding: [12, 12], groups: 1 },
  { label: 'high resolution 32→32, 128×128, d=4', input: [1, 32, 128, 128], weight: [32, 32, 3, 3], stride: [1, 1], dilation: [4, 4], padding: [4, 4], groups: 1 },
  { label: 'strided 128→128, 56×56, d=2, s=2', input: [1, 128, 56, 56], weight: [128, 128, 3, 3], stride: [2, 2], dilation: [2, 2], padding: [2, 2], groups: 1 },
  { label: 'WaveNet 64→128, length 16000, d=256', input: [1, 64, 16000], weight: [128, 64, 2], stride: [1], dilation: [256], padding: [128], groups: 1 },
  { label: 'depthwise 128 ch, 64×64, d=4', input: [1, 128, 64, 64], weight: [128, 1, 3, 3], stride: [1, 1], dilation: [4, 4], padding: [4, 4], groups: 128 },
];
const STACK_CHANNELS = 32;
const STACK_LENGTH = 4096;
const STACK_SIDE = 64;

/** The typed stack as a chain of convolutions: 1-D over 4096 samples, or 2-D over 64×64 when the picture is 2-D. */
function stackLayers(state: StackState): ConvLayerSpec[] {
  const rank = state.dims;
  let size = Array(rank).fill(rank === 1 ? STACK_LENGTH : STACK_SIDE) as number[];
  return state.layers.map((l) => {
    const spec: ConvLayerSpec = {
      input: [1, STACK_CHANNELS, ...size], weight: [STACK_CHANNELS, STACK_CHANNELS, ...Array(rank).fill(l.kernel)],
      stride: Array(rank).fill(l.stride), dilation: Array(rank).fill(l.dilation), padding: Array(rank).fill(l.padding), groups: 1,
    };
    size = size.map((n) => Math.floor((n + 2 * l.padding - l.dilation * (l.kernel - 1) - 1) / l.stride) + 1);
    return spec;
  });
}

/** Multiply-adds of one call of the chain, from the analysis's cost model (padding taps included). */
function chainMacs(layers: ConvLayerSpec[]): number {
  return layers.reduce((sum, layer) => {
    const builder = new GraphBuilder({ rank: layer.input.length - 2, channels: layer.input[1], size: layer.input.slice(2) });
    builder.conv(builder.input, { kernel: layer.weight.slice(2), stride: layer.stride, dilation: layer.dilation, padding: layer.padding, groups: layer.groups, outChannels: layer.weight[0] });
    return sum + graphCost(builder.build()).macs;
  }, 0);
}

const milliseconds = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;

/** Starts the worker (so the WASM loads while the user reads) and wires the form. */
export function startConvPanel(stack: () => StackState): void {
  const select = byId<HTMLSelectElement>('conv-shape');
  select.append(new Option('your stack above (32 channels)', 'stack'));
  CONV_LAYERS.forEach((layer, index) => select.append(new Option(layer.label, String(index))));
  select.value = '0';
  const worker = new Worker(new URL('./conv-worker.js', import.meta.url), { type: 'module' });
  const status = byId('conv-status');
  const button = byId<HTMLButtonElement>('conv-run');
  let request = 0;
  let macs = 0;
  worker.onmessage = ({ data: reply }: MessageEvent<ConvReply>) => {
    if (reply.kind === 'ready') {
      byId('conv-ready').textContent = `${milliseconds(reply.ms)} (in the worker)`;
      byId('conv-backend').textContent = reply.build ? `${reply.backend} (${reply.build})` : reply.backend;
      byId('conv-threads').textContent = `${reply.threads}${reply.isolated ? ' (cross-origin isolated: shared memory available)' : ' (not cross-origin isolated)'}`;
      return;
    }
    if (reply.id !== request) return;
    if (reply.kind === 'progress') { status.textContent = reply.text; return; }
    button.disabled = false;
    if (reply.kind === 'error') { status.textContent = `failed: ${reply.message.replace(/^[a-z]+[A-Z]\w*: /, '')}`; return; }
    const rest = [...reply.times].sort((a, b) => a - b);
    const median = rest[Math.floor(rest.length / 2)];
    byId('conv-first').textContent = milliseconds(reply.first);
    byId('conv-median').textContent = `${milliseconds(median)} (${rest.length} calls, ${milliseconds(rest[0])}–${milliseconds(rest[rest.length - 1])})`;
    byId('conv-gflops').textContent = `${(2 * macs / median / 1e6).toFixed(1)} GFLOP/s (${(macs / 1e6).toFixed(0)} M multiply-adds per call, median)`;
    status.textContent = `done: output ${reply.output.join('×')}`;
  };
  worker.onerror = (event) => {
    event.preventDefault();
    button.disabled = false;
    status.textContent = `failed: ${event.message}`;
  };
  byId('conv-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const calls = Math.max(2, Math.min(50, Math.round(Number(byId<HTMLInputElement>('conv-calls').value)) || 9));
    const layers = select.value === 'stack' ? stackLayers(stack()) : [CONV_LAYERS[Number(select.value)]].map(({ label: _, ...spec }) => spec);
    if (layers.some((l) => l.input.slice(2).some((n) => n < 1))) {
      status.textContent = 'failed: the stack shrinks the input to nothing; add padding or use fewer layers';
      return;
    }
    macs = chainMacs(layers);
    request++;
    button.disabled = true;
    status.textContent = 'waiting for ready()…';
    const message: ConvRequest = { id: request, layers, calls };
    worker.postMessage(message);
  });
}
