import { CONSTANT_OPERATORS } from './constants.js';
import { CONV_OPERATORS } from './conv.js';
import { EINSUM_OPERATORS } from './einsum.js';
import { ELEMENTWISE_OPERATORS } from './elementwise.js';
import { LAYOUT_OPERATORS } from './layout.js';
import { NORMALIZATION_OPERATORS } from './normalization.js';
import type { Operator } from './operator.js';
import { POOL_OPERATORS } from './pool.js';
import { RESIZE_OPERATORS } from './resize.js';
import { SCATTER_OPERATORS } from './scatter.js';
import { UNPOOL_OPERATORS } from './unpool.js';

/** Every ONNX operator atrous implements (default domain, opsets 11–21), by `op_type`. */
export const OPERATORS: Readonly<Record<string, Operator>> = Object.freeze({
  ...CONV_OPERATORS, ...POOL_OPERATORS, ...NORMALIZATION_OPERATORS, ...ELEMENTWISE_OPERATORS,
  ...LAYOUT_OPERATORS, ...CONSTANT_OPERATORS, ...RESIZE_OPERATORS, ...UNPOOL_OPERATORS, ...SCATTER_OPERATORS,
  ...EINSUM_OPERATORS,
});

export type { Operator, NodeContext, ValueInfo } from './operator.js';
