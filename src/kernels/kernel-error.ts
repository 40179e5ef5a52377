import { AtrousError } from '../errors.js';

/**
 * A fast kernel (WebAssembly SIMD) failed on a layer the op had accepted: a bug in atrous, never a partial result.
 * The message names the op, the pass, the layer's geometry and the failing task; `setBackend('js')` computes the
 * same layer on the pure-JS kernels meanwhile.
 *
 * @example
 * try { conv(x, w); } catch (e) { if (e instanceof KernelError) { setBackend('js'); conv(x, w); } }
 */
export class KernelError extends AtrousError {}
