import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadOnnx, type OnnxModel } from '../../src/onnx/model.js';
import { executePlan } from '../../src/onnx/plan.js';
import { readNpy } from '../../src/tensor/npy.js';
import { rand, randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { buildModel, type NodeSpec, type TensorSpec } from './build-model.js';
import { relativeError, runOnnxRuntime } from './ort.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as {
  models: Record<string, { file: string; input: string; inputName: string }>;
};

/** Fusion reorders no sum except the residual add and BN folding: fused and unfused agree to 1e-5 relative. */
const FUSED_TOLERANCE = 1e-5;
/** The executor's tolerance against onnxruntime (the issue's). */
const ORT_TOLERANCE = 1e-4;

function runBoth(model: OnnxModel, inputName: string, x: Tensor): [Tensor, Tensor] {
  const plan = model.plan({ [inputName]: x.shape });
  const feeds = () => new Map([[inputName, { type: 'float' as const, shape: x.shape.slice(), data: x.data }]]);
  const output = model.outputNames[0];
  const [plain, fused] = [false, true].map((f) => executePlan(model.graph, plan, feeds(), { fused: f }).get(output)!);
  return [new Tensor(plain.data as Float32Array, plain.shape), new Tensor(fused.data as Float32Array, fused.shape)];
}

describe('fused plans compute what the node-by-node plans compute', () => {
  for (const [name, m] of Object.entries(manifest.models)) {
    test(`committed fixture ${name}`, () => {
      const model = loadOnnx(readFileSync(join(FIXTURES, m.file)));
      const x = readNpy(readFileSync(join(FIXTURES, m.input)));
      const [plain, fused] = runBoth(model, m.inputName, x);
      assert.deepEqual(fused.shape, plain.shape);
      assert.ok(relativeError(fused, plain) <= FUSED_TOLERANCE, `${relativeError(fused, plain)}`);
    });
  }
});

