import { OnnxError, describeValue } from '../../errors.js';
import { checkedSize } from '../value.js';
import { checkFloat, required, stridesOf } from './helpers.js';
import type { NodeContext, Operator, ValueInfo } from './operator.js';

/**
 * Einsum (opset 12+): any number of operands, explicit (`->`) or implicit output, `...` for broadcast dims, and
 * spaces as PyTorch's exporter writes them (MaxViT: `B G H I D, B G H J D -> B G H I J`; MViT-V2's relative
 * positions: `bythwc,hkc->bythwk`). One strided loop over the output's indices and, innermost, the summed ones,
 * accumulating in float64; a repeated index within one operand reads its diagonal.
 */
interface Einsum {
  /** Per operand, per axis: the letter it is indexed by (ellipsis dims as letters of their own). */
  terms: string[][];
  output: string[];
  /** Every letter's size. */
  sizes: Map<string, number>;
}

const ELLIPSIS_LETTERS = '0123456789';

function parse(node: NodeContext, equation: string, shapes: readonly (readonly number[])[]): Einsum {
  const fail = (why: string): never => {
    throw new OnnxError(node.name, 'equation', `Einsum equation ${describeValue(equation)} ${why}`);
  };
  const text = equation.replace(/\s+/g, '');
  const [left, right] = text.split('->');
  if (text.split('->').length > 2) fail('has more than one "->"');
  const written = left.split(',');
  if (written.length !== shapes.length) fail(`has ${written.length} operand terms for ${shapes.length} inputs`);
  let ellipsisRank = 0;
  const expand = (term: string, rank: number | null): string[] => {
    const parts = term.split('...');
    if (parts.length > 2) fail('has "..." twice in one term');
    for (const c of parts.join('')) if (!/[A-Za-z]/.test(c)) fail(`uses ${describeValue(c)}; terms are letters and "..."`);
    if (parts.length === 1) return [...term];
    const free = rank === null ? ellipsisRank : rank - parts[0].length - parts[1].length;
    if (free < 0) fail(`term ${describeValue(term)} has more letters than its operand has axes`);
    ellipsisRank = Math.max(ellipsisRank, free);
    // Ellipsis dims align from the right, as in NumPy broadcasting.
    const dims = [...ELLIPSIS_LETTERS.slice(0, ellipsisRank)].slice(ellipsisRank - free);
    return [...parts[0], ...dims, ...parts[1]];
  };
  const terms = written.map((t, i) => expand(t, shapes[i].length));
  terms.forEach((t, i) => { if (t.length !== shapes[i].length) fail(`term ${describeValue(written[i])} indexes ${t.length} axes of an operand with ${shapes[i].length}`); });
  const sizes = new Map<string, number>();
  terms.forEach((t, i) => t.forEach((letter, axis) => {
    const n = shapes[i][axis];
    const known = sizes.get(letter);
    // Broadcast dims (under "...") may be 1 in one operand; lettered ones must agree.
    if (known === undefined || known === 1) sizes.set(letter, n);
    else if (n !== known && !(n === 1 && ELLIPSIS_LETTERS.includes(letter))) fail(`gives ${letter} sizes ${known} and ${n}`);
  }));
  let output: string[];
  if (right !== undefined) {
    output = expand(right, null);
    if (right.includes('...') === false && ellipsisRank > 0) output = [...ELLIPSIS_LETTERS.slice(0, ellipsisRank), ...output];
    for (const letter of output) if (!sizes.has(letter)) fail(`outputs ${letter}, which no operand has`);
    if (new Set(output).size !== output.length) fail('repeats a letter in its output');
  } else {
    // Implicit: broadcast dims, then the letters that appear once, in alphabetical order.
    const counts = new Map<string, number>();
    for (const t of terms) for (const l of t) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...ELLIPSIS_LETTERS.slice(0, ellipsisRank), ...[...counts].filter(([l, c]) => c === 1 && !ELLIPSIS_LETTERS.includes(l)).map(([l]) => l).sort()];
  }
  return { terms, output, sizes };
}

function evaluate(e: Einsum, operands: Float32Array[], shapes: readonly (readonly number[])[]): Float32Array {
  const summed = [...e.sizes.keys()].filter((l) => !e.output.includes(l));
  const letters = [...e.output, ...summed];
  const extent = letters.map((l) => e.sizes.get(l)!);
  // Per operand, the stride of every letter (0 where it does not index the operand or the axis broadcasts).
  const strides = operands.map((_, i) => {
    const own = stridesOf(shapes[i]);
    return letters.map((l) => e.terms[i].reduce((s, t, axis) => s + (t === l && shapes[i][axis] !== 1 ? own[axis] : 0), 0));
  });
  const outSize = e.output.reduce((p, l) => p * e.sizes.get(l)!, 1);
  const out = new Float32Array(outSize);
  const inner = summed.reduce((p, l) => p * e.sizes.get(l)!, 1);
  if (outSize === 0 || inner === 0) return out;
  const rank = letters.length;
  const counter = new Array<number>(rank).fill(0);
  const offsets = new Array<number>(operands.length).fill(0);
  for (let o = 0; o < outSize; o++) {
    let acc = 0;
    for (let k = 0; k < inner; k++) {
      let product = 1;
      for (let i = 0; i < operands.length; i++) product *= operands[i][offsets[i]];
      acc += product;
      // Advance the odometer over every letter, summed ones fastest.
      for (let d = rank - 1; d >= 0; d--) {
        for (let i = 0; i < operands.length; i++) offsets[i] += strides[i][d];
        if (++counter[d] < extent[d]) break;
        for (let i = 0; i < operands.length; i++) offsets[i] -= strides[i][d] * extent[d];
        counter[d] = 0;
      }
    }
    out[o] = acc;
  }
  return out;
}

const einsum: Operator = {
  infer(inputs, node) {
    if (inputs.length === 0) throw new OnnxError(node.name, 'Inputs', 'Einsum needs at least one operand');
    const infos = inputs.map((v, i) => required(inputs, i, node, `Inputs[${i}]`) as ValueInfo);
    infos.forEach((v, i) => checkFloat(node, v, `Inputs[${i}]`));
    const e = parse(node, node.attributes.string('equation'), infos.map((v) => v.shape));
    const shape = e.output.map((l) => e.sizes.get(l)!);
    checkedSize(node.name, 'Output', shape);
    return [{ type: 'float', shape }];
  },
  run(inputs, node) {
    const values = inputs.map((v, i) => required(inputs, i, node, `Inputs[${i}]`));
    const shapes = values.map((v) => v.shape);
    const e = parse(node, node.attributes.string('equation'), shapes);
    const data = evaluate(e, values.map((v) => v.data as Float32Array), shapes);
    return [{ type: 'float', shape: e.output.map((l) => e.sizes.get(l)!), data }];
  },
};

export const EINSUM_OPERATORS: Record<string, Operator> = { Einsum: einsum };
