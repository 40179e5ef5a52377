/**
 * The stack the page shows, as plain data: per-layer kernel, stride, padding and dilation, whether the layers are
 * stacked or parallel branches, and the picture's dimensions; with the presets and the URL form that keeps it.
 */

/** One 1-D convolution of the stack. */
export interface LayerSpec {
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
}

export interface StackState {
  layers: LayerSpec[];
  arrangement: 'stack' | 'branches';
  dims: 1 | 2;
}

const layer = (kernel: number, dilation: number, padding = 0): LayerSpec => ({ kernel, stride: 1, padding, dilation });

/** The presets: the schedules the literature compares, ASPP as parallel branches (torchvision's rates). */
export const PRESETS: Record<string, StackState> = {
  standard: { layers: [1, 1, 1, 1, 1].map((d) => layer(3, d)), arrangement: 'stack', dims: 1 },
  doubling: { layers: [1, 2, 4, 8, 16].map((d) => layer(3, d)), arrangement: 'stack', dims: 1 },
  hdc: { layers: [1, 2, 5, 1, 2, 5].map((d) => layer(3, d)), arrangement: 'stack', dims: 1 },
  base3: { layers: [1, 3, 9, 27].map((d) => layer(3, d)), arrangement: 'stack', dims: 1 },
  wavenet: { layers: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((d) => layer(2, d)), arrangement: 'stack', dims: 1 },
  aspp: { layers: [layer(1, 1), layer(3, 6, 6), layer(3, 12, 12), layer(3, 18, 18)], arrangement: 'branches', dims: 2 },
};

/**
 * The state as a URL fragment: `#k=3,3&s=1,1&p=0,0&d=1,2&a=stack&dims=1`.
 *
 * @example toFragment(PRESETS.doubling)
 */
export function toFragment(state: StackState): string {
  const list = (key: keyof LayerSpec) => state.layers.map((l) => l[key]).join(',');
  return `#k=${list('kernel')}&s=${list('stride')}&p=${list('padding')}&d=${list('dilation')}&a=${state.arrangement}&dims=${state.dims}`;
}

/** The state a fragment describes, or null when it is not one this page wrote (then the page keeps its default). */
export function fromFragment(fragment: string): StackState | null {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const list = (key: string, min: number) => (params.get(key) ?? '').split(',').map(Number).filter((v) => Number.isInteger(v) && v >= min);
  const d = list('d', 1);
  if (d.length === 0) return null;
  const k = list('k', 1);
  const s = list('s', 1);
  const p = list('p', 0);
  return {
    layers: d.map((dilation, i) => ({ kernel: k[i] ?? 3, stride: s[i] ?? 1, padding: p[i] ?? 0, dilation })),
    arrangement: params.get('a') === 'branches' ? 'branches' : 'stack',
    dims: params.get('dims') === '2' ? 2 : 1,
  };
}