/** A seeded stream of choices for the random graphs. */
function chooser(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/**
 * A random 1-D network over C channels: blocks of [Pad] → Conv → [BatchNormalization] → [Add residual] →
 * [activation], and WaveNet gates (Conv to 2C → Split or Slice → Tanh, Sigmoid → Mul), so every fusion rule
 * meets its own edge cases (reflect padding, residuals from further back, gates over either order of halves).
 */
function randomNetwork(seed: number): Uint8Array {
  const pick = chooser(seed);
  const C = 4;
  const nodes: NodeSpec[] = [];
  const initializers: TensorSpec[] = [];
  let serial = 0;
  const constant = (dims: number[], values: number[], kind = 1): string => {
    const name = `c${serial++}`;
    initializers.push({ name, dims, values, dataType: kind });
    return name;
  };
  const weights = (dims: number[], scale = 0.5): string => constant(dims, Array.from(randn(dims, seed * 100 + serial).data, (v) => v * scale));
  const value = (): string => `v${serial++}`;
  const convAfter = (input: string, out: number, pad: boolean): string => {
    const dilation = 1 + pick(3), k = 2 + pick(2);
    let x = input;
    let pads = [0, 0];
    if (pad) {
      const mode = ['constant', 'reflect', 'edge'][pick(3)];
      const padded = value();
      nodes.push({ op: 'Pad', inputs: [x, constant([6], [0, 0, dilation * (k - 1), 0, 0, 0], 7)], outputs: [padded], attributes: { mode: { s: mode } } });
      x = padded;
    } else {
      const total = dilation * (k - 1);
      pads = [pick(total + 1), 0];
      pads[1] = total - pads[0];
    }
    const y = value();
    const inputs = [x, weights([out, C, k]), ...(pick(2) ? [weights([out], 0.1)] : [])];
    nodes.push({ op: 'Conv', inputs, outputs: [y], attributes: { dilations: { ints: [dilation] }, pads: { ints: pads }, kernel_shape: { ints: [k] } } });
    return y;
  };
  const history = ['x'];
  let x = 'x';
  for (let block = 0; block < 4; block++) {
    if (pick(3) === 0) {
      const h = convAfter(x, 2 * C, pick(2) === 1);
      const [a, b] = [value(), value()];
      if (pick(2)) nodes.push({ op: 'Split', inputs: [h], outputs: [a, b], attributes: { axis: { i: 1 } } });
      else {
        nodes.push({ op: 'Slice', inputs: [h, constant([1], [0], 7), constant([1], [C], 7), constant([1], [1], 7)], outputs: [a] });
        nodes.push({ op: 'Slice', inputs: [h, constant([1], [C], 7), constant([1], [2 * C], 7), constant([1], [1], 7)], outputs: [b] });
      }
      const [t, s, z] = [value(), value(), value()];
      const swap = pick(2) === 1;
      nodes.push({ op: 'Tanh', inputs: [swap ? b : a], outputs: [t] }, { op: 'Sigmoid', inputs: [swap ? a : b], outputs: [s] });
      nodes.push({ op: 'Mul', inputs: pick(2) ? [t, s] : [s, t], outputs: [z] });
      x = z;
    } else {
      let y = convAfter(x, C, pick(2) === 1);
      if (pick(2)) {
        const bn = value();
        nodes.push({ op: 'BatchNormalization', inputs: [y, constant([C], Array.from(rand([C], seed + block, 0.5, 1.5).data)),
          weights([C], 0.2), weights([C], 0.2), constant([C], Array.from(rand([C], seed + block + 7, 0.5, 2).data))], outputs: [bn] });
        y = bn;
      }
      if (pick(2)) {
        const sum = value();
        const r = history[pick(history.length)];
        nodes.push({ op: 'Add', inputs: pick(2) ? [r, y] : [y, r], outputs: [sum] });
        y = sum;
      }
      const activation = ['Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'HardSwish', 'Clip', 'PRelu', 'none'][pick(8)];
      if (activation === 'PRelu') {
        // One slope (nn.PReLU()'s default, fused as a leaky relu) or one per channel (a step of its own).
        const activated = value();
        const perChannel = pick(2) === 1;
        nodes.push({ op: 'PRelu', inputs: [y, perChannel ? weights([C, 1], 0.3) : constant([1], [0.25])], outputs: [activated] });
        y = activated;
      } else if (activation === 'Clip') {
        const clipped = value();
        nodes.push({ op: 'Clip', inputs: [y, constant([], [-0.5]), constant([], [0.75])], outputs: [clipped] });
        y = clipped;
      } else if (activation !== 'none') {
        const activated = value();
        nodes.push({ op: activation, inputs: [y], outputs: [activated], ...(activation === 'LeakyRelu' ? { attributes: { alpha: { f: 0.2 } } } : {}) });
        y = activated;
      }
      if (pick(3) === 0) {
        // GroupNorm as PyTorch exports it, with its per-channel affine (either half may be missing).
        const groups = [1, 2, 4][pick(3)];
        const [grouped, normed, back] = [value(), value(), value()];
        nodes.push({ op: 'Reshape', inputs: [y, constant([3], [0, groups, -1], 7)], outputs: [grouped] });
        nodes.push({ op: 'InstanceNormalization', inputs: [grouped, weights([groups], 0.5), weights([groups], 0.5)], outputs: [normed], attributes: { epsilon: { f: 1e-5 } } });
        nodes.push({ op: 'Reshape', inputs: [normed, constant([3], [0, C, -1], 7)], outputs: [back] });
        y = back;
        for (const op of ['Mul', 'Add'].filter(() => pick(3) > 0)) {
          const affine = value();
          nodes.push({ op, inputs: [y, weights([C, 1], 0.5)], outputs: [affine] });
          y = affine;
        }
      }
      x = y;
    }
    history.push(x);
  }
  nodes.push({ op: 'Identity', inputs: [x], outputs: ['y'] });
  return buildModel({ opset: 14, inputs: [{ name: 'x', dims: ['n', C, 'l'] }], outputs: [{ name: 'y' }], nodes, initializers });
}

describe('fusion on random graphs', () => {
  for (let seed = 1; seed <= 32; seed++) {
    test(`network ${seed}: fused equals unfused and onnxruntime, batch 1 and 2`, async () => {
      const bytes = randomNetwork(seed);
      const model = loadOnnx(bytes);
      for (const batch of [1, 2]) {
        const x = randn([batch, 4, 23], seed);
        const [plain, fused] = runBoth(model, 'x', x);
        assert.ok(relativeError(fused, plain) <= FUSED_TOLERANCE, `fused vs plain ${relativeError(fused, plain)}`);
        const ort = (await runOnnxRuntime(bytes, { x })).y;
        assert.ok(relativeError(fused, ort) <= ORT_TOLERANCE, `fused vs onnxruntime ${relativeError(fused, ort)}`);
      }
    });
  }

  test('the random graphs do exercise every rule', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 32; seed++) {
      const plan = loadOnnx(randomNetwork(seed)).plan({ x: [1, 4, 23] });
      for (const step of plan.fused) {
        if (step.node.opType === 'FusedGate') seen.add('gate');
        if (step.node.opType === 'FusedGroupNorm') seen.add(`group norm of ${step.node.name.split('+').length} steps`);
        if (step.node.opType !== 'FusedConv') continue;
        const absorbed = plan.steps.filter((s) => step.node.name.split('+').includes(s.node.name)).map((s) => s.node.opType);
        for (const op of absorbed) seen.add(op);
      }
    }
    const rules = ['gate', 'Pad', 'BatchNormalization', 'Add', 'Relu', 'Sigmoid', 'Clip', 'PRelu', 'group norm of 3 steps', 'group norm of 5 steps'];
    for (const rule of rules) assert.ok(seen.has(rule), `no graph fused ${rule}: ${[...seen]}`);
  });
});

