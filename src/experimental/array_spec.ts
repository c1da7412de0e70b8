/**
 * Shape-and-dtype descriptions of tensors, printed as Haiku prints them (`f32[8,784]`).
 */
import type * as tf from "@tensorflow/tfjs-core";

/** Haiku's `utils.simple_dtype`: `float32 -> f32`, `int32 -> s32`, `complex64 -> c64`. */
export function simpleDtype(dtype: string): string {
  return dtype
    .replace("complex", "c")
    .replace("double", "d")
    .replace("float", "f")
    .replace("uint", "u")
    .replace("int", "s");
}

/** Haiku's `utils.format_array`: dtype abbreviation then the shape, `f32[8,784]`, `s32[]`. */
export function formatArray(x: { readonly shape: readonly number[]; readonly dtype: string }): string {
  return `${simpleDtype(x.dtype)}[${x.shape.join(",")}]`;
}

/**
 * Shape and dtype of a tensor (Haiku's `hk.experimental.ArraySpec`); `String(spec)` is
 * `f32[8,784]`.
 */
export class ArraySpec {
  /** The shape. */
  readonly shape: readonly number[];
  /** The dtype. */
  readonly dtype: tf.DataType;

  /**
   * @param shape - the shape.
   * @param dtype - the dtype.
   */
  constructor(shape: readonly number[], dtype: tf.DataType) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    Object.freeze(this);
  }

  /** Number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** The spec of `t`. */
  static fromArray(t: tf.Tensor): ArraySpec {
    return new ArraySpec(t.shape, t.dtype);
  }

  /** `f32[8,784]`. */
  toString(): string {
    return formatArray(this);
  }
}

/** Bytes per element of a tfjs dtype (strings count as 0: tfjs stores them outside buffers). */
export function dtypeBytes(dtype: string): number {
  switch (dtype) {
    case "bool":
      return 1;
    case "complex64":
      return 8;
    case "string":
      return 0;
    default:
      return 4;
  }
}

/**
 * Haiku's `utils.format_bytes`: base-1000 units with two decimals (`"942.00 KB"`, `"1.07 MB"`),
 * rounded half-to-even on the exact decimal value, as Python's `Decimal` formatting does.
 */
export function formatBytes(numBytes: number): string {
  const suffixes = ["KB", "MB", "GB", "TB"];
  let suffix = "B";
  let exp = 0;
  let n = BigInt(Math.round(numBytes));
  const thousand = 1000n;
  let den = 1n;
  while (exp < suffixes.length && n >= thousand * den) {
    den *= thousand;
    suffix = suffixes[exp]!;
    exp++;
  }
  const num = n * 100n;
  let q = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && q % 2n === 1n)) q += 1n;
  n = q;
  const whole = n / 100n;
  const frac = (n % 100n).toString().padStart(2, "0");
  return `${whole}.${frac} ${suffix}`;
}
