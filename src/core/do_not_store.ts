/** `hk.DO_NOT_STORE` (Haiku's `base.py`, `DO_NOT_STORE`). */
import type * as tf from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../util/errors.js";

function fail(what: string): never {
  throw new InvalidArgumentError(
    "hk.DO_NOT_STORE",
    `has no ${what}: it is a marker a creator, initializer or setter returns so that nothing is stored`,
    "have a custom getter supply the value.",
  );
}

/**
 * A marker a custom creator, initializer or setter may return so that nothing is stored (Haiku's
 * `hk.DO_NOT_STORE`); a custom getter must then supply the value read. Typed as a tensor so
 * creators can return it; reading its `shape` or `dtype` throws.
 *
 * @example
 * ```ts
 * // Parameters computed on the fly instead of stored (here: every weight is 0.5):
 * const y = hk.customCreator(() => hk.DO_NOT_STORE, () =>
 *   hk.customGetter((next, value, ctx) => next(tf.fill([...ctx.originalShape!], 0.5) as typeof value), () => new hk.Linear(2).call(x)));
 * ```
 *
 * @category Modules and parameters
 */
export const DO_NOT_STORE: tf.Tensor = Object.freeze(
  Object.create(null, {
    shape: { get: () => fail("shape") },
    dtype: { get: () => fail("dtype") },
    toString: { value: () => "hk.DO_NOT_STORE" },
  }),
) as tf.Tensor;
