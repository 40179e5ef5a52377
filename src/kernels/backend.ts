import type { ConvGeometry } from '../geometry/conv-geometry.js';
import type { ConvBackwardKernelOptions, ConvBackwardKernelResult, ConvForwardOptions, ConvGradientOptions } from './epilogue.js';

/**
 * The three primitives every backend implements. Each works on raw row-major buffers with the layouts below and
 * implicit zero padding (the ops layer materializes reflect/replicate/circular padding before calling them).
 *
 * Shapes (per {@link ConvGeometry}): x `[N, Cin, ...inSize]`, w `[Cout, Cin/groups, ...kernelSize]`,
 * y and dy `[N, Cout, ...outSize]`.
 */
export interface ConvKernels {
  /** Backend name, as passed to `setBackend`. */
  readonly name: string;
  /**
   * y = epilogue(conv(x, w) + bias), written into `options.out` when given (and returned), else a fresh array.
   * The epilogue (residual add, activation; see `epilogue.ts`) is applied before the output is stored.
   */
  convForward(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, options?: ConvForwardOptions): Float32Array;
  /** dx = ∂⟨y, dy⟩/∂x: a transposed dilated convolution of dy with w; into `options.out` when given. */
  convBackwardInput(g: ConvGeometry, dy: Float32Array, w: Float32Array, options?: ConvGradientOptions): Float32Array;
  /** dw = ∂⟨y, dy⟩/∂w: a correlation of x with dy in which stride and dilation swap roles; into `options.out` when given. */
  convBackwardWeight(g: ConvGeometry, x: Float32Array, dy: Float32Array, options?: ConvGradientOptions): Float32Array;
  /**
   * Both gradients of one layer in one call (or the one `options` asks for), each into its `out` buffer when
   * given. The WASM backend stages x and dy once for both; the others run the two primitives
   * ({@link separateBackward}).
   */
  convBackward(g: ConvGeometry, x: Float32Array, dy: Float32Array, w: Float32Array, options?: ConvBackwardKernelOptions): ConvBackwardKernelResult;
}

/** `options` with its defaults: both gradients. */
export function backwardRequest(options: ConvBackwardKernelOptions | undefined): ConvBackwardKernelOptions & { input: boolean; weight: boolean } {
  return { ...options, input: options?.input ?? true, weight: options?.weight ?? true };
}

/** The fused backward as two calls of a backend's primitives: the default for backends with nothing to share. */
export function separateBackward(
  kernels: ConvKernels, g: ConvGeometry, x: Float32Array | null, dy: Float32Array, w: Float32Array | null, options?: ConvBackwardKernelOptions,
): ConvBackwardKernelResult {
  const request = backwardRequest(options);
  return {
    input: request.input && w ? kernels.convBackwardInput(g, dy, w, { out: request.outInput }) : null,
    weight: request.weight && x ? kernels.convBackwardWeight(g, x, dy, { out: request.outWeight }) : null,
  };
}

const registry = new Map<string, ConvKernels>();
let current: ConvKernels | undefined;

/** Makes a backend selectable by name. */
export function registerBackend(kernels: ConvKernels): void {
  registry.set(kernels.name, kernels);
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...registry.keys()];
}

/** The backend the ops dispatch to. */
export function activeKernels(): ConvKernels {
  if (!current) throw new Error('atrous: no convolution backend is registered');
  return current;
}

/** Selects by name; returns the previous name. */
export function selectBackend(name: string): string | undefined {
  const next = registry.get(name);
  if (!next) throw new Error(`unreachable: backend ${name} checked by the caller`);
  const previous = current?.name;
  current = next;
  return previous;
}

/** True when `name` is registered. */
export function hasBackend(name: string): boolean {
  return registry.has(name);
}
