import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { constant } from "./scalars.js";
import type { EmptyState, GradientTransformation } from "./types.js";
import { checkNumber, mapN } from "./util.js";

/**
 * The global L2 norm of all leaves of a tree, `sqrt(sum_leaves sum(x²))` (optax
 * `tree.norm`), as a scalar tensor, without a readback.
 */
export function globalNorm(t: unknown): tf.Scalar {
  return tf.tidy(() => {
    const sums = tree.tensors(t).map((x) => tf.sum(tf.square(x)));
    if (sums.length === 0) return tf.scalar(0);
    return tf.sqrt(sums.length === 1 ? (sums[0] as tf.Tensor) : tf.addN(sums)) as tf.Scalar;
  });
}

/**
 * Rescales updates so their global norm is at most `maxNorm` (optax `clip_by_global_norm`,
 * optax/transforms/_clipping.py): if `norm < maxNorm` the updates are unchanged, else each
 * leaf becomes `(t / norm) * maxNorm`. Decided on the device (no readback). State `{}`.
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<EmptyState> {
  const where = "hk.optim.clipByGlobalNorm";
  checkNumber(where, "maxNorm", maxNorm, { min: 0 });
  return {
    init: () => {
      constant(maxNorm);
      return {};
    },
    update<U>(updates: U, state: EmptyState): [U, EmptyState] {
      const cmax = constant(maxNorm);
      const out = tf.tidy(() => {
        const norm = globalNorm(updates);
        const trigger = tf.less(norm, cmax);
        return mapN(
          where,
          ["updates"],
          (t) => tf.where(trigger, t, tf.mul(tf.div(t, norm), cmax)),
          updates,
        ) as tf.TensorContainer;
      });
      return [out as U, state];
    },
  };
}

/**
 * Clips every element of the updates to `[-maxDelta, maxDelta]` (optax `clip`,
 * optax/transforms/_clipping.py). State `{}`.
 */
export function clip(maxDelta: number): GradientTransformation<EmptyState> {
  const where = "hk.optim.clip";
  checkNumber(where, "maxDelta", maxDelta, { min: 0 });
  return {
    init: () => ({}),
    update<U>(updates: U, state: EmptyState): [U, EmptyState] {
      const out = tf.tidy(
        () => mapN(where, ["updates"], (t) => tf.clipByValue(t, -maxDelta, maxDelta), updates) as tf.TensorContainer,
      );
      return [out as U, state];
    },
  };
}
