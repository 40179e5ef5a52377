import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ASPP, BatchNorm2d, Conv1d, Conv2d, Conv3d, ConvTranspose2d, ContextModule, Dropout, Linear, OptionError, ReLU, Sequential,
  ShapeError, StateDictError, TCN, Upsample, WaveNet, compareDilatedToStandard, conv, convParameterCount, convTranspose,
  functional as F, manualSeed, noGrad, randn, readSafetensors, tensor, writeSafetensors, zeros,
  DilatedCausalConv1d, SGD, StepLR, buildWavenetStack, fit, stream,
} from '../../src/index.js';

describe('Module: parameters, buffers, modes and state dicts', () => {
  it('names parameters and buffers as PyTorch does (Sequential children 0, 1, ...)', () => {
    const net = new Sequential(new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3 }), new BatchNorm2d({ numFeatures: 4 }), new ReLU());
    assert.deepEqual([...net.stateDict().keys()], ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
    assert.deepEqual(net.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.equal(net.parameterCount(), 4 * 3 * 9 + 4 + 4 + 4);
  });

  it('train() and eval() reach every descendant', () => {
    const net = new Sequential(new Dropout(0.5), new Sequential(new ReLU()));
    net.eval();
    assert.ok(net.namedModules().every(([, m]) => !m.training));
    net.train();
    assert.ok(net.namedModules().every(([, m]) => m.training));
  });

  it('a state dict survives a round trip through .safetensors', () => {
    manualSeed(3);
    const a = new TCN({ inputChannels: 2, channels: [3, 3], kernelSize: 2 });
    manualSeed(4);
    const b = new TCN({ inputChannels: 2, channels: [3, 3], kernelSize: 2 });
    b.loadStateDict(readSafetensors(writeSafetensors(a.stateDict(), { format: 'pt' })));
    for (const [name, t] of a.stateDict()) assert.deepEqual(Array.from(b.stateDict().get(name)!.data), Array.from(t.data), name);
  });

  it('loading a bad state dict lists every missing, unexpected and mis-shaped tensor and changes nothing', () => {
    const net = new Sequential(new Conv1d({ inChannels: 2, outChannels: 3, kernelSize: 3 }), new BatchNorm2d({ numFeatures: 3 }));
    const before = Array.from(net.stateDict().get('0.weight')!.data);
    const state = net.stateDict();
    const bad = new Map([...state].map(([k, v]) => [k, v.clone()]));
    bad.delete('1.running_var');
    bad.delete('0.bias');
    bad.set('0.weight', zeros([3, 2, 5]));
    bad.set('2.weight', zeros([7]));
    assert.throws(() => net.loadStateDict(bad), (e: unknown) => {
      assert.ok(e instanceof StateDictError && e instanceof ShapeError);
      assert.deepEqual(e.mismatches.map((m) => `${m.kind} ${m.key}`).sort(), ['missing 0.bias', 'missing 1.running_var', 'shape 0.weight', 'unexpected 2.weight']);
      assert.match(e.message, /"0.weight" has shape \[3, 2, 5\] but the module expects \[3, 2, 3\]/);
      assert.match(e.message, /4 problems/);
      return true;
    });
    assert.deepEqual(Array.from(net.stateDict().get('0.weight')!.data), before);
    bad.set('0.weight', zeros([3, 2, 3]));
    net.loadStateDict(bad, { strict: false });
    assert.ok(net.stateDict().get('0.weight')!.data.every((v) => v === 0));
  });
});

