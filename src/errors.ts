/**
 * Typed errors. Every message names the op, the argument and the bad value, and says what would be valid,
 * so a user can fix the call without reading atrous's source.
 *
 * @example
 * try { conv(x, w, { dilation: 0 }); } catch (e) { if (e instanceof OptionError) console.log(e.argument); }
 */
export class AtrousError extends Error {
  /** The op or function that refused its input, e.g. `conv`. */
  readonly op: string;
  /** The argument that was wrong, e.g. `dilation`. */
  readonly argument: string;

  constructor(op: string, argument: string, message: string) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
    this.op = op;
    this.argument = argument;
  }
}

/** A tensor has the wrong rank, size or shape for the op. */
export class ShapeError extends AtrousError {}

/** An option (stride, padding, groups, ...) has a value the op cannot use. */
export class OptionError extends AtrousError {}

/** A file from outside (.npy, .safetensors, WAV) is malformed, truncated or unsupported. */
export class FormatError extends AtrousError {}

/** An ONNX model is malformed, truncated or uses what atrous does not support. */
export class OnnxError extends AtrousError {}

/** Formats a value for an error message: arrays as `[1, 2]`, strings quoted, everything else as-is. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (value !== null && typeof value === 'object') {
    try { return JSON.stringify(value); } catch { return String(value); }
  }
  return String(value);
}

/**
 * An operation would need more memory than the budget set with `setMemoryLimit` allows (or than one typed array
 * can address). Raised before anything is allocated; the message names what needed how many bytes.
 */
export class MemoryLimitError extends AtrousError {}
