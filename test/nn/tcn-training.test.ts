import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, Conv1d, functional as F, Random, Sequential, TCN, fit, manualSeed, noGrad, tensor, type Tensor } from '../../src/index.js';

// Delayed copy: the target at time t is the input at t − LAG. A causal net can only solve it if its receptive
// field reaches LAG steps back: 4 TCN blocks of two k=3 convolutions see 1 + 2·2·(1+2+4+8) = 61 steps with
// dilations 1, 2, 4, 8, but only 1 + 2·2·4 = 17 without dilation.
const LAG = 30, LENGTH = 96, BATCH = 8, CHANNELS = 8;

function delayedCopyBatch(random: Random): { x: Tensor; y: Tensor } {
  const x = new Float32Array(BATCH * LENGTH), y = new Float32Array(BATCH * LENGTH);
  for (let i = 0; i < x.length; i++) x[i] = random.normal();
  for (let b = 0; b < BATCH; b++) for (let t = LAG; t < LENGTH; t++) y[b * LENGTH + t] = x[b * LENGTH + t - LAG];
  return { x: tensor(x, [BATCH, 1, LENGTH]), y: tensor(y, [BATCH, 1, LENGTH]) };
}

/** Trains a TCN + 1×1 head and returns its mean squared error on fresh batches (the target has variance 1). */
function trainDelayedCopy(dilations: number[]): { rf: number; heldOutLoss: number; firstLoss: number } {
  manualSeed(1);
  const tcn = new TCN({ inputChannels: 1, channels: [CHANNELS, CHANNELS, CHANNELS, CHANNELS], kernelSize: 3, dilations });
  const model = new Sequential(tcn, new Conv1d({ inChannels: CHANNELS, outChannels: 1, kernelSize: 1 }));
  const data = new Random(7);
  const afterLag = (v: Parameters<typeof F.slice>[0]) => F.slice(v, { starts: [LAG], ends: [LENGTH], axes: [2] });
  const { losses } = fit({
    model, optimizer: new Adam(model.parameters(), { lr: 5e-3 }), steps: 400, log: () => {},
    loss: () => {
      const { x, y } = delayedCopyBatch(data);
      return F.mseLoss(afterLag(model.forward(x)), afterLag(y));
    },
  });
  model.eval();
  const heldOut = new Random(12345);
  let total = 0;
  for (let i = 0; i < 4; i++) {
    const { x, y } = delayedCopyBatch(heldOut);
    total += noGrad(() => F.mseLoss(afterLag(model.forward(x)), afterLag(y)).data[0]);
  }
  return { rf: tcn.receptiveField, heldOutLoss: total / 4, firstLoss: losses[0] };
}

describe('a dilated causal TCN learns a delayed copy beyond a plain stack\'s receptive field', () => {
  it('dilations 1, 2, 4, 8 reach 30 steps back and learn the copy; the same depth without dilation cannot', () => {
    const dilated = trainDelayedCopy([1, 2, 4, 8]);
    const plain = trainDelayedCopy([1, 1, 1, 1]);
    assert.equal(dilated.rf, 61);
    assert.equal(plain.rf, 17);
    assert.ok(dilated.heldOutLoss < 0.05, `dilated TCN held-out MSE ${dilated.heldOutLoss} (started at ${dilated.firstLoss})`);
    // The plain stack never sees x[t − 30]: its best is to predict 0, an MSE equal to the target variance ≈ 1.
    assert.ok(plain.heldOutLoss > 0.8, `plain stack held-out MSE ${plain.heldOutLoss}`);
  });
});
