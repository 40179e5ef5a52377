import { describe, it } from 'node:test';
import { backward, functional as F, variable, type Variable } from '../../src/index.js';
import { assertClose, loadFixture } from './torch-fixtures.js';

const { tensors } = loadFixture('ops');
const target = tensors.get('cross_entropy.target')!;
const gamma = tensors.get('norm.gamma')!, beta = tensors.get('norm.beta')!;

const cases: Record<string, (x: Variable) => Variable> = {
  max_pool_dilated_ceil: (x) => F.maxPool(x, { kernel: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true }),
  avg_pool_ceil_exclude_pad: (x) => F.avgPool(x, { kernel: [2, 3], stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  avg_pool_include_pad: (x) => F.avgPool(x, { kernel: 3, stride: 2, padding: 1 }),
  max_pool1d: (x) => F.maxPool(x, { kernel: 2 }),
  adaptive_avg_pool: (x) => F.adaptiveAvgPool(x, [2, 3]),
  bilinear: (x) => F.interpolate(x, { size: [7, 5], mode: 'bilinear', alignCorners: false }),
  bilinear_align_corners: (x) => F.interpolate(x, { size: [7, 5], mode: 'bilinear', alignCorners: true }),
  bilinear_down: (x) => F.interpolate(x, { size: [3, 2], mode: 'bilinear', alignCorners: false }),
  nearest_scale: (x) => F.interpolate(x, { scaleFactor: 2, mode: 'nearest' }),
  nearest_size: (x) => F.interpolate(x, { size: [5, 7], mode: 'nearest' }),
  gelu: (x) => F.gelu(x),
  log_softmax: (x) => F.logSoftmax(x, 1),
  layer_norm: (x) => F.layerNorm(x, [4], { weight: gamma, bias: beta }),
  group_norm: (x) => F.groupNorm(x, 2, { weight: gamma, bias: beta }),
  cross_entropy: (x) => F.reshape(F.crossEntropy(x, target, { ignoreIndex: 255 }), [1]),
};

describe('pooling, interpolation, gelu, log-softmax, layer/group norm and cross-entropy equal PyTorch forward and backward', () => {
  for (const [name, op] of Object.entries(cases)) {
    it(name.replaceAll('_', ' '), () => {
      const x = variable(tensors.get(`${name}.input`)!.clone(), { requiresGrad: true });
      const y = op(x);
      assertClose(y.value, tensors.get(`${name}.output`), `${name} output`, 1e-5);
      backward(y, tensors.get(`${name}.grad_output`));
      assertClose(x.grad, tensors.get(`${name}.grad_input`), `${name} input gradient`, 1e-5);
    });
  }
});
