import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AtrousError, OptionError, Random, ShapeError, conv, convBackward, convTranspose, convTransposeBackward, ones, rand,
  tensor, zeros, type PaddingMode,
} from '../../src/index.js';
import { randomConv } from './random-conv.js';

type ErrorClass = typeof ShapeError | typeof OptionError;

/**
 * Asserts `fn` throws exactly `errorClass` for `op`/`argument`, and that the message starts with the op and quotes
 * the argument's name and the offending value (each `mentions` entry appears verbatim).
 */
function refuses(fn: () => unknown, errorClass: ErrorClass, op: string, argument: string, ...mentions: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof errorClass, `expected ${errorClass.name}, got ${String(e)}`);
    assert.ok(e instanceof AtrousError);
    assert.equal(e.constructor, errorClass);
    assert.equal(e.op, op);
    assert.equal(e.argument, argument);
    assert.ok(e.message.startsWith(`${op}: `), e.message);
    for (const text of [argument, ...mentions]) assert.ok(e.message.includes(text), `"${e.message}" should mention ${text}`);
    return true;
  });
}

const x1 = rand([1, 2, 8], 1, -1, 1);
const w1 = rand([4, 2, 3], 2, -1, 1);
const x2 = rand([1, 2, 6, 6], 3, -1, 1);
const w2 = rand([4, 2, 3, 3], 4, -1, 1);
const wt1 = rand([2, 3, 3], 5, -1, 1);

describe('conv refuses bad arguments with a typed error naming op, argument and value', () => {
  for (const stride of [0, -1, 1.5]) {
    it(`stride ${stride}`, () => refuses(() => conv(x1, w1, { stride }), OptionError, 'conv', 'stride', `stride ${stride}`, 'positive integer'));
  }
  it('padding so large the output could not be allocated (a typo like 1e9), before allocating', () =>
    refuses(() => conv(x2, w2, { padding: 1e9 }), ShapeError, 'conv', 'padding', 'float32 tensor can hold'));
  it('a transposed stride so large the output could not be allocated', () =>
    refuses(() => convTranspose(x1, wt1, { stride: 2 ** 31 }), ShapeError, 'convTranspose', 'stride', 'float32 tensor can hold'));
  it('stride with the wrong number of dimensions', () => refuses(() => conv(x2, w2, { stride: [1, 2, 1] }), OptionError, 'conv', 'stride', '[1, 2, 1]', '2 of them'));
  for (const dilation of [0, -2, 2.5]) {
    it(`dilation ${dilation}`, () => refuses(() => conv(x1, w1, { dilation }), OptionError, 'conv', 'dilation', `dilation ${dilation}`, 'positive integer'));
  }
  it('a fractional dilation in one dimension', () => refuses(() => conv(x2, w2, { dilation: [2, 0.5] }), OptionError, 'conv', 'dilation', '[2, 0.5]'));
  for (const groups of [0, -1, 1.5]) {
    it(`groups ${groups}`, () => refuses(() => conv(x1, w1, { groups }), OptionError, 'conv', 'groups', `groups ${groups}`, 'positive integer'));
  }
  it('input channels that groups do not divide', () =>
    refuses(() => conv(rand([1, 3, 8], 1), ones([2, 1, 3]), { groups: 2 }), ShapeError, 'conv', 'groups', 'groups 2', '3 input channels', 'divisor of 3'));
  it('output channels that groups do not divide', () =>
    refuses(() => conv(rand([1, 4, 8], 1), ones([3, 2, 3]), { groups: 2 }), ShapeError, 'conv', 'weight', '3 output channels', '2 groups'));
  it('a weight whose input channels do not match the input', () =>
    refuses(() => conv(x1, ones([4, 3, 3])), ShapeError, 'conv', 'weight', '[4, 3, 3]', '2 channels'));
  it('a weight rank that does not match the input rank', () =>
    refuses(() => conv(x2, w1), ShapeError, 'conv', 'weight', '[4, 2, 3]', 'rank 3', 'rank 4'));
  it('an input without batch or channel dimension', () =>
    refuses(() => conv(tensor([1, 2, 3, 4], [1, 4]), ones([1, 1, 3])), ShapeError, 'conv', 'input', '[1, 4]', '[N, C, ...spatial]'));
  it('an input with more than 3 spatial dimensions', () =>
    refuses(() => conv(zeros([1, 1, 2, 2, 2, 2]), ones([1, 1, 1, 1, 1, 1])), ShapeError, 'conv', 'input', '[1, 1, 2, 2, 2, 2]', '1 to 3 spatial'));
  it('an empty spatial dimension', () =>
    refuses(() => conv(zeros([1, 1, 0]), ones([1, 1, 1]), { padding: 1, paddingMode: 'replicate' }), ShapeError, 'conv', 'input', '[1, 1, 0]'));
  it('"causal" padding on a 2-D input', () =>
    refuses(() => conv(x2, w2, { padding: 'causal' }), OptionError, 'conv', 'padding', '"causal"', '1-D'));
  it('an unknown padding word', () =>
    refuses(() => conv(x1, w1, { padding: 'full' as 'same' }), OptionError, 'conv', 'padding', '"full"', '"valid", "same", "causal"'));
  it('negative padding', () => refuses(() => conv(x1, w1, { padding: -1 }), OptionError, 'conv', 'padding', '-1', 'non-negative'));
  it('reflect padding as large as the input', () =>
    refuses(() => conv(x1, w1, { padding: 8, paddingMode: 'reflect' }), OptionError, 'conv', 'padding', 'reflect padding 8', 'input size 8'));
  it('asymmetric reflect padding whose larger side reaches the input size', () =>
    refuses(() => conv(x2, w2, { padding: [[0, 1], [6, 0]], paddingMode: 'reflect' }), OptionError, 'conv', 'padding', 'reflect padding 6', 'dimension 1'));
  it('circular padding larger than the input', () =>
    refuses(() => conv(x1, w1, { padding: 9, paddingMode: 'circular' }), OptionError, 'conv', 'padding', 'circular padding 9', 'input size 8'));
  it('an unknown padding mode', () =>
    refuses(() => conv(x1, w1, { padding: 1, paddingMode: 'mirror' as PaddingMode }), OptionError, 'conv', 'paddingMode', '"mirror"', '"reflect"'));
  it('an input smaller than the effective kernel, with seed 000\'s exact words and a suggestion', () =>
    refuses(() => conv(tensor(Array.from({ length: 16 }, (_, i) => i + 1), [1, 1, 4, 4]), tensor([1, 0, -1, 1, 0, -1, 1, 0, -1], [1, 1, 3, 3]), { dilation: 2 }),
      ShapeError, 'conv', 'input', 'effective kernel 5×5 (k=3, d=2) is larger than the padded input 4×4', 'padding: 1', '"same"'));
  it('a bias with the wrong number of values', () =>
    refuses(() => conv(x1, w1, { bias: ones([3]) }), ShapeError, 'conv', 'bias', '[3]', '[4]'));
  it('a bias of the wrong rank', () =>
    refuses(() => conv(x1, w1, { bias: ones([4, 1]) }), ShapeError, 'conv', 'bias', '[4, 1]', '[4]'));
  it('a bias that is not a Tensor', () =>
    refuses(() => conv(x1, w1, { bias: [1, 2, 3, 4] as never }), ShapeError, 'conv', 'bias', '[1, 2, 3, 4]', 'Tensor'));
  it('an input that is not a Tensor', () =>
    refuses(() => conv([1, 2, 3] as never, w1), ShapeError, 'conv', 'input', '[1, 2, 3]', 'Tensor'));
  it('a weight that is not a Tensor', () =>
    refuses(() => conv(x1, null as never), ShapeError, 'conv', 'weight', 'null', 'Tensor'));
  it('options that are not an object', () =>
    refuses(() => conv(x1, w1, null as never), OptionError, 'conv', 'options', 'null', 'object'));
});

