/**
 * `jax.random.bits` for 32-bit words.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { config } from "./config.js";
import { assertKey } from "./key.js";
import type { PRNGKey } from "./key.js";
import { sizeOf } from "./shape.js";
import { fillBitsLegacy, fillBitsPartitionable } from "./threefry.js";
import { MIN_KERNEL_SIZE, kernelFill } from "../wasm/threefry.js";

/**
 * Fills `out[0..n)` with `jax.random.bits(key, (n,), uint32)` under the current
 * `config.threefryPartitionable`; every sampler builds on this.
 *
 * @internal
 */
export function fillBits(key: PRNGKey, out: Uint32Array | Int32Array, n: number): void {
  const k0 = key[0] as number;
  const k1 = key[1] as number;
  if (!config.threefryPartitionable) fillBitsLegacy(k0, k1, out, n);
  else if (n < MIN_KERNEL_SIZE || !kernelFill(k0, k1, out, n, false)) fillBitsPartitionable(k0, k1, out, n);
}

/**
 * `jax.random.bits(key, shape)` (uint32) as a host array, flattened row-major.
 *
 * @example
 * ```ts
 * hk.random.bitsValues(hk.random.key(0), [2]); // Uint32Array [4070199207, 4202968722]
 * ```
 */
export function bitsValues(key: PRNGKey, shape: readonly number[] = []): Uint32Array {
  const k = assertKey(key, "hk.random.bitsValues");
  const n = sizeOf(shape, "hk.random.bitsValues");
  const out = new Uint32Array(n);
  fillBits(k, out, n);
  return out;
}

/**
 * `jax.random.bits(key, shape)`: uniformly random uint32 words. tfjs has no uint32 dtype, so the
 * tensor is int32 holding the same bit patterns (values at or above 2^31 read as negative; use
 * `bitsValues`, or `new Uint32Array(t.dataSync().buffer)`, for the unsigned values).
 *
 * @example
 * ```ts
 * const t = hk.random.bits(hk.random.key(10), [4]); // int32 tensor
 * ```
 */
export function bits(key: PRNGKey, shape: readonly number[] = []): tf.Tensor {
  const k = assertKey(key, "hk.random.bits");
  const n = sizeOf(shape, "hk.random.bits");
  const out = new Int32Array(n);
  fillBits(k, out, n);
  return tf.tensor(out, shape.slice(), "int32");
}
