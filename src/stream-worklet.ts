/**
 * The AudioWorklet entry (`dist/web/stream-worklet.js`): registers `'atrous-stream'`, an AudioWorkletProcessor
 * that runs a causal model compiled on the page. Load it with `audioContext.audioWorklet.addModule(url)` and create
 * the node with `new AudioWorkletNode(context, 'atrous-stream', { processorOptions: streamWorkletOptions(model) })`
 * — see README, Streaming. Holds no model classes and no Node built-ins.
 */
import { StreamBlockProcessor, type StreamWorkletOptions } from './nn/stream/worklet-processor.js';

interface WorkletScope {
  AudioWorkletProcessor?: new () => object;
  registerProcessor?: (name: string, processor: new (options: { processorOptions: StreamWorkletOptions }) => object) => void;
}

const scope = globalThis as unknown as WorkletScope;

if (scope.AudioWorkletProcessor && scope.registerProcessor) {
  const Base = scope.AudioWorkletProcessor;
  scope.registerProcessor('atrous-stream', class extends Base {
    private readonly stream: StreamBlockProcessor;
    constructor(options: { processorOptions: StreamWorkletOptions }) {
      super();
      this.stream = new StreamBlockProcessor(options.processorOptions);
    }
    process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean { return this.stream.process(inputs, outputs); }
  });
}

export { StreamBlockProcessor, type StreamWorkletOptions };
