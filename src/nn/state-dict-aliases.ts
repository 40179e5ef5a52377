/**
 * Other layouts of the same weights that `loadStateDict` accepts, mapped onto a module's own keys before matching:
 *
 * - weight normalization as `torch.nn.utils.weight_norm` stores it (`P.weight_g`, `P.weight_v`) or as
 *   `torch.nn.utils.parametrizations.weight_norm` does (`P.parametrizations.weight.original0/1`): renamed onto a
 *   weight-normalized layer's `weight_g`/`weight_v`, or folded into `P.weight` (`w = g·v/‖v‖`) for a plain layer;
 *   a plain `P.weight` offered to a weight-normalized layer becomes `v = w`, `g = ‖w‖`;
 * - aliases a module declares with {@link Module.stateDictAliases} (Bai et al.'s TCN registers each conv twice,
 *   as `conv1` and `net.0`; a WaveNet layer takes one fused filter+gate convolution).
 *
 * An alias whose canonical key is offered too is dropped when the two agree (the same tensor saved twice) and kept,
 * so that strict loading reports it as unexpected, when they differ.
 */
import { split } from '../ops/concat.js';
import { channelNorms, weightNorm } from '../ops/weight-norm.js';
import { Tensor } from '../tensor/tensor.js';

/** Incoming keys (relative to the declaring module) that together give some of its own keys. */
export interface StateDictAlias {
  from: readonly string[];
  to: readonly string[];
  /** The own tensors from the incoming ones (default: the same tensors, one to one). */
  convert?: (tensors: Tensor[]) => Tensor[];
}

/** A module as the resolver sees it: its own state-dict keys and the aliases each submodule declares. */
export interface AliasSource {
  ownKeys: ReadonlySet<string>;
  /** Every submodule's dotted prefix (`''` for the root, else ending in `.`) with its aliases. */
  aliases: readonly { prefix: string; aliases: readonly StateDictAlias[] }[];
}

const PARAMETRIZED_G = 'parametrizations.weight.original0';
const PARAMETRIZED_V = 'parametrizations.weight.original1';

/** The dotted prefix of `key` when it names `leaf` (`conv.weight_g` → `conv.`, `weight_g` → ``), else null. */
function prefixOf(key: string, leaf: string): string | null {
  if (key === leaf) return '';
  return key.endsWith(`.${leaf}`) ? key.slice(0, -leaf.length) : null;
}

/** `incoming` with every recognized alias rewritten onto the module's own keys. */
export function resolveStateDictAliases(incoming: ReadonlyMap<string, Tensor>, source: AliasSource): Map<string, Tensor> {
  const out = new Map(incoming);
  const own = source.ownKeys;
  const apply = (from: string[], to: string[], convert: (t: Tensor[]) => Tensor[]): void => {
    if (!from.every((k) => out.get(k) instanceof Tensor) || !to.every((k) => own.has(k))) return;
    const converted = convert(from.map((k) => out.get(k)!));
    const duplicates = to.map((k, i) => (out.has(k) ? sameValues(out.get(k)!, converted[i]) : null));
    if (duplicates.some((d) => d === false)) return;
    from.forEach((k) => out.delete(k));
    to.forEach((k, i) => { if (duplicates[i] === null) out.set(k, converted[i]); });
  };
  for (const key of [...out.keys()]) {
    const prefix = prefixOf(key, PARAMETRIZED_G);
    if (prefix === null) continue;
    apply([key, prefix + PARAMETRIZED_V], [`${prefix}weight_g`, `${prefix}weight_v`], (t) => t);
    apply([key, prefix + PARAMETRIZED_V], [`${prefix}weight`], ([g, v]) => [weightNorm(v, g)]);
  }
  for (const key of [...out.keys()]) {
    if (own.has(key)) continue;
    const normed = prefixOf(key, 'weight_g');
    if (normed !== null) apply([key, `${normed}weight_v`], [`${normed}weight`], ([g, v]) => [weightNorm(v, g)]);
    const plain = prefixOf(key, 'weight');
    if (plain !== null) apply([key], [`${plain}weight_g`, `${plain}weight_v`], ([w]) => [channelNorms(w), w]);
  }
  for (const { prefix, aliases } of source.aliases) {
    for (const alias of aliases) apply(alias.from.map((k) => prefix + k), alias.to.map((k) => prefix + k), alias.convert ?? ((t) => t));
  }
  return out;
}

/**
 * Aliases for one convolution offered as two halves of a fused one along the output channels (a WaveNet layer's
 * filter and gate as one `2·gateChannels` convolution, filter first, as `torch.chunk(conv(x), 2, dim=1)` splits it).
 *
 * @example fusedHalves('filter_gate', 'filter', 'gate', ['weight', 'bias'])
 */
export function fusedHalves(fused: string, first: string, second: string, names: readonly string[]): StateDictAlias[] {
  return names.map((name) => ({
    from: [`${fused}.${name}`],
    to: [`${first}.${name}`, `${second}.${name}`],
    // An odd channel count cannot be halved: offer the tensor whole so loadStateDict reports the shape mismatch.
    convert: ([t]) => (t.shape[0] % 2 === 0 ? split(t, [t.shape[0] / 2, t.shape[0] / 2], 0) : [t, t]),
  }));
}

function sameValues(a: Tensor, b: Tensor): boolean {
  return a.size === b.size && a.data.every((v, i) => Object.is(v, b.data[i]));
}
