import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { GraphBuilder, convStack } from '../../src/analysis/graph.js';

describe('analyzeGraph (the atrous analyze --json object)', () => {
  it('has DESIGN.md\'s fields: output, layers with cost, coverage, warnings', () => {
    const b = new GraphBuilder({ rank: 2, channels: 3, size: [32, 32] });
    const x = b.conv(b.input, { kernel: 3, padding: 2, dilation: 2, outChannels: 8 });
    b.conv(x, { kernel: 3, padding: 2, dilation: 2, outChannels: 8 });
    const report = analyzeGraph(b.build());
    assert.deepEqual(report.output, { rf: [9, 9], stride: [1, 1], padding: [4, 4], global: false, aligned: true, exact: true });
    assert.deepEqual(report.layers.map((l) => [l.name, l.op, l.outputShape, l.params]), [
      ['input', 'input', [3, 32, 32], 0], ['conv1', 'conv', [8, 32, 32], 8 * 3 * 9], ['conv2', 'conv', [8, 32, 32], 8 * 8 * 9],
    ]);
    assert.equal(report.layers[1].macs, 8 * 3 * 9 * 32 * 32);
    assert.deepEqual(report.coverage?.multiplicity, [3, 0, 6, 0, 9, 0, 6, 0, 3]);
    assert.deepEqual(report.warnings.map((w) => w.kind), ['gridding']);
  });

  it('warns instead of failing where coverage cannot be counted (global head)', () => {
    const b = new GraphBuilder({ rank: 2, channels: 3, size: [16, 16] });
    b.global(b.conv(b.input, { kernel: 3, outChannels: 4 }), 'globalPool');
    const report = analyzeGraph(b.build());
    assert.equal(report.output.global, true);
    assert.equal(report.coverage, null);
    assert.deepEqual(report.warnings.map((w) => w.kind), ['coverage']);
  });

  it('warns about misaligned branches and strided dilated layers', () => {
    const b = new GraphBuilder({ rank: 1 });
    const a = b.conv(b.input, { kernel: 3, padding: 1 });
    const c = b.conv(b.input, { kernel: 3 });
    b.conv(b.add([a, c]), { kernel: 3, stride: 2, dilation: 3 });
    const kinds = analyzeGraph(b.build()).warnings.map((w) => w.kind);
    assert.ok(kinds.includes('misaligned') && kinds.includes('checkerboard'));
  });

  it('reports no warnings for the doubling stack', () => {
    assert.deepEqual(analyzeGraph(convStack({ kernel: 3, dilations: [1, 2, 4, 8, 16] })).warnings, []);
  });
});
