import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OptionError, ResNet, dilatedResNet, noGrad, randn } from '../../src/index.js';
import { BLOCK_FIXTURES } from './torch-fixtures.js';

interface Layout { state: [string, number[]][]; parameters: number; features_shape_64: number[] }
const layouts = JSON.parse(readFileSync(new URL('resnet_layouts.json', BLOCK_FIXTURES), 'utf8')) as Record<string, Layout>;

function stateLayout(model: ResNet): [string, number[]][] {
  return [...model.stateDict()].map(([k, t]) => [k, [...t.shape]]);
}

describe('dilated ResNet matches torchvision\'s replace_stride_with_dilation', () => {
  it('ResNet-18: the same state-dict names and shapes and 11,689,512 parameters', () => {
    const model = new ResNet({ depth: 18 });
    assert.deepEqual(stateLayout(model), layouts.resnet18.state);
    assert.equal(model.parameterCount(), layouts.resnet18.parameters);
  });

  for (const [name, outputStride, dilations] of [['resnet50_os8', 8, [1, 1, 2, 4]], ['resnet50_os16', 16, [1, 1, 1, 2]]] as const) {
    it(`ResNet-50 at output stride ${outputStride}: torchvision's layout, stage dilations ${dilations.join('/')}, feature map ${layouts[name].features_shape_64.slice(2).join('×')} for 64×64`, () => {
      const model = dilatedResNet(50, outputStride);
      assert.deepEqual(stateLayout(model), layouts[name].state);
      assert.equal(model.parameterCount(), 25_557_032);
      assert.deepEqual(model.stageDilations, dilations);
      assert.equal(model.outputStride, outputStride);
      const features = noGrad(() => model.eval().features(randn([1, 3, 64, 64], 1)));
      assert.deepEqual(features.shape, layouts[name].features_shape_64);
    });
  }

  it('DRN-C degridding appends residual-free dilation-2 then dilation-1 levels without changing the output stride', () => {
    const model = new ResNet({ depth: 18, outputStride: 8, degridding: true });
    const degrid = model.degrid!;
    const dilations = degrid.modules.filter((m) => 'weight' in m && (m as unknown as { options?: { dilation: number } }).options?.dilation !== undefined)
      .map((m) => (m as unknown as { options: { dilation: number } }).options.dilation);
    assert.deepEqual(dilations, [2, 2, 1, 1]);
    const features = noGrad(() => model.eval().features(randn([1, 3, 32, 32], 2)));
    assert.deepEqual(features.shape, [1, 512, 4, 4]);
  });

  it('refuses an unknown depth or output stride', () => {
    assert.throws(() => new ResNet({ depth: 20 as never }), OptionError);
    assert.throws(() => new ResNet({ depth: 18, outputStride: 4 as never }), /must be 8, 16 or 32/);
  });
});
