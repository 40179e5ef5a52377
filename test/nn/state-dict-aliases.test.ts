import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Conv1d, Random, StateDictError, TCN, WaveNet, WeightNormConv1d, channelNorms, concat, noGrad, randn, tensor, weightNorm, type Tensor } from '../../src/index.js';

const copy = (m: Map<string, Tensor>) => new Map([...m].map(([k, t]) => [k, t.clone()]));

describe('loadStateDict maps known foreign layouts', () => {
  it('Bai et al.\'s TCN: the 18 network.i.net.{0,4}.* duplicates load strictly, alone or beside conv1/conv2', () => {
    const source = new TCN({ inputChannels: 1, channels: [4, 4, 4], kernelSize: 3, random: new Random(1) });
    const bai = copy(source.stateDict());
    for (const [key, t] of source.stateDict()) {
      const m = /^network\.(\d+)\.conv([12])\.(.*)$/.exec(key);
      if (m) bai.set(`network.${m[1]}.net.${m[2] === '1' ? 0 : 4}.${m[3]}`, t.clone());
    }
    assert.equal([...bai.keys()].filter((k) => k.includes('.net.')).length, 18);
    const target = new TCN({ inputChannels: 1, channels: [4, 4, 4], kernelSize: 3, random: new Random(2) });
    target.loadStateDict(bai);
    assert.deepEqual([...target.stateDict()].map(([, t]) => [...t.data]), [...source.stateDict()].map(([, t]) => [...t.data]));

    const onlyNet = new Map([...bai].filter(([k]) => !/\.conv[12]\./.test(k)));
    new TCN({ inputChannels: 1, channels: [4, 4, 4], kernelSize: 3, random: new Random(3) }).loadStateDict(onlyNet);
  });

  it('an alias that disagrees with its canonical key is still reported', () => {
    const model = new TCN({ inputChannels: 1, channels: [2], kernelSize: 2, random: new Random(1) });
    const state = copy(model.stateDict());
    state.set('network.0.net.0.bias', tensor([9, 9]));
    assert.throws(() => model.loadStateDict(state), (e: unknown) => e instanceof StateDictError && /unexpected "network\.0\.net\.0\.bias"/.test(e.message));
  });

  it('weight_g/weight_v fold into a plain conv\'s weight; parametrizations rename onto a weight-normalized conv', () => {
    const options = { inChannels: 2, outChannels: 3, kernelSize: 2, random: new Random(4) };
    const v = randn([3, 2, 2], 5), g = tensor([0.5, 2, 1], [3, 1, 1]);
    const plain = new Conv1d(options);
    plain.loadStateDict({ weight_g: g, weight_v: v, bias: tensor([0, 0, 0]) });
    assert.deepEqual([...plain.weight.data], [...weightNorm(v, g).data]);

    const normed = new WeightNormConv1d(options);
    normed.loadStateDict({ 'parametrizations.weight.original0': g, 'parametrizations.weight.original1': v, bias: tensor([0, 0, 0]) });
    assert.deepEqual([...normed.weightV.data], [...v.data]);
    const fromPlain = new WeightNormConv1d(options);
    fromPlain.loadStateDict({ weight: v, bias: tensor([0, 0, 0]) });
    assert.deepEqual([...fromPlain.weightG.data], [...channelNorms(v).data]);
  });

  it('WaveNet takes one fused filter+gate convolution per layer (filter half first)', () => {
    const options = { inChannels: 1, outChannels: 2, residualChannels: 4, skipChannels: 3, layersPerStack: 3, conditionChannels: 2 };
    const source = new WaveNet({ ...options, random: new Random(6) });
    const fused = new Map<string, Tensor>();
    for (const [key, t] of source.stateDict()) {
      const m = /^(.*)\.(filter|gate|condition_filter|condition_gate)\.(weight|bias)$/.exec(key);
      if (!m) { fused.set(key, t.clone()); continue; }
      if (m[2] === 'gate' || m[2] === 'condition_gate') continue;
      const other = source.stateDict().get(`${m[1]}.${m[2] === 'filter' ? 'gate' : 'condition_gate'}.${m[3]}`)!;
      fused.set(`${m[1]}.${m[2] === 'filter' ? 'filter_gate' : 'condition_filter_gate'}.${m[3]}`, concat([t, other], 0));
    }
    const target = new WaveNet({ ...options, random: new Random(7) });
    target.loadStateDict(fused);
    const x = randn([1, 1, 16], 8), h = randn([1, 2], 9);
    assert.deepEqual([...noGrad(() => target.forward(x, h)).data], [...noGrad(() => source.forward(x, h)).data]);
  });
});
