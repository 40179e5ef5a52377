/**
 * Times convolutions off the page's thread (a 50-call ASPP run would otherwise freeze the page for a second):
 * loads the WASM kernels with `ready()`, then runs a chain of convolutions `calls` times and reports each time.
 */
import { AtrousError, conv, getBackend, getThreads, randn, ready, wasmBuild, type Tensor } from '../src/browser.js';
import type { ConvReply, ConvRequest } from './conv-messages.js';

const scope = globalThis as unknown as { onmessage: ((event: { data: ConvRequest }) => void) | null; postMessage(reply: ConvReply): void; crossOriginIsolated?: boolean };

const start = performance.now();
const loaded = ready().then(() => {
  scope.postMessage({ kind: 'ready', ms: performance.now() - start, backend: getBackend(), build: wasmBuild(), threads: getThreads(), isolated: Boolean(scope.crossOriginIsolated) });
});

scope.onmessage = async ({ data: request }) => {
  await loaded;
  try {
    const weights = request.layers.map((layer, i) => randn(layer.weight, 2 + i));
    const input = randn(request.layers[0].input, 1);
    const chain = (): Tensor => request.layers.reduce((x, layer, i) => conv(x, weights[i], { stride: layer.stride, dilation: layer.dilation, padding: layer.padding, groups: layer.groups }), input);
    scope.postMessage({ kind: 'progress', id: request.id, text: `running ${request.calls} calls…` });
    let begin = performance.now();
    const output = chain();
    const first = performance.now() - begin;
    const times: number[] = [];
    for (let call = 1; call < request.calls; call++) {
      begin = performance.now();
      chain();
      times.push(performance.now() - begin);
    }
    scope.postMessage({ kind: 'done', id: request.id, first, times, output: Array.from(output.shape) });
  } catch (error) {
    if (!(error instanceof AtrousError)) throw error;
    scope.postMessage({ kind: 'error', id: request.id, message: error.message });
  }
};
