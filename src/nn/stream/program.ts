/**
 * The stream program's encoding, shared by the plan builder (plan.ts), the JavaScript engine (engine-js.ts) and the
 * WebAssembly interpreter (assembly/stream-engine.ts, which keeps the same numbers). A program is a list of ops
 * of {@link OP_WORDS} i32 each over buffers described in a table of {@link BUFFER_WORDS} i32 each; all addresses
 * are byte offsets into one memory image.
 */
export const OP_WORDS = 16;
export const BUFFER_WORDS = 8;

/** Buffer table fields. */
export const B_BASE = 0;
export const B_CHANNELS = 1;
export const B_HISTORY = 2;
export const B_CAPACITY = 3;
export const B_CURSOR = 4;

/** Opcodes (field layout in the comments of assembly/stream-engine.ts and engine-js.ts). */
export const OP_CONV = 1;
export const OP_UNARY = 2;
export const OP_GATE = 3;
export const OP_ADD = 4;
export const OP_AFFINE = 5;
export const OP_STREAM_BIAS = 6;

/** Elementwise functions of {@link OP_UNARY}. */
export const UNARY = { copy: 0, relu: 1, leakyRelu: 2, tanh: 3, sigmoid: 4, gelu: 5 } as const;
export type UnaryKind = keyof typeof UNARY;

/** Rows of an output panel: conv weights are packed 32 output channels at a time (assembly/stream-engine.ts). */
export const PANEL_ROWS = 32;

/** Where the plan's memory starts (below: the WebAssembly module's own static data). */
export const PLAN_BASE = 65536;
