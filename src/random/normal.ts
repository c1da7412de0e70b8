/**
 * `jax.random.normal` and `jax.random.truncated_normal`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

import { InvalidArgumentError } from "../util/errors.js";
import { SQRT2_F32, erf32, erfInv32, nextafter32 } from "./float32.js";
import { assertKey } from "./key.js";
import type { PRNGKey } from "./key.js";
import { checkFloatDtype, checkNumber, sizeOf } from "./shape.js";
import { fillUniform } from "./uniform.js";

/** Options of {@link normal} and {@link truncatedNormal}. */
export interface NormalOptions {
  /** Only `"float32"` (JAX's default float dtype without x64). */
  dtype?: tf.DataType;
}

/** `float32(1 / float32(sqrt(2)))`, the constant XLA multiplies by for `x / sqrt(2)`. */
const INV_SQRT2_F32 = Math.fround(1 / SQRT2_F32);

/** `nextafter(float32(-1), 0)`: JAX draws normals from uniforms in the open interval (-1, 1). */
const OPEN_LO = Math.fround(-0.99999994);

/** `out[i] = float32(sqrt(2)) * erf_inv(out[i])`. */
function scaledErfInv(out: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = SQRT2_F32 * erfInv32(out[i] as number);
}

function fillNormal(key: PRNGKey, out: Float32Array, n: number): void {
  fillUniform(key, out, n, OPEN_LO, 1);
  scaledErfInv(out, n);
}

// normal and normalValues differ only in the name their errors carry and the returned wrapper.
function drawNormal(
  where: string,
  key: PRNGKey,
  shape: readonly number[],
  opts: NormalOptions | undefined,
): Float32Array {
  const k = assertKey(key, where);
  const n = sizeOf(shape, where);
  checkFloatDtype(opts?.dtype, where);
  const out = new Float32Array(n);
  fillNormal(k, out, n);
  return out;
}

/**
 * `jax.random.normal(key, shape)` as a host `Float32Array`, row-major.
 *
 * @example
 * ```ts
 * hk.random.normalValues(hk.random.key(0), [3]); // [1.6226422, 2.0252647, -0.43359444]
 * ```
 */
export function normalValues(key: PRNGKey, shape: readonly number[] = [], opts?: NormalOptions): Float32Array {
  return drawNormal("hk.random.normalValues", key, shape, opts);
}

/**
 * `jax.random.normal(key, shape)`: standard normal float32 values, made as JAX makes them
 * (`sqrt(2) * erf_inv(u)` for `u` uniform in (-1, 1), with XLA:CPU's own float32 `log1p` / `log`
 * polynomials and fused multiply-adds), bit for bit equal to JAX on CPU.
 *
 * @example
 * ```ts
 * const x = hk.random.normal(hk.random.key(0), [8, 16]);
 * ```
 */
export function normal(key: PRNGKey, shape: readonly number[] = [], opts?: NormalOptions): tf.Tensor {
  return tf.tensor(drawNormal("hk.random.normal", key, shape, opts), shape.slice(), "float32");
}

function fillTruncated(key: PRNGKey, lower: number, upper: number, out: Float32Array, n: number): void {
  const lo = Math.fround(lower);
  const hi = Math.fround(upper);
  // XLA's algebraic simplifier turns JAX's `lower / sqrt(2)` into a multiply by the float32
  // reciprocal, which rounds differently for some bounds (0.5 and 1.5, for instance).
  const a = erf32(Math.fround(lo * INV_SQRT2_F32));
  const b = erf32(Math.fround(hi * INV_SQRT2_F32));
  const clipLo = nextafter32(lo, Number.POSITIVE_INFINITY);
  const clipHi = nextafter32(hi, Number.NEGATIVE_INFINITY);
  fillUniform(key, out, n, a, b);
  scaledErfInv(out, n);
  for (let i = 0; i < n; i++) {
    const v = out[i] as number;
    out[i] = v < clipLo ? clipLo : v > clipHi ? clipHi : v;
  }
}

function checkBounds(lower: unknown, upper: unknown, where: string): [number, number] {
  const lo = checkNumber(lower, where, "lower");
  const hi = checkNumber(upper, where, "upper");
  if (!(lo < hi)) {
    throw new InvalidArgumentError(
      where,
      `\`lower\` must be below \`upper\`, got lower=${lo}, upper=${hi}`,
      "pass bounds with lower < upper, e.g. (-2, 2).",
    );
  }
  return [lo, hi];
}

// truncatedNormal and truncatedNormalValues differ only in their errors' name and the wrapper.
function drawTruncated(
  where: string,
  key: PRNGKey,
  lower: number,
  upper: number,
  shape: readonly number[],
  opts: NormalOptions | undefined,
): Float32Array {
  const k = assertKey(key, where);
  const [lo, hi] = checkBounds(lower, upper, where);
  const n = sizeOf(shape, where);
  checkFloatDtype(opts?.dtype, where);
  const out = new Float32Array(n);
  fillTruncated(k, lo, hi, out, n);
  return out;
}

/**
 * `jax.random.truncated_normal(key, lower, upper, shape)` as a host `Float32Array`, row-major.
 *
 * @example
 * ```ts
 * hk.random.truncatedNormalValues(hk.random.key(0), -2, 2, [3]);
 * ```
 */
export function truncatedNormalValues(
  key: PRNGKey,
  lower: number,
  upper: number,
  shape: readonly number[] = [],
  opts?: NormalOptions,
): Float32Array {
  return drawTruncated("hk.random.truncatedNormalValues", key, lower, upper, shape, opts);
}

/**
 * `jax.random.truncated_normal(key, lower, upper, shape)`: standard normal values restricted to
 * the open interval (lower, upper), by JAX's inverse-CDF construction (`erf` of the bounds,
 * a uniform between them, `sqrt(2) * erf_inv`, clipped into the open interval), bit for bit
 * equal to JAX on CPU.
 *
 * @example
 * ```ts
 * const w = hk.random.truncatedNormal(hk.random.key(0), -2, 2, [784, 512]);
 * ```
 */
export function truncatedNormal(
  key: PRNGKey,
  lower: number,
  upper: number,
  shape: readonly number[] = [],
  opts?: NormalOptions,
): tf.Tensor {
  return tf.tensor(
    drawTruncated("hk.random.truncatedNormal", key, lower, upper, shape, opts),
    shape.slice(),
    "float32",
  );
}