describe('fusion leaves shared values alone', () => {
  test('a conv output read twice keeps its Relu as a step of its own', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 2, 8] }], outputs: [{ name: 'y' }, { name: 'c' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { kernel_shape: { ints: [1] } } },
        { op: 'Relu', inputs: ['c'], outputs: ['y'] },
      ],
      initializers: [{ name: 'w', dims: [2, 2, 1], values: [1, -1, 0.5, 2] }],
    });
    const plan = loadOnnx(bytes).plan({ x: [1, 2, 8] });
    assert.deepEqual(plan.fused.map((s) => s.node.opType), ['Conv', 'Relu']);
  });

  test('a Pad with a non-zero fill stays a Pad, and the result still equals onnxruntime', async () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 2, 8] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Pad', inputs: ['x', 'pads', 'fill'], outputs: ['p'] },
        { op: 'Conv', inputs: ['p', 'w'], outputs: ['y'], attributes: { kernel_shape: { ints: [2] } } },
      ],
      initializers: [
        { name: 'pads', dims: [6], values: [0, 0, 1, 0, 0, 0], dataType: 7 },
        { name: 'fill', dims: [], values: [1.5] },
        { name: 'w', dims: [2, 2, 2], values: [1, -1, 0.5, 2, 0.25, 1, -2, 0.5] },
      ],
    });
    const model = loadOnnx(bytes);
    assert.deepEqual(model.plan({ x: [1, 2, 8] }).fused.map((s) => s.node.opType), ['Pad', 'Conv']);
    const x = randn([1, 2, 8], 4);
    assert.ok(relativeError(model.run({ x }).y, (await runOnnxRuntime(bytes, { x })).y) <= ORT_TOLERANCE);
  });

  test('a gate whose channel half is also a graph output keeps its Split', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 4, 8] }], outputs: [{ name: 'y' }, { name: 'a' }],
      nodes: [
        { op: 'Split', inputs: ['x'], outputs: ['a', 'b'], attributes: { axis: { i: 1 } } },
        { op: 'Tanh', inputs: ['a'], outputs: ['t'] },
        { op: 'Sigmoid', inputs: ['b'], outputs: ['s'] },
        { op: 'Mul', inputs: ['t', 's'], outputs: ['y'] },
      ],
    });
    const model = loadOnnx(bytes);
    assert.deepEqual(model.plan({ x: [1, 4, 8] }).fused.map((s) => s.node.opType), ['Split', 'Tanh', 'Sigmoid', 'Mul']);
    const x = randn([1, 4, 8], 6);
    const { y, a } = model.run({ x });
    assert.deepEqual(a.data, x.data.subarray(0, 16));
    y.data.forEach((v, i) => assert.ok(Math.abs(v - Math.tanh(x.data[i]) / (1 + Math.exp(-x.data[16 + i]))) <= 1e-6));
  });

  test('steady-state runs reuse the arena: outputs stay correct run after run', () => {
    const bytes = randomNetwork(3);
    const model = loadOnnx(bytes);
    const x = randn([1, 4, 23], 5);
    const first = model.run({ x }).y;
    const copy = Float32Array.from(first.data);
    for (let i = 0; i < 5; i++) assert.deepEqual(model.run({ x }).y.data, copy);
    assert.deepEqual(first.data, copy, 'an output handed to the caller is never recycled');
  });
});
