/** The training loop every example shares: seeded mini-batches, Adam, cosine schedule, `fit`'s progress line. */
import {
  Adam, CosineAnnealingLR, Random, Tensor, fit, functional as F, noGrad, type Module, type Variable,
} from '../../src/index.js';

/** Options of {@link trainModel}. */
export interface TrainOptions {
  model: Module;
  inputs: Tensor;
  targets: Tensor;
  /** `(output, target) → scalar loss`; cross-entropy by default. */
  loss?: (output: Variable, target: Tensor) => Variable;
  /** The loss of a batch given its row indices, for models with more than one output; replaces `loss`. */
  batchLoss?: (rows: number[]) => Variable;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  log: (line: string) => void;
}

/** Trains in place and returns the loss of every step and the wall time. */
export function trainModel(options: TrainOptions): { losses: number[]; seconds: number } {
  const { model, inputs, targets, steps, batch, seed } = options;
  const loss = options.loss ?? ((output: Variable, target: Tensor) => F.crossEntropy(output, target));
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const schedule = new CosineAnnealingLR(optimizer, { tMax: steps });
  const order = new BatchOrder(inputs.shape[0], batch, seed);
  return fit({
    model, optimizer, steps, schedule, clipNorm: 1, log: options.log, logEvery: Math.max(1, Math.floor(steps / 4)),
    loss: () => {
      const rows = order.next();
      return options.batchLoss ? options.batchLoss(rows) : loss(model.forward(takeRows(inputs, rows)), takeRows(targets, rows));
    },
  });
}

/** The model's output on `inputs`, in evaluation mode, `chunk` samples at a time, without recording gradients. */
export function predict(model: Module, inputs: Tensor, chunk = 16): Tensor {
  model.eval();
  const parts: Tensor[] = [];
  noGrad(() => {
    for (let start = 0; start < inputs.shape[0]; start += chunk) {
      const rows = Array.from({ length: Math.min(chunk, inputs.shape[0] - start) }, (_, i) => start + i);
      const out = model.forward(takeRows(inputs, rows));
      parts.push(new Tensor(out.data, out.shape));
    }
  });
  const shape = [inputs.shape[0], ...parts[0].shape.slice(1)];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let offset = 0;
  for (const part of parts) { data.set(part.data, offset); offset += part.data.length; }
  return new Tensor(data, shape);
}

/** Rows `rows` of a tensor's first dimension, copied into a new tensor. */
export function takeRows(t: Tensor, rows: readonly number[]): Tensor {
  const rowSize = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = new Float32Array(rows.length * rowSize);
  rows.forEach((r, i) => data.set(t.data.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize));
  return new Tensor(data, [rows.length, ...t.shape.slice(1)]);
}

/** Epochs of seeded shuffles, cut into batches (the last short batch of an epoch is dropped). */
class BatchOrder {
  private readonly random: Random;
  private order: number[] = [];
  private position = 0;

  constructor(private readonly count: number, private readonly batch: number, seed: number) {
    this.random = new Random(seed);
    if (batch > count) this.batch = count;
  }

  next(): number[] {
    if (this.position + this.batch > this.order.length) {
      this.order = Array.from({ length: this.count }, (_, i) => i);
      for (let i = this.order.length - 1; i > 0; i--) {
        const j = this.random.int(i + 1);
        [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
      }
      this.position = 0;
    }
    const rows = this.order.slice(this.position, this.position + this.batch);
    this.position += this.batch;
    return rows;
  }
}
