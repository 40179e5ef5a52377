import { conv } from '../../src/ops/conv.js';
import { convBackward } from '../../src/ops/conv-backward.js';
import { setBackend, setThreads } from '../../src/kernels/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { Contestant, LayerData } from '../contestant.js';
import { timed } from '../contestant.js';
import type { BenchShape } from '../shapes.js';

function options(shape: BenchShape) {
  return { stride: shape.stride, dilation: shape.dilation, padding: shape.padding, groups: shape.groups };
}

/**
 * atrous through its public ops under one backend and thread count. The backend and threads are set before every
 * call, so contestants can be interleaved (switching is free: the worker pool only grows).
 */
export function atrousContestant(
  backend: 'wasm' | 'js' | 'reference', threads: number, pass: 'forward' | 'backward', isDefault = false,
  only?: (shape: BenchShape) => boolean,
): Contestant {
  const label = backend === 'wasm' ? `atrous wasm ×${threads}` : `atrous ${backend}`;
  return {
    name: pass === 'forward' ? label : `${label} backward`,
    role: isDefault ? 'atrous-default' : 'atrous',
    pass,
    threads: backend === 'wasm' ? threads : 1,
    async prepare(shape: BenchShape, data: LayerData) {
      if (only && !only(shape)) return { unsupported: 'not run on this layer' };
      const x = new Tensor(data.x, shape.input), w = new Tensor(data.w, shape.weight);
      const select = (): void => {
        setBackend(backend);
        if (backend === 'wasm') setThreads(threads);
      };
      if (pass === 'forward') return timed(() => { select(); conv(x, w, options(shape)); });
      select();
      const y = conv(x, w, options(shape));
      return timed(() => { select(); convBackward(x, w, y, options(shape)); });
    },
  };
}
