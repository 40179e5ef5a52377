/**
 * Slot numbers of the i32 parameter block the WebAssembly kernels read (assembly/params.ts holds the same list
 * and documents the buffer layouts). Geometry is normalized to three spatial dimensions D, H, W.
 */
export const Slot = {
  OP: 0, N: 1, G: 2, CIG: 3, COG: 4, CIGP: 5, COGP: 6,
  OD: 7, OH: 8, OW: 9, KD: 10, KH: 11, KW: 12, SD: 13, SH: 14, SW: 15, DD: 16, DH: 17, DW: 18,
  XD: 19, XH: 20, XQ: 21, XS: 22, PANELS: 23, Y: 24, OUT: 25, RANGES: 26, BIAS: 27,
  BLOCKS_PER_TASK: 28, CHUNK: 29, ID: 30, IH: 31, IW: 32, PD: 33, PH: 34, PW: 35, SOURCE: 36, ROWS_PER_BAND: 37, STAGED_PLANE: 38, DENSE_PLANE: 39, COLUMNS_PER_TASK: 40,
  RESIDUAL: 41, ACTIVATION: 42, ACTIVATION_A: 43, ACTIVATION_B: 44, SCRATCH: 45, SCRATCH_FLOATS: 46,
} as const;

export const PARAM_SLOTS = 48;

/** Job kinds, as exported by the module (`OP_*` globals). */
export type JobKind = 'STAGE' | 'FORWARD' | 'BACKWARD_INPUT' | 'BACKWARD_WEIGHT' | 'DEPTHWISE_FORWARD' | 'DEPTHWISE_BACKWARD_INPUT' | 'POINTWISE' | 'ELEMENTWISE' | 'REDUCE_CHANNELS' | 'MOMENTS' | 'CHANNEL_MOMENTS' | 'CHANNEL_GRADIENT_SUMS' | 'SOFTMAX_CROSS_ENTROPY';

/** Activations the forward kernels apply in place; the others run as a host pass (see assembly/epilogue.ts). */
export type KernelActivation = 'relu' | 'leakyRelu' | 'clip' | 'hardSwish' | 'sigmoid' | 'tanh';
