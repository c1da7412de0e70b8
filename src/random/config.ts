/**
 * The `jax_threefry_partitionable` switch.
 *
 * @module
 */

import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";

let partitionable = true;

/**
 * Global settings of `hk.random`, mirroring JAX's `jax.config`.
 *
 * `threefryPartitionable` is JAX's `jax_threefry_partitionable` flag. It is `true` by default,
 * as in JAX since 0.5.0 (January 2025). Set it to `false` to reproduce numbers from older JAX
 * (Haiku-era checkpoints, tutorials, papers): it changes `split`, `bits` and every sampler built
 * on them (`uniform`, `normal`, `truncatedNormal`, `bernoulli`); `key` and `foldIn` are the same
 * in both modes.
 *
 * @example
 * ```ts
 * hk.random.config.threefryPartitionable = false; // JAX < 0.5 numbers
 * hk.random.normal(hk.random.key(0), []);          // -0.20584226, as in old JAX docs
 * hk.random.config.threefryPartitionable = true;
 * ```
 */
export const config = {
  /** JAX's `jax_threefry_partitionable`; `true` (the JAX >= 0.5 default) or `false` (legacy). */
  get threefryPartitionable(): boolean {
    return partitionable;
  },
  /** Switches the scheme; throws unless `value` is a boolean. */
  set threefryPartitionable(value: boolean) {
    if (typeof value !== "boolean") {
      throw new InvalidArgumentError(
        "hk.random.config.threefryPartitionable",
        `the value must be a boolean, got ${describe(value)}`,
        "assign true (JAX >= 0.5 default) or false (legacy JAX < 0.5).",
      );
    }
    partitionable = value;
  },
};

/**
 * Sets `config.threefryPartitionable` and returns its previous value, so a caller can restore it.
 *
 * @example
 * ```ts
 * const prev = hk.random.setThreefryPartitionable(false);
 * try {
 *   hk.random.normal(hk.random.key(0), [3]); // the legacy scheme's numbers
 * } finally {
 *   hk.random.setThreefryPartitionable(prev);
 * }
 * ```
 */
export function setThreefryPartitionable(value: boolean): boolean {
  const prev = partitionable;
  config.threefryPartitionable = value;
  return prev;
}

/**
 * Runs `fn` with `config.threefryPartitionable` set to `value`, restoring the previous setting
 * afterwards (also when `fn` throws). Like `with jax.threefry_partitionable(value):`.
 *
 * @example
 * ```ts
 * const old = hk.random.withThreefryPartitionable(false, () => hk.random.split(key));
 * ```
 */
export function withThreefryPartitionable<T>(value: boolean, fn: () => T): T {
  const prev = setThreefryPartitionable(value);
  try {
    return fn();
  } finally {
    partitionable = prev;
  }
}
