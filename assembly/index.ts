/**
 * The WebAssembly convolution kernels. The host writes a parameter block (see params.ts) and calls
 * `run(params, task)` for every task index below `tasks(params)`, from one thread or several sharing the memory;
 * tasks write disjoint outputs, so the result does not depend on how they are spread over threads.
 */
import * as p from './params';
import { stageChannel } from './stage-input';
import { forwardTask, forwardTasks } from './conv-forward';
import { backwardInputTask, backwardInputTasks } from './conv-backward-input';
import { backwardWeightTask, backwardWeightTasks } from './conv-backward-weight';
import { pointwiseTask, pointwiseTasks } from './pointwise';
import {
  channelGradientSumsTask, channelMomentsTask, channelMomentsTasks, elementwiseTask, elementwiseTasks, momentsTask, momentsTasks,
  reduceChannelsTask, reduceChannelsTasks,
} from './elementwise';
import { softmaxCrossEntropyTask, softmaxCrossEntropyTasks } from './softmax-cross-entropy';
import { depthwiseBackwardInputTask, depthwiseBackwardInputTasks, depthwiseForwardTask, depthwiseForwardTasks } from './conv-depthwise';

export const OP_STAGE: i32 = 1;
export const OP_FORWARD: i32 = 2;
export const OP_BACKWARD_INPUT: i32 = 3;
export const OP_BACKWARD_WEIGHT: i32 = 4;
export const OP_DEPTHWISE_FORWARD: i32 = 5;
export const OP_DEPTHWISE_BACKWARD_INPUT: i32 = 6;
export const OP_POINTWISE: i32 = 16;
export const OP_ELEMENTWISE: i32 = 17;
export const OP_REDUCE_CHANNELS: i32 = 18;
export const OP_MOMENTS: i32 = 19;
export const OP_CHANNEL_MOMENTS: i32 = 20;
export const OP_CHANNEL_GRADIENT_SUMS: i32 = 21;
export const OP_SOFTMAX_CROSS_ENTROPY: i32 = 22;
export {
  ELEMENTWISE_ADD, ELEMENTWISE_SUB, ELEMENTWISE_MUL, ELEMENTWISE_DIV, ELEMENTWISE_PRELU, ELEMENTWISE_RELU, ELEMENTWISE_RELU_BACKWARD,
  ELEMENTWISE_LEAKY_RELU, ELEMENTWISE_LEAKY_RELU_BACKWARD, ELEMENTWISE_TANH_BACKWARD, ELEMENTWISE_SIGMOID_BACKWARD, ELEMENTWISE_GATE_BACKWARD, ELEMENTWISE_AFFINE, ELEMENTWISE_AFFINE2,
} from './elementwise';
export { KIND_EXP, KIND_TANH, KIND_SIGMOID, KIND_GELU, KIND_GATE, KIND_ERF } from './pointwise';

/** Number of independent tasks of the job described at `params`. */
export function tasks(params: usize): i32 {
  const op = p.slot(params, p.OP);
  if (op == OP_STAGE) return p.slot(params, p.N) * p.slot(params, p.G) * p.slot(params, p.CIG);
  if (op == OP_FORWARD) return forwardTasks(params);
  if (op == OP_BACKWARD_INPUT) return backwardInputTasks(params);
  if (op == OP_BACKWARD_WEIGHT) return backwardWeightTasks(params);
  if (op == OP_DEPTHWISE_FORWARD) return depthwiseForwardTasks(params);
  if (op == OP_DEPTHWISE_BACKWARD_INPUT) return depthwiseBackwardInputTasks(params);
  if (op == OP_POINTWISE) return pointwiseTasks(params);
  if (op == OP_ELEMENTWISE) return elementwiseTasks(params);
  if (op == OP_REDUCE_CHANNELS) return reduceChannelsTasks(params);
  if (op == OP_MOMENTS) return momentsTasks(params);
  if (op == OP_CHANNEL_MOMENTS || op == OP_CHANNEL_GRADIENT_SUMS) return channelMomentsTasks(params);
  if (op == OP_SOFTMAX_CROSS_ENTROPY) return softmaxCrossEntropyTasks(params);
  return 0;
}

export function run(params: usize, task: i32): void {
  const op = p.slot(params, p.OP);
  if (op == OP_STAGE) stageChannel(params, task);
  else if (op == OP_FORWARD) forwardTask(params, task);
  else if (op == OP_BACKWARD_INPUT) backwardInputTask(params, task);
  else if (op == OP_BACKWARD_WEIGHT) backwardWeightTask(params, task);
  else if (op == OP_DEPTHWISE_FORWARD) depthwiseForwardTask(params, task);
  else if (op == OP_DEPTHWISE_BACKWARD_INPUT) depthwiseBackwardInputTask(params, task);
  else if (op == OP_POINTWISE) pointwiseTask(params, task);
  else if (op == OP_ELEMENTWISE) elementwiseTask(params, task);
  else if (op == OP_REDUCE_CHANNELS) reduceChannelsTask(params, task);
  else if (op == OP_MOMENTS) momentsTask(params, task);
  else if (op == OP_CHANNEL_MOMENTS) channelMomentsTask(params, task);
  else if (op == OP_CHANNEL_GRADIENT_SUMS) channelGradientSumsTask(params, task);
  else if (op == OP_SOFTMAX_CROSS_ENTROPY) softmaxCrossEntropyTask(params, task);
}

export { ACTIVATION_NONE, ACTIVATION_RELU, ACTIVATION_LEAKY_RELU, ACTIVATION_CLIP, ACTIVATION_HARD_SWISH, ACTIVATION_SIGMOID, ACTIVATION_TANH } from './epilogue';

export { setThread } from './params';