describe('layers', () => {
  it('Conv1d/2d/3d compute the conv op with their own weights and all options', () => {
    const c1 = new Conv1d({ inChannels: 2, outChannels: 4, kernelSize: 3, dilation: 4, padding: 'causal', paddingMode: 'replicate', groups: 2 });
    const x1 = randn([1, 2, 20], 1);
    assert.deepEqual(c1.forward(x1).value.data, conv(x1, c1.weight.value, { bias: c1.bias!.value, dilation: 4, padding: 'causal', paddingMode: 'replicate', groups: 2 }).data);
    const c2 = new Conv2d({ inChannels: 3, outChannels: 2, kernelSize: [3, 2], stride: 2, dilation: [2, 1], padding: 'same', bias: false });
    assert.deepEqual(c2.forward(randn([1, 3, 9, 8], 2)).shape, [1, 2, 5, 4]);
    const c3 = new Conv3d({ inChannels: 1, outChannels: 2, kernelSize: 3, padding: 'same', dilation: 2 });
    assert.deepEqual(c3.forward(randn([1, 1, 5, 6, 7], 3)).shape, [1, 2, 5, 6, 7]);
    const t2 = new ConvTranspose2d({ inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, dilation: 1 });
    const x2 = randn([1, 2, 4, 4], 4);
    assert.deepEqual(t2.forward(x2).value.data, convTranspose(x2, t2.weight.value, { bias: t2.bias!.value, stride: 2, padding: 1, outputPadding: 1 }).data);
  });

  it('initializes as PyTorch: kaiming-uniform a=√5 weights and biases within ±1/√fanIn', () => {
    manualSeed(5);
    const layer = new Conv2d({ inChannels: 16, outChannels: 32, kernelSize: 3 });
    const bound = 1 / Math.sqrt(16 * 9);
    assert.ok(Array.from(layer.bias!.data).every((v) => Math.abs(v) <= bound));
    const weights = Array.from(layer.weight.data);
    assert.ok(weights.every((v) => Math.abs(v) <= bound));
    // 4,608 uniform draws fill the range: the largest lands near the bound.
    assert.ok(Math.max(...weights.map(Math.abs)) > 0.99 * bound);
    manualSeed(5);
    assert.deepEqual(new Conv2d({ inChannels: 16, outChannels: 32, kernelSize: 3 }).weight.data, layer.weight.data);
    const linear = new Linear({ inFeatures: 10, outFeatures: 3 });
    assert.ok(Array.from(linear.weight.data).every((v) => Math.abs(v) <= 1 / Math.sqrt(10)));
  });

  it('batch norm with momentum null keeps the cumulative average of batch statistics, as PyTorch', () => {
    const bn = new BatchNorm2d({ numFeatures: 1, momentum: null });
    bn.forward(tensor([1, 3], [2, 1, 1, 1]));
    bn.forward(tensor([5, 7], [2, 1, 1, 1]));
    assert.deepEqual([bn.runningMean!.data[0], bn.runningVar!.data[0], bn.numBatchesTracked!.data[0]], [4, 2, 2]);
  });

  it('dropout is active only in training mode; upsample resizes', () => {
    const drop = new Dropout(0.5);
    const x = tensor(new Array(1000).fill(1), [1, 1, 1000]);
    const kept = Array.from(drop.forward(x).data).filter((v) => v !== 0);
    assert.ok(kept.length > 400 && kept.length < 600 && kept.every((v) => v === 2));
    drop.eval();
    assert.deepEqual(drop.forward(x).data, x.data);
    assert.deepEqual(new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }).forward(randn([1, 1, 3, 3], 6)).shape, [1, 1, 6, 6]);
  });

  it('refuses impossible layers and inputs with typed errors naming the problem', () => {
    assert.throws(() => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 'causal' }), (e: unknown) => e instanceof OptionError && /1-D convolutions only/.test(e.message));
    assert.throws(() => new Conv2d({ inChannels: 6, outChannels: 5, kernelSize: 3, groups: 4 }), (e: unknown) =>
      e instanceof ShapeError && /groups 4 must divide inChannels 6/.test(e.message) && /groups 4 must divide outChannels 5/.test(e.message));
    assert.throws(() => new ConvTranspose2d({ inChannels: 2, outChannels: 2, kernelSize: 3, padding: 'same' as never }), OptionError);
    const reflect = new Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, dilation: 4, padding: 'same', paddingMode: 'reflect' });
    assert.throws(() => reflect.forward(randn([1, 1, 4], 7)), (e: unknown) => e instanceof OptionError && /reflect padding 4/.test(e.message));
  });
});

