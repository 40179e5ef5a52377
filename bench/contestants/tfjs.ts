import type { Contestant, LayerData } from '../contestant.js';
import type { BenchShape } from '../shapes.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tensor4D = import('@tensorflow/tfjs-core').Tensor4D;

let tfLoaded: Promise<Tf | null> | undefined;

/** tfjs-core with the cpu and wasm backends registered, or null when they are not installed. */
function loadTf(): Promise<Tf | null> {
  tfLoaded ??= (async () => {
    try {
      const tf = await import('@tensorflow/tfjs-core');
      await import('@tensorflow/tfjs-backend-cpu');
      await import('@tensorflow/tfjs-backend-wasm');
      return tf;
    } catch {
      return null;
    }
  })();
  return tfLoaded;
}

/**
 * tfjs in its native channels-last layout (NHWC, filters HWIO): conv2d or depthwiseConv2d, 1-D layers as a
 * height-1 conv2d with explicit padding along W only (what tf.conv1d does inside, which pads both axes when given
 * a number). tfjs rejects stride and dilation together ("Either strides or dilations must be 1"), so those layers
 * are reported unsupported instead of being run another way. Weights are uploaded outside the timing, like a loaded model's;
 * each call uploads the input and downloads the output, as atrous's calls copy theirs.
 */
export function tfjsContestant(backend: 'wasm' | 'cpu'): Contestant {
  return {
    name: `tfjs-${backend}`,
    role: 'peer',
    pass: 'forward',
    threads: 1,
    async prepare(shape: BenchShape, data: LayerData) {
      const tf = await loadTf();
      if (!tf) return { unsupported: 'tfjs not installed' };
      if (shape.stride.some((s) => s > 1) && shape.dilation.some((d) => d > 1)) {
        return { unsupported: 'tfjs: strides and dilations cannot both exceed 1' };
      }
      if (!(await tf.setBackend(backend))) return { unsupported: `tfjs backend ${backend} failed to initialize` };
      const [n, c, ...spatial] = shape.input;
      const [cout, cinPerGroup, ...kernel] = shape.weight;
      const depthwise = shape.groups > 1 && shape.groups === c && cinPerGroup === 1;
      if (shape.groups > 1 && !depthwise) return { unsupported: 'tfjs: no grouped convolution' };
      const xShape = spatial.length === 1 ? [n, 1, spatial[0], c] : [n, ...spatial, c];
      const wShape = [...(kernel.length === 1 ? [1, kernel[0]] : kernel), c, depthwise ? cout / c : cout];
      const stride2d = (shape.stride.length === 1 ? [1, shape.stride[0]] : shape.stride) as [number, number];
      const dilation2d = (shape.dilation.length === 1 ? [1, shape.dilation[0]] : shape.dilation) as [number, number];
      return async () => {
        await tf.setBackend(backend);
        const w = tf.tensor(data.w, wShape);
        const start = performance.now();
        const x = tf.tensor(data.x, xShape);
        const pad: [[number, number], [number, number], [number, number], [number, number]] = spatial.length === 1
          ? [[0, 0], [0, 0], [shape.padding[0], shape.padding[0]], [0, 0]]
          : [[0, 0], [shape.padding[0], shape.padding[0]], [shape.padding[1], shape.padding[1]], [0, 0]];
        const op = depthwise ? tf.depthwiseConv2d : tf.conv2d;
        const y = op(x as Tensor4D, w as Tensor4D, stride2d, pad, 'NHWC', dilation2d);
        y.dataSync();
        const ms = performance.now() - start;
        tf.dispose([x, y, w]);
        return ms;
      };
    },
  };
}
