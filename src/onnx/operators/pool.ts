import { OnnxError, describeValue } from '../../errors.js';
import { poolOutputSize } from '../../geometry/pool-arithmetic.js';
import { mean } from '../../ops/reduce.js';
import { avgPool, maxPool } from '../../ops/pool.js';
import { fromTensor, toTensor } from '../value.js';
import { windowAttributes } from './conv.js';
import { checkFloat, required } from './helpers.js';
import type { NodeContext, Operator } from './operator.js';
import { maxPoolWithIndices } from './unpool.js';

function poolOptions(node: NodeContext, shape: readonly number[]) {
  if (shape.length < 3 || shape.length > 5) throw new OnnxError(node.name, 'X', `${node.opType} input ${describeValue(shape)} must be [N, C, ...spatial] with 1 to 3 spatial dimensions`);
  const w = windowAttributes(node, shape.slice(2));
  if (node.opType === 'AveragePool' && w.dilation.some((d) => d !== 1)) {
    throw new OnnxError(node.name, 'dilations', `dilated AveragePool (dilations ${describeValue(w.dilation)}) is not supported`);
  }
  return {
    kernel: w.kernel, stride: w.stride, dilation: w.dilation, padding: w.padding,
    ceilMode: node.attributes.int('ceil_mode', 0) === 1,
    countIncludePad: node.attributes.int('count_include_pad', 0) === 1,
  };
}

function windowPool(kind: 'max' | 'avg'): Operator {
  return {
    infer(inputs, node) {
      const x = required(inputs, 0, node, 'X');
      checkFloat(node, x);
      if (kind === 'max' && node.attributes.int('storage_order', 0) !== 0) {
        throw new OnnxError(node.name, 'storage_order', 'MaxPool with column-major storage_order is not supported');
      }
      const o = poolOptions(node, x.shape);
      const size = x.shape.slice(2).map((n, i) => poolOutputSize(n, o.kernel[i], o.stride[i], o.dilation[i], o.padding[i][0], o.padding[i][1], o.ceilMode));
      const out = { type: 'float' as const, shape: [x.shape[0], x.shape[1], ...size] };
      return kind === 'max' ? [out, { type: 'int', shape: out.shape.slice() }] : [out];
    },
    run(inputs, node) {
      const x = required(inputs, 0, node, 'X');
      const o = poolOptions(node, x.shape);
      if (kind === 'max' && node.usedOutputs[1]) {
        const { values, indices } = maxPoolWithIndices(x, o);
        return [values, indices];
      }
      return [fromTensor((kind === 'max' ? maxPool : avgPool)(toTensor(x), o))];
    },
  };
}

function globalPool(kind: 'max' | 'avg'): Operator {
  return {
    infer(inputs, node) {
      const x = required(inputs, 0, node, 'X');
      checkFloat(node, x);
      return [{ type: 'float', shape: [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)] }];
    },
    run(inputs, node) {
      const x = toTensor(required(inputs, 0, node, 'X'));
      const axes = x.shape.slice(2).map((_, i) => i + 2);
      if (kind === 'avg') return [fromTensor(mean(x, { axes, keepDims: true }))];
      return [fromTensor(maxPool(x, { kernel: x.shape.slice(2) }))];
    },
  };
}

/** Pooling, through atrous's `maxPool`, `avgPool` and `mean`; MaxPool's Indices output through `maxPoolWithIndices`. */
export const POOL_OPERATORS: Record<string, Operator> = {
  MaxPool: windowPool('max'), AveragePool: windowPool('avg'),
  GlobalAveragePool: globalPool('avg'), GlobalMaxPool: globalPool('max'),
};