describe('convBackward refuses bad arguments', () => {
  it('a gradOutput of the wrong shape, naming both shapes', () =>
    refuses(() => convBackward(x1, w1, ones([1, 4, 5])), ShapeError, 'convBackward', 'gradOutput', '[1, 4, 5]', '[1, 4, 6]'));
  it('a gradOutput that is not a Tensor', () =>
    refuses(() => convBackward(x1, w1, 'dy' as never), ShapeError, 'convBackward', 'gradOutput', '"dy"'));
  it('a bias of the wrong shape, as conv would refuse it', () =>
    refuses(() => convBackward(x1, w1, ones([1, 4, 6]), { bias: ones([2]) }), ShapeError, 'convBackward', 'bias', '[2]', '[4]'));
  it('the same option errors as conv, under its own name', () =>
    refuses(() => convBackward(x1, w1, ones([1, 4, 6]), { dilation: 0 }), OptionError, 'convBackward', 'dilation', 'dilation 0'));
  it('reflect padding as large as the input', () =>
    refuses(() => convBackward(x1, w1, ones([1, 4, 22]), { padding: 8, paddingMode: 'reflect' }), OptionError, 'convBackward', 'padding', 'reflect padding 8'));
});

describe('convTranspose refuses bad arguments', () => {
  it('"same" padding, which has no meaning for a transposed conv', () =>
    refuses(() => convTranspose(x1, wt1, { padding: 'same' as never }), OptionError, 'convTranspose', 'padding', '"same"', 'explicit'));
  it('"causal" padding', () =>
    refuses(() => convTranspose(x1, wt1, { padding: 'causal' as never }), OptionError, 'convTranspose', 'padding', '"causal"'));
  it('outputPadding equal to the stride (and above the dilation)', () =>
    refuses(() => convTranspose(x1, wt1, { stride: 2, outputPadding: 2 }), OptionError, 'convTranspose', 'outputPadding', 'outputPadding 2', 'stride 2'));
  it('outputPadding at least max(stride, dilation) in one dimension', () =>
    refuses(() => convTranspose(x2, rand([2, 1, 3, 3], 1), { stride: [2, 1], dilation: [1, 3], outputPadding: [1, 3] }),
      OptionError, 'convTranspose', 'outputPadding', '[1, 3]', 'dimension 1'));
  it('a negative outputPadding', () =>
    refuses(() => convTranspose(x1, wt1, { outputPadding: -1 }), OptionError, 'convTranspose', 'outputPadding', '-1'));
  it('a padding mode other than zeros, as PyTorch', () =>
    refuses(() => convTranspose(x1, wt1, { paddingMode: 'reflect' } as never), OptionError, 'convTranspose', 'paddingMode', '"reflect"', '"zeros"'));
  it('padding that leaves no output', () =>
    refuses(() => convTranspose(rand([1, 2, 2], 1), rand([2, 1, 2], 2), { padding: 2 }), ShapeError, 'convTranspose', 'padding', 'padding 2', 'at most 1'));
  it('input channels that groups do not divide', () =>
    refuses(() => convTranspose(rand([1, 3, 4], 1), rand([3, 1, 2], 2), { groups: 2 }), ShapeError, 'convTranspose', 'groups', 'groups 2', '3 input channels'));
  it('a weight whose first dimension is not the input channels', () =>
    refuses(() => convTranspose(x1, rand([3, 1, 3], 1)), ShapeError, 'convTranspose', 'weight', '[3, 1, 3]', '2'));
  it('a bias with the wrong number of values', () =>
    refuses(() => convTranspose(x1, wt1, { bias: ones([2]) }), ShapeError, 'convTranspose', 'bias', '[2]', '[3]'));
  it('a non-Tensor input', () =>
    refuses(() => convTranspose({ shape: [1, 2, 8] } as never, wt1), ShapeError, 'convTranspose', 'input', 'Tensor'));
  it('a bias of the wrong shape in convTransposeBackward', () =>
    refuses(() => convTransposeBackward(x1, wt1, ones([1, 3, 10]), { bias: ones([4]) }), ShapeError, 'convTransposeBackward', 'bias', '[4]', '[3]'));
  it('a gradOutput of the wrong shape in convTransposeBackward', () =>
    refuses(() => convTransposeBackward(x1, wt1, ones([1, 3, 9])), ShapeError, 'convTransposeBackward', 'gradOutput', '[1, 3, 9]', '[1, 3, 10]'));
});