describe('blocks', () => {
  it('ASPP(256, 256, [6, 12, 18]) has exactly PyTorch\'s 2,231,296 parameters', () => {
    assert.equal(new ASPP({ inChannels: 256, outChannels: 256, rates: [6, 12, 18] }).parameterCount(), 2_231_296);
  });

  it('seed 001: a dilated 3×3 (d=2) spans 5×5 with 73,856 parameters against 204,928 for a 5×5', () => {
    const { dilated, standard } = compareDilatedToStandard({ inChannels: 64, outChannels: 128, kernelSize: 3 }, 2);
    assert.deepEqual([dilated.parameters, dilated.receptiveField, standard.parameters, standard.kernelSize], [73_856, 5, 204_928, 5]);
    assert.equal(convParameterCount({ inChannels: 64, outChannels: 128, kernelSize: 3 }), new Conv2d({ inChannels: 64, outChannels: 128, kernelSize: 3, dilation: 2, padding: 2 }).parameterCount());
  });

  it('wrong channels into a block give a ShapeError naming the block and every mismatch', () => {
    const aspp = new ASPP({ inChannels: 8, outChannels: 4, rates: [2] });
    assert.throws(() => aspp.forward(randn([1, 5, 9], 8)), (e: unknown) =>
      e instanceof ShapeError && e.op === 'ASPP' && /1 spatial dimension\(s\) but ASPP takes 2/.test(e.message) && /5 channels but ASPP was built for 8/.test(e.message));
    const tcn = new TCN({ inputChannels: 2, channels: [4], kernelSize: 2 });
    assert.throws(() => tcn.forward(randn([1, 3, 10], 9)), (e: unknown) => e instanceof ShapeError && /3 channels but TCN was built for 2/.test(e.message));
    const wavenet = new WaveNet({ inChannels: 1, outChannels: 2, residualChannels: 2, skipChannels: 2, layersPerStack: 2, conditionChannels: 2 });
    assert.throws(() => wavenet.forward(randn([1, 1, 8], 10)), (e: unknown) => e instanceof OptionError && /pass a \[N, 2\] condition/.test(e.message));
    assert.throws(() => wavenet.forward(randn([2, 1, 8], 10), randn([1, 2], 11)), (e: unknown) => e instanceof ShapeError && /must be \[2, 2\]/.test(e.message));
  });

  it('the Yu–Koltun basic context module starts as the identity on non-negative inputs', () => {
    const context = new ContextModule({ channels: 4 });
    const x = F.relu(randn([1, 4, 20, 20], 12)).value;
    assert.deepEqual(noGrad(() => context.forward(x)).data, x.data);
    const large = new ContextModule({ channels: 2, variant: 'large' });
    assert.deepEqual([...large.layers.modules.map((l) => l.weight.shape[0])], [4, 4, 8, 16, 32, 64, 64, 2]);
    const small = F.relu(randn([1, 2, 20, 20], 13)).value;
    const y = noGrad(() => large.forward(small));
    assert.deepEqual(y.shape, [1, 2, 20, 20]);
    // Noise σ = 10⁻³·C/c_out keeps the large module close to the identity at the start.
    assert.ok(Array.from(y.data).every((v, i) => Math.abs(v - small.data[i]) < 0.05 * (1 + small.data[i])));
  });

  it('WaveNet streaming equals the full forward for a deeper random net, sample by sample', () => {
    manualSeed(14);
    const net = new WaveNet({ inChannels: 1, outChannels: 3, residualChannels: 6, skipChannels: 5, kernelSize: 3, layersPerStack: 5, stacks: 2 });
    assert.equal(net.receptiveField, 1 + 2 * 2 * 31);
    const length = 150;
    const x = randn([1, 1, length], 15);
    const full = noGrad(() => net.forward(x)).value;
    const s = stream(net.eval());
    let worst = 0;
    for (let t = 0; t < length; t++) {
      const out = s.step([x.data[t]]).data;
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(out[c] - full.data[c * length + t]));
    }
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });

  it('seed 001\'s WaveNet stack (k = 2, dilations 1…512) sees 1024 samples and stays causal', () => {
    const stack = buildWavenetStack(2, 2, 10);
    assert.equal(stack.modules.reduce((rf, m) => rf + (m as DilatedCausalConv1d).receptiveField - 1, 1), 1024);
    const x = randn([1, 2, 40], 16);
    const y = noGrad(() => stack.forward(x)).value;
    const changed = x.clone();
    changed.data[39] += 1;
    changed.data[79] += 1;
    const y2 = noGrad(() => stack.forward(changed)).value;
    for (let c = 0; c < 2; c++) for (let t = 0; t < 39; t++) assert.equal(y2.data[c * 40 + t], y.data[c * 40 + t]);
  });
});

describe('fit', () => {
  it('steps the optimizer and schedule, clips, and prints progress lines on schedule', () => {
    manualSeed(17);
    const model = new Linear({ inFeatures: 2, outFeatures: 1 });
    const x = tensor([1, 0, 0, 1, 1, 1], [3, 2]), y = tensor([1, -1, 0], [3, 1]);
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const lines: string[] = [];
    let clock = 0;
    const { losses } = fit({
      model, optimizer, steps: 60, logEvery: 25, clipNorm: 10, log: (line) => lines.push(line), now: () => (clock += 10),
      schedule: new StepLR(optimizer, { stepSize: 50, gamma: 0.5 }), loss: () => F.mseLoss(model.forward(x), y),
    });
    assert.equal(losses.length, 60);
    assert.ok(losses[59] < 0.01 * losses[0], `loss ${losses[0]} → ${losses[59]}`);
    assert.equal(optimizer.lr, 0.05);
    assert.deepEqual(lines.map((l) => l.split('  ')[0]), ['step 25/60', 'step 50/60', 'step 60/60']);
    assert.match(lines[0], /^step 25\/60  loss \S+  \d+\.\d steps\/s  ETA \d+s$/);
  });
});

