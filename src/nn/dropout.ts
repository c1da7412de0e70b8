/**
 * `dropout` (Haiku's `basic.py`, function `dropout`).
 */
import * as tf from "@tensorflow/tfjs-core";
import * as random from "../random/index.js";
import type { PRNGKey } from "../random/index.js";
import { assertTensor } from "../util/assert.js";
import { describe, formatShape } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/**
 * Inverted dropout: zeroes each element of `x` with probability `rate` and scales the rest by
 * `1 / (1 - rate)` — `bernoulli(rng, 1 - rate, shape) * x / (1 - rate)`, JAX's draw, so the
 * same key drops the same units as Haiku. `rate = 0` returns `x` itself.
 *
 * @param rng A key, normally `hk.nextRngKey()`.
 * @param rate Drop probability in `[0, 1)`.
 * @param x Input.
 * @param broadcastDims Dims that share one mask value (e.g. `[1]` drops whole timesteps).
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => hk.dropout(hk.nextRngKey(), 0.5, x));
 * ```
 *
 * @category Layers
 */
export function dropout(rng: PRNGKey, rate: number, x: tf.Tensor, broadcastDims: readonly number[] = []): tf.Tensor {
  const where = "hk.dropout";
  if (typeof rate !== "number" || Number.isNaN(rate) || rate < 0 || rate >= 1) {
    throw new InvalidArgumentError(
      where,
      `\`rate\` must be in [0, 1), got ${describe(rate)}`,
      "pass the probability of dropping a unit, e.g. 0.1.",
    );
  }
  random.assertKey(rng, where, "rng");
  assertTensor(x, where, "`x`");
  if (rate === 0) return x;
  const shape = [...x.shape];
  for (const d of broadcastDims) {
    if (!Number.isInteger(d) || d >= shape.length || d < -shape.length) {
      throw new ShapeError(
        where,
        `Broadcast dimension does not exist. Got dimension ${describe(d)} for shape ${formatShape(shape)}`,
        "pass `broadcastDims` that are axes of `x`.",
      );
    }
    shape[d < 0 ? d + shape.length : d] = 1;
  }
  const keepRate = 1 - rate;
  return tf.tidy(() => {
    const keep = tf.cast(random.bernoulli(rng, keepRate, shape), x.dtype);
    return tf.div(tf.mul(keep, x), tf.scalar(keepRate, x.dtype));
  });
}