describe('finite input never gives NaN or Infinity', () => {
  it('on 60 random geometries in every padding mode, forward and all gradients, values up to ±1e4', () => {
    const rng = new Random(12);
    for (let i = 0; i < 60; i++) {
      const c = randomConv(rng);
      for (const t of [c.x, c.w]) t.data.forEach((v, j) => { t.data[j] = v * 1e4; });
      const y = conv(c.x, c.w, { ...c.options, bias: c.bias });
      const grads = convBackward(c.x, c.w, rand(c.outShape, i, -1e4, 1e4), { ...c.options, bias: c.bias });
      for (const t of [y, grads.input, grads.weight, grads.bias!]) assert.ok(t.data.every(Number.isFinite), `case ${i}: ${JSON.stringify(c.options)}`);
    }
  });

  it('on edge shapes: a 1-sample input, kernel wider than the input with padding, circular padding equal to the size, batch 0', () => {
    const finite = (t: { data: Float32Array }) => assert.ok(t.data.every(Number.isFinite));
    finite(conv(tensor([3], [1, 1, 1]), ones([2, 1, 5]), { padding: 2, paddingMode: 'replicate' }));
    finite(conv(tensor([3], [1, 1, 1]), ones([1, 1, 1]), { stride: 4, dilation: 7 }));
    finite(conv(rand([1, 1, 3, 2], 1), ones([1, 1, 7, 5]), { padding: [[3, 3], [2, 2]] }));
    finite(conv(rand([2, 2, 4], 1), ones([2, 2, 3]), { padding: 4, paddingMode: 'circular', dilation: 3 }));
    finite(convTranspose(tensor([1], [1, 1, 1]), ones([1, 1, 3]), { stride: 3, dilation: 2, outputPadding: 2 }));
    const empty = conv(zeros([0, 2, 5]), ones([3, 2, 2]), { padding: 1 });
    assert.deepEqual(empty.shape, [0, 3, 6]);
    assert.deepEqual(Array.from(convBackward(zeros([0, 2, 5]), ones([3, 2, 2]), zeros([0, 3, 6]), { padding: 1, hasBias: true }).bias!.data), [0, 0, 0]);
  });
});
