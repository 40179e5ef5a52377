/** Runs a model on onnxruntime-node, the reference engine atrous's executor is compared with. */
import ort from 'onnxruntime-node';
import { Tensor } from '../../src/tensor/tensor.js';

/** Outputs of `bytes` run on onnxruntime-node, as atrous tensors. */
export async function runOnnxRuntime(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const inputs = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor('float32', t.data, t.shape.slice())]));
  const results = await session.run(inputs);
  return Object.fromEntries(Object.entries(results).map(([name, t]) => [name, new Tensor(Float32Array.from(t.data as Float32Array), t.dims.slice())]));
}

/** max |a − b| / max |b|: the relative error the tolerance (1e-4) is stated in. */
export function relativeError(actual: Tensor, expected: Tensor): number {
  let err = 0, scale = 0;
  for (let i = 0; i < expected.data.length; i++) {
    err = Math.max(err, Math.abs(actual.data[i] - expected.data[i]));
    scale = Math.max(scale, Math.abs(expected.data[i]));
  }
  return scale === 0 ? err : err / scale;
}
