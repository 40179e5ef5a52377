import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AtrousError } from '../../src/errors.js';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { onnxAnalysisGraph } from '../../src/onnx/analysis-graph.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { onnxTypes } from '../../src/onnx/onnx-proto.js';
import { Random, randn } from '../../src/tensor/random.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');
const SEED = 6;
const MUTANTS_PER_MODEL = 250;

/** One random corruption: flipped bits, overwritten bytes (often a varint length), a cut, a splice or a duplicate. */
function mutate(bytes: Uint8Array, random: Random): Uint8Array {
  const out = bytes.slice();
  const at = Math.floor(random.uniform() * out.length);
  switch (Math.floor(random.uniform() * 5)) {
    case 0:
      for (let i = 0; i < 1 + random.uniform() * 8; i++) out[Math.floor(random.uniform() * out.length)] ^= 1 << Math.floor(random.uniform() * 8);
      return out;
    case 1:
      for (let i = 0; i < 10 && at + i < out.length; i++) out[at + i] = i < 9 ? 0xff : 0x7f;
      return out;
    case 2:
      return out.subarray(0, at);
    case 3: {
      const from = Math.floor(random.uniform() * out.length);
      return Uint8Array.from([...out.subarray(0, at), ...out.subarray(from, from + 64), ...out.subarray(at)]);
    }
    default:
      out[at] = Math.floor(random.uniform() * 256);
      return out;
  }
}

test('mutated model files load, fail with a typed error, or analyse and run — never crash or hang', () => {
  const random = new Random(SEED);
  const outcomes = { loaded: 0, refused: 0, ran: 0 };
  for (const [file, shape] of [['aspp-no-pooling.onnx', [1, 16, 33, 33]], ['wavenet.onnx', [1, 1, 200]]] as const) {
    const original = new Uint8Array(readFileSync(join(FIXTURES, file)));
    const input = randn(shape.slice(), 1);
    for (let i = 0; i < MUTANTS_PER_MODEL; i++) {
      const bytes = mutate(original, random);
      try {
        const model = loadOnnx(bytes);
        outcomes.loaded++;
        const plan = model.plan({ [model.inputNames[0]]: shape.slice() });
        analyzeGraph(onnxAnalysisGraph(model, { [model.inputNames[0]]: shape.slice() }).graph);
        // Run only mutants whose planned activations stay near the original's size, to keep the test fast.
        const largest = Math.max(...[...plan.infos.values()].map((v) => v.shape.reduce((a, b) => a * b, 1)));
        if (largest <= 4 * 8 * 33 * 33 * 5) { model.run({ [model.inputNames[0]]: input }); outcomes.ran++; }
      } catch (error) {
        assertTyped(error, `byte mutant ${i} of ${file}`);
        outcomes.refused++;
      }
    }
  }
  console.log('fuzz outcomes', outcomes);
  assert.ok(outcomes.refused > 0 && outcomes.ran > 0, JSON.stringify(outcomes));
});

/** A typed atrous error that is not a wrapped JavaScript exception (the executor wraps those as `cause`). */
function assertTyped(error: unknown, label: string): void {
  assert.ok(error instanceof AtrousError && error.cause === undefined, `${label} threw ${(error as Error)?.stack} ${(error as Error)?.cause ?? ''}`);
}

const EXTREMES = [0, -1, 1, 2, 3, -7, 1000, 2 ** 31, 2 ** 40, -(2 ** 40)];
const OP_TYPES = ['Conv', 'Relu', 'Slice', 'Concat', 'Resize', 'MaxPool', 'Gather', 'Reshape', 'Add', 'Transpose', 'Pad', 'Unsqueeze'];

test('models with well-formed protobuf but absurd attributes, dims, types or wiring analyse and run, or fail with typed errors', () => {
  const { model: ModelProto } = onnxTypes();
  const random = new Random(SEED + 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random.uniform() * list.length)];
  let refused = 0;
  for (const [file, shape] of [['wavenet.onnx', [1, 1, 200]], ['aspp.onnx', [1, 16, 33, 33]], ['resnet18-narrow.onnx', [1, 3, 64, 64]]] as const) {
    const original = ModelProto.decode(readFileSync(join(FIXTURES, file)));
    const input = randn(shape.slice(), 2);
    for (let i = 0; i < 120; i++) {
      const m = ModelProto.toObject(original, { longs: Number, arrays: true, defaults: true });
      const node = pick(m.graph.node) as { opType: string; input: string[]; attribute: { ints: number[]; i: number; f: number }[] };
      const initializer = pick(m.graph.initializer) as { dims: number[]; dataType: number };
      switch (Math.floor(random.uniform() * 5)) {
        case 0: {
          const a = node.attribute.length ? pick(node.attribute) : undefined;
          if (a && a.ints.length) a.ints[Math.floor(random.uniform() * a.ints.length)] = pick(EXTREMES);
          else if (a) { a.i = pick(EXTREMES); a.f = pick([NaN, Infinity, -1, 0, 1e30]); }
          break;
        }
        case 1: if (initializer.dims.length) initializer.dims[Math.floor(random.uniform() * initializer.dims.length)] = pick(EXTREMES); break;
        case 2: if (node.input.length) node.input[Math.floor(random.uniform() * node.input.length)] = (pick(m.graph.node) as { output: string[] }).output[0]; break;
        case 3: node.opType = pick(OP_TYPES); break;
        default: initializer.dataType = pick([1, 2, 3, 6, 7, 8, 9, 10, 11, 14, 16]);
      }
      try {
        const model = loadOnnx(ModelProto.encode(ModelProto.fromObject(m)).finish());
        const plan = model.plan({ input: shape.slice() });
        analyzeGraph(onnxAnalysisGraph(model, { input: shape.slice() }).graph);
        const largest = Math.max(...[...plan.infos.values()].map((v) => v.shape.reduce((a, b) => a * b, 1)));
        if (largest <= 2e6) model.run({ input });
      } catch (error) {
        assertTyped(error, `structural mutant ${i} of ${file}`);
        refused++;
      }
    }
  }
  assert.ok(refused > 0);
});
