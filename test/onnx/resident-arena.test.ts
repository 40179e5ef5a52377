import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { getBackend, setBackend } from '../../src/kernels/index.js';
import { wasmRuntime } from '../../src/kernels/wasm/wasm-runtime.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { readNpy } from '../../src/tensor/npy.js';

/**
 * The executor's buffers live in the WASM kernels' memory (resident) when the wasm backend runs on shared memory:
 * the kernels then read and write them in place. What must hold: the same results as the js backend's ordinary
 * arrays, outputs the caller owns (ordinary arrays, untouched by later runs), and no growth run after run.
 */
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as {
  models: Record<string, { file: string; input: string; inputName: string }>;
};
const runtime = wasmRuntime();

describe('resident executor buffers', { skip: !runtime || !runtime.kernel.shared }, () => {
  for (const [name, m] of Object.entries(manifest.models)) {
    test(`${name}: equal to the js backend, outputs owned by the caller, memory flat over runs`, () => {
      const bytes = readFileSync(join(FIXTURES, m.file));
      const x = readNpy(readFileSync(join(FIXTURES, m.input)));
      const previous = getBackend();
      try {
        setBackend('js');
        const plain = loadOnnx(bytes).run({ [m.inputName]: x }).output;
        setBackend('wasm');
        const model = loadOnnx(bytes);
        const first = model.run({ [m.inputName]: x }).output;
        const kept = first.data.slice();
        assert.ok(!runtime!.isResident(first.data), 'the output handed out is an ordinary array');
        let worst = 0, scale = 1;
        for (let i = 0; i < plain.data.length; i++) {
          worst = Math.max(worst, Math.abs(first.data[i] - plain.data[i]));
          scale = Math.max(scale, Math.abs(plain.data[i]));
        }
        assert.ok(worst / scale <= 1e-5, `wasm (resident) vs js: ${worst / scale}`);
        model.run({ [m.inputName]: x });
        const memory = runtime!.kernel.memory.buffer.byteLength;
        for (let r = 0; r < 5; r++) {
          const again = model.run({ [m.inputName]: x }).output;
          assert.deepEqual(again.data, kept, `run ${r + 3} equals the first`);
        }
        assert.deepEqual(first.data, kept, 'later runs do not write into an output already handed out');
        assert.equal(runtime!.kernel.memory.buffer.byteLength, memory, 'the kernels\' memory did not grow after the second run');
      } finally {
        setBackend(previous);
      }
    });
  }
});

describe('resident buffer reference counts', { skip: !runtime || !runtime.kernel.shared }, () => {
  test('an empty view ending one buffer never counts against the next (which would free it twice)', async () => {
    const { BufferArena } = await import('../../src/onnx/buffer-arena.js');
    const previous = getBackend();
    try {
      setBackend('wasm');
      const arena = new BufferArena();
      const a = arena.take(4), b = arena.take(4);
      assert.ok(runtime!.isResident(a) && runtime!.isResident(b));
      const empty = a.subarray(4, 4);
      arena.hold(b);
      arena.release(b);
      arena.hold(empty);
      arena.release(empty);
      const first = arena.take(4), second = arena.take(4);
      assert.notEqual(first.byteOffset, second.byteOffset, 'two live values were given the same buffer');
    } finally {
      setBackend(previous);
    }
  });
});
