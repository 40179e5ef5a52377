import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { poolOutputSize } from '../../src/geometry/pool-arithmetic.js';
import {
  IDENTITY_FIELD, composeFields, fieldCentre, transposedWindowField, unionFields, upsampleField, windowField,
} from '../../src/geometry/receptive-field.js';

describe('receptive-field recurrences (geometry/receptive-field.ts)', () => {
  it('stack seed 001\'s 1, 2, 4, 8 into 3, 7, 15, 31', () => {
    let f = { ...IDENTITY_FIELD };
    const sizes = [1, 2, 4, 8].map((d) => (f = composeFields(f, windowField(3, 1, d, d))).rf);
    assert.deepEqual(sizes, [3, 7, 15, 31]);
    assert.equal(f.padding, 15);
    assert.equal(fieldCentre(f), 0);
  });

  it('multiply strides and scale later paddings by the stride below (Araujo et al.)', () => {
    const f = composeFields(composeFields(IDENTITY_FIELD, windowField(7, 2, 1, 3)), windowField(3, 2, 1, 1));
    assert.deepEqual(f, { rf: 11, stride: 4, padding: 5 });
  });

  it('unite windows of one stride into their hull', () => {
    assert.deepEqual(unionFields([{ rf: 3, stride: 1, padding: 1 }, { rf: 13, stride: 1, padding: 6 }]), { rf: 13, stride: 1, padding: 6 });
    assert.deepEqual(unionFields([{ rf: 3, stride: 1, padding: 0 }, { rf: 3, stride: 1, padding: 2 }]), { rf: 5, stride: 1, padding: 2 });
  });

  it('give fractional strides for upsampling and transposed convolution', () => {
    assert.deepEqual(upsampleField(2, 'nearest'), { rf: 1.5, stride: 0.5, padding: 0.5 });
    assert.equal(transposedWindowField(4, 2, 1, 1).stride, 0.5);
  });
});

describe('poolOutputSize (PyTorch MaxPool semantics)', () => {
  it('floors by default and rounds up in ceil mode', () => {
    assert.equal(poolOutputSize(7, 2, 2, 1, 0, 0), 3);
    assert.equal(poolOutputSize(7, 2, 2, 1, 0, 0, true), 4);
  });

  it('drops a last ceil-mode window that would start inside the right padding', () => {
    // torch.nn.MaxPool1d(2, 2, padding=1, ceil_mode=True) on length 4 gives 3 outputs, not 4.
    assert.equal(poolOutputSize(4, 2, 2, 1, 1, 1, true), 3);
    assert.equal(poolOutputSize(5, 3, 2, 1, 1, 1, true), 3);
  });
});
