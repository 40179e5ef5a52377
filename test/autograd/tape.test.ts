import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, backward, functional as F, grad, isGradEnabled, noGrad, tensor, variable } from '../../src/index.js';

describe('the autograd tape', () => {
  it('sums gradients over every use of a variable (x·x + x → 2x + 1)', () => {
    const x = variable(tensor([3, -1]), { requiresGrad: true });
    backward(F.sum(F.add(F.mul(x, x), x)));
    assert.deepEqual(Array.from(x.grad!.data), [7, -1]);
  });

  it('accumulates across backward calls until zeroGrad, as PyTorch', () => {
    const w = variable(tensor([2]), { requiresGrad: true });
    backward(F.mul(w, 3));
    backward(F.mul(w, 3));
    assert.deepEqual(Array.from(w.grad!.data), [6]);
    w.zeroGrad();
    assert.equal(w.grad, null);
  });

  it('gives each leaf its own gradient tensor, so in-place clipping of one cannot change another', () => {
    const a = variable(tensor([1]), { requiresGrad: true });
    const b = variable(tensor([1]), { requiresGrad: true });
    backward(F.add(a, b));
    a.grad!.data[0] = 100;
    assert.equal(b.grad!.data[0], 1);
  });

  it('sums a gradient shared by several uses in place without touching what other variables hold', () => {
    // y = a + b feeds four uses; add's vector-Jacobian product hands the same tensor to a and b, and a's
    // accumulated sum must not leak into b (nor into grad()'s result for y).
    const a = variable(tensor([1, 2]), { requiresGrad: true });
    const b = variable(tensor([3, 4]), { requiresGrad: true });
    const y = F.add(a, b);
    const out = F.add(F.add(F.mul(y, 2), F.mul(y, 3)), F.add(F.mul(a, 10), y));
    const [dy, da, db] = grad(F.sum(out), [y, a, b]);
    assert.deepEqual(Array.from(dy.data), [6, 6]);
    assert.deepEqual(Array.from(da.data), [16, 16]);
    assert.deepEqual(Array.from(db.data), [6, 6]);
    backward(F.sum(out));
    assert.deepEqual(Array.from(a.grad!.data), [16, 16]);
    assert.deepEqual(Array.from(b.grad!.data), [6, 6]);
  });

  it('grad() returns gradients without touching .grad, zeros for unused inputs', () => {
    const x = variable(tensor([0.5]), { requiresGrad: true });
    const unused = variable(tensor([1, 2]), { requiresGrad: true });
    const [dx, du] = grad(F.sum(F.tanh(x)), [x, unused]);
    assert.ok(Math.abs(dx.data[0] - (1 - Math.tanh(0.5) ** 2)) < 1e-6);
    assert.deepEqual(Array.from(du.data), [0, 0]);
    assert.equal(x.grad, null);
  });

  it('records nothing inside noGrad and restores the mode even after a throw', () => {
    const x = variable(tensor([1]), { requiresGrad: true });
    const y = noGrad(() => F.mul(x, 2));
    assert.equal(y.requiresGrad, false);
    assert.throws(() => noGrad(() => { throw new Error('inside'); }), /inside/);
    assert.equal(isGradEnabled(), true);
    assert.throws(() => backward(y), (e: unknown) => e instanceof ShapeError && /does not require a gradient/.test(e.message));
  });

  it('detach() cuts the tape; constants and Tensors get no gradient', () => {
    const x = variable(tensor([2]), { requiresGrad: true });
    backward(F.mul(x, F.mul(x, 3).detach()));
    assert.deepEqual(Array.from(x.grad!.data), [6]);
  });

  it('asks for gradOutput when the output is not a single value', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    assert.throws(() => backward(F.mul(x, 2)), /pass gradOutput/);
    backward(F.mul(x, 2), tensor([1, 10]));
    assert.deepEqual(Array.from(x.grad!.data), [2, 20]);
  });

  it('a cross-entropy batch whose every target is ignored contributes 0 loss and 0 gradient, never NaN', () => {
    const logits = variable(tensor([1, 2, 3, 4], [2, 2]), { requiresGrad: true });
    const loss = F.crossEntropy(logits, tensor([255, 255]), { ignoreIndex: 255 });
    assert.deepEqual(Array.from(loss.data), [0]);
    backward(loss);
    assert.deepEqual(Array.from(logits.grad!.data), [0, 0, 0, 0]);
  });
});
