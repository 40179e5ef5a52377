/**
 * The parameter block every kernel job reads: one i32 per slot, written by the TypeScript side
 * (src/kernels/wasm/job.ts keeps the same slot numbers). Geometry is normalized to three spatial dimensions
 * (D, H, W); 1-D and 2-D convolutions use size 1, stride 1 and dilation 1 in the missing leading dimensions.
 *
 * Buffer layouts (f32, byte addresses in the slots):
 *   staged input xs  [N][G][C?][Dp][Hp][SW][WQ]   zero padded, the W axis split into SW stride phases so that
 *                                                  consecutive outputs read consecutive floats for every tap
 *   forward output   [N][G][COGP][OD·OH·OW]       channels padded to a multiple of 4 per group
 *   dy               [N][G·COG][OD·OH·OW]
 *   residual         [N][G·COG][OD·OH·OW]          dense, added by the forward epilogue
 *   forward panels   [G][COGP/4][T][CIG][4]        weights packed for the 4×8 microkernel
 *   backward panels  [G][CIGP/4][T][COG][4]
 *   ranges           per dimension and tap: [lo, hi) of output positions whose input lies inside the data,
 *                    then per W tap its column offset in a staged row (see columnOffset)
 */
export const OP = 0;
export const N = 1;
export const G = 2;
export const CIG = 3;
export const COG = 4;
export const CIGP = 5;
export const COGP = 6;
export const OD = 7;
export const OH = 8;
export const OW = 9;
export const KD = 10;
export const KH = 11;
export const KW = 12;
export const SD = 13;
export const SH = 14;
export const SW = 15;
export const DD = 16;
export const DH = 17;
export const DW = 18;
/** Staged (padded, phase-split) input sizes. */
export const XD = 19;
export const XH = 20;
export const XQ = 21;
/** Byte addresses. */
export const XS = 22;
export const PANELS = 23;
export const Y = 24;
export const OUT = 25;
export const RANGES = 26;
export const BIAS = 27;
/** Output-channel blocks of 4 per task (forward), input-channel blocks of 4 per task (backward input). */
export const BLOCKS_PER_TASK = 28;
/** Output positions per column chunk: keeps the input a microkernel sweep reads within L1/L2. */
export const CHUNK = 29;
/** Original (unpadded) input sizes and leading pads, for staging and un-staging. */
export const ID = 30;
export const IH = 31;
export const IW = 32;
export const PD = 33;
export const PH = 34;
export const PW = 35;
export const SOURCE = 36;
/** Output rows (flattened D·H) per band: the rows a task sweeps tap by tap while their input stays in cache. */
export const ROWS_PER_BAND = 37;
/** Floats per staged channel plane (at least XD·XH·SW·XQ; the host pads it so channel rows do not alias in cache). */
export const STAGED_PLANE = 38;
/**
 * Floats between channels of the dense tensors (forward output, dy): OD·OH·OW padded by the host so the rows a
 * microkernel reads from many channels do not all fall in the same cache set.
 */
export const DENSE_PLANE = 39;
/** Output columns per forward task (a multiple of 8): splits long rows (1-D layers) over threads. */
export const COLUMNS_PER_TASK = 40;
/** Epilogue (see epilogue.ts): residual address (0 = none), activation kind and its two f32 parameters as bits. */
export const RESIDUAL = 41;
export const ACTIVATION = 42;
export const ACTIVATION_A = 43;
export const ACTIVATION_B = 44;
/**
 * Forward and backward input: per-thread scratch for packed B panels (0 = run unpacked), SCRATCH_FLOATS floats per thread, thread
 * t's at SCRATCH + t·SCRATCH_FLOATS·4 (t from {@link setThread}: 0 on the host's instance, 1… on the workers').
 */
export const SCRATCH = 45;
export const SCRATCH_FLOATS = 46;
export const SLOTS = 48;

/** This instance's thread number (each worker instantiates the module, so module globals are per thread). */
let thread: i32 = 0;

export function setThread(index: i32): void {
  thread = index;
}

// @ts-ignore: decorator
@inline export function threadScratch(params: usize): usize {
  const base = <usize>slot(params, SCRATCH);
  return base == 0 ? 0 : base + ((<usize>thread * <usize>slot(params, SCRATCH_FLOATS)) << 2);
}

// @ts-ignore: decorator
@inline export function slot(params: usize, index: i32): i32 {
  return load<i32>(params + (<usize>index << 2));
}

/** Valid output range [lo, hi) of tap k along dimension dim (0 = D, 1 = H, 2 = W). */
// @ts-ignore: decorator
@inline export function rangeLo(params: usize, dim: i32, k: i32): i32 {
  return load<i32>(rangeAddress(params, dim, k));
}

// @ts-ignore: decorator
@inline export function rangeHi(params: usize, dim: i32, k: i32): i32 {
  return load<i32>(rangeAddress(params, dim, k), 4);
}

/**
 * Float offset, within a staged row, of the stride phase and index that tap kw reads at output column 0:
 * (kw·DW mod SW)·XQ + ⌊kw·DW / SW⌋, precomputed by the host so no kernel divides.
 */
// @ts-ignore: decorator
@inline export function columnOffset(params: usize, kw: i32): i32 {
  const pairs = slot(params, KD) + slot(params, KH) + slot(params, KW);
  return load<i32>(<usize>slot(params, RANGES) + (<usize>pairs << 3) + (<usize>kw << 2));
}

// @ts-ignore: decorator
@inline function rangeAddress(params: usize, dim: i32, k: i32): usize {
  let first = 0;
  if (dim > 0) first += slot(params, KD);
  if (dim > 1) first += slot(params, KH);
  return <usize>slot(params, RANGES) + (<usize>(first + k) << 3);
}
