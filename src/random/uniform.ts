/**
 * `jax.random.uniform` and `jax.random.bernoulli`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fillBits } from "./bits.js";
import { config } from "./config.js";
import { MIN_KERNEL_SIZE, kernelFill } from "../wasm/threefry.js";
import { fmaf } from "./float32.js";
import { assertKey } from "./key.js";
import type { PRNGKey } from "./key.js";
import { checkFloatDtype, checkNumber, sizeOf } from "./shape.js";

/** Options of {@link uniform}, as in `jax.random.uniform(key, shape, dtype, minval, maxval)`. */
export interface UniformOptions {
  /** Only `"float32"` (JAX's default float dtype without x64). */
  dtype?: tf.DataType;
  /** Lower bound, inclusive (default 0). */
  minval?: number;
  /** Upper bound, exclusive (default 1). */
  maxval?: number;
}

/** 2^-23: the float32 mantissa step, so `(bits >>> 9) * 2^-23` is JAX's `bitcast(bits >> 9 | 1.0) - 1`. */
const MANTISSA_STEP = 1.1920928955078125e-7;

/**
 * Fills `out[0..n)` with JAX's float32 uniform values in `[lo, hi)` (`lo`, `hi` already float32):
 * 23 random mantissa bits give `f` in `[0, 1)`, then `max(lo, f * (hi - lo) + lo)` with the
 * multiply-add fused, as XLA:CPU does.
 *
 * @internal
 */
export function fillUniform(key: PRNGKey, out: Float32Array, n: number, lo: number, hi: number): void {
  const k0 = key[0] as number;
  const k1 = key[1] as number;
  if (!(n >= MIN_KERNEL_SIZE && config.threefryPartitionable && kernelFill(k0, k1, out, n, true))) {
    const words = new Uint32Array(out.buffer, out.byteOffset, n);
    fillBits(key, words, n);
    for (let i = 0; i < n; i++) out[i] = ((words[i] as number) >>> 9) * MANTISSA_STEP;
  }
  if (lo === 0 && hi === 1) return;
  const range = Math.fround(hi - lo);
  if (isPowerOfTwo(range)) {
    // f * range is exact, and a float64 sum of two float32 values rounds to float32 correctly,
    // so the fused multiply-add needs no emulation here (this is the normal() path: range 2).
    for (let i = 0; i < n; i++) {
      const v = (out[i] as number) * range + lo;
      out[i] = v < lo ? lo : v;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    // fmaf inlined: the float64 result rounds correctly unless it is a float32 midpoint.
    const f = out[i] as number;
    const s = f * range + lo;
    const r = Math.fround(s);
    const o = r + 2 * (s - r);
    const v = Math.fround(o) === o && o !== r ? fmaf(f, range, lo) : r;
    out[i] = v < lo ? lo : v;
  }
}

function isPowerOfTwo(x: number): boolean {
  if (!(x >= 2 ** -100 && x <= 2 ** 100)) return false;
  const e = Math.round(Math.log2(x));
  return 2 ** e === x;
}

function bounds(opts: UniformOptions | undefined, where: string): [number, number] {
  checkFloatDtype(opts?.dtype, where);
  const lo = Math.fround(checkNumber(opts?.minval ?? 0, where, "minval"));
  const hi = Math.fround(checkNumber(opts?.maxval ?? 1, where, "maxval"));
  return [lo, hi];
}

// uniform and uniformValues differ only in the name their errors carry and the returned wrapper.
function drawUniform(
  where: string,
  key: PRNGKey,
  shape: readonly number[],
  opts: UniformOptions | undefined,
): Float32Array {
  const k = assertKey(key, where);
  const n = sizeOf(shape, where);
  const [lo, hi] = bounds(opts, where);
  const out = new Float32Array(n);
  fillUniform(k, out, n, lo, hi);
  return out;
}

/**
 * `jax.random.uniform` as a host `Float32Array` (row-major), bit for bit.
 *
 * @example
 * ```ts
 * hk.random.uniformValues(hk.random.key(0), [3]); // [0.947667, 0.9785799, 0.33229148]
 * ```
 */
export function uniformValues(key: PRNGKey, shape: readonly number[] = [], opts?: UniformOptions): Float32Array {
  return drawUniform("hk.random.uniformValues", key, shape, opts);
}

/**
 * `jax.random.uniform(key, shape, float32, minval, maxval)`: float32 values in `[minval, maxval)`,
 * bit for bit equal to JAX's.
 *
 * @example
 * ```ts
 * const w = hk.random.uniform(hk.random.key(0), [3, 4], { minval: -1, maxval: 1 });
 * ```
 */
export function uniform(key: PRNGKey, shape: readonly number[] = [], opts?: UniformOptions): tf.Tensor {
  return tf.tensor(drawUniform("hk.random.uniform", key, shape, opts), shape.slice(), "float32");
}

/**
 * `jax.random.bernoulli(key, p, shape)` as a host `Uint8Array` of 0/1, row-major.
 *
 * @example
 * ```ts
 * hk.random.bernoulliValues(hk.random.key(0), 0.5, [8]); // Uint8Array of 0s and 1s
 * ```
 */
export function bernoulliValues(key: PRNGKey, p = 0.5, shape: readonly number[] = []): Uint8Array {
  const k = assertKey(key, "hk.random.bernoulliValues");
  const n = sizeOf(shape, "hk.random.bernoulliValues");
  return bernoulliFill(k, checkNumber(p, "hk.random.bernoulliValues", "p"), n);
}

function bernoulliFill(key: PRNGKey, p: number, n: number): Uint8Array {
  const u = new Float32Array(n);
  fillUniform(key, u, n, 0, 1);
  const pf = Math.fround(p);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (u[i] as number) < pf ? 1 : 0;
  return out;
}

/**
 * `jax.random.bernoulli(key, p, shape)` (mode `"low"`): a bool tensor that is true where a
 * float32 uniform draw is below `p`, the same draws as JAX.
 *
 * @param p - probability of `true` (float32), default 0.5.
 * @param shape - output shape, default `[]`.
 * @example
 * ```ts
 * const keep = hk.random.bernoulli(rng, 0.9, [32, 128]); // dropout mask
 * ```
 */
export function bernoulli(key: PRNGKey, p = 0.5, shape: readonly number[] = []): tf.Tensor {
  const k = assertKey(key, "hk.random.bernoulli");
  const n = sizeOf(shape, "hk.random.bernoulli");
  const out = bernoulliFill(k, checkNumber(p, "hk.random.bernoulli", "p"), n);
  return tf.tensor(out, shape.slice(), "bool");
}
