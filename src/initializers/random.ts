import * as tf from "@tensorflow/tfjs-core";
import { nextRngKey } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import * as random from "../random/index.js";
import { assertFiniteNumber, assertFloatDtype, assertShape } from "./common.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/**
 * Initializes by sampling a normal distribution: `mean + stddev * normal(nextRngKey())`
 * (Haiku's `hk.initializers.RandomNormal`, `initializers.py`). Draws one key per call, so the
 * same key gives the same numbers as Haiku.
 *
 * @param stddev Standard deviation (default 1).
 * @param mean Mean (default 0).
 * @example
 * ```ts
 * const w = hk.getParameter("w", [3, 4], { init: hk.initializers.RandomNormal(0.01) });
 * ```
 */
export function RandomNormal(stddev = 1, mean = 0): Initializer {
  const where = "hk.initializers.RandomNormal";
  assertFiniteNumber(stddev, where, "stddev");
  assertFiniteNumber(mean, where, "mean");
  return (shape, dtype) => {
    assertShape(shape, where);
    assertFloatDtype(dtype, where);
    const key = nextRngKey();
    return tf.tidy(() =>
      tf.add(tf.scalar(mean, dtype), tf.mul(tf.scalar(stddev, dtype), random.normal(key, shape, { dtype: "float32" }))),
    );
  };
}

/**
 * Initializes by sampling a normal distribution truncated to `[lower, upper]` standard
 * deviations: `stddev * truncatedNormal(nextRngKey(), lower, upper) + mean` (Haiku's
 * `hk.initializers.TruncatedNormal`, `initializers.py`). Note that `stddev` is the standard
 * deviation of the untruncated distribution (the samples' own is about 0.88x smaller for ±2).
 *
 * @param stddev Standard deviation of the untruncated normal (default 1).
 * @param mean Mean (default 0).
 * @param lower Lower truncation bound, in standard deviations (default -2).
 * @param upper Upper truncation bound, in standard deviations (default 2).
 * @example
 * ```ts
 * const lin = new hk.Linear(10, { wInit: hk.initializers.TruncatedNormal(0.02) });
 * ```
 */
export function TruncatedNormal(stddev = 1, mean = 0, lower = -2, upper = 2): Initializer {
  const where = "hk.initializers.TruncatedNormal";
  assertFiniteNumber(stddev, where, "stddev");
  assertFiniteNumber(mean, where, "mean");
  if (
    typeof lower !== "number" ||
    typeof upper !== "number" ||
    Number.isNaN(lower) ||
    Number.isNaN(upper) ||
    !(lower < upper)
  ) {
    throw new InvalidArgumentError(
      where,
      `\`lower\` must be less than \`upper\`, got lower=${describe(lower)}, upper=${describe(upper)}`,
      "pass bounds in standard deviations, e.g. -2 and 2.",
    );
  }
  return (shape, dtype) => {
    assertShape(shape, where);
    assertFloatDtype(dtype, where);
    const key = nextRngKey();
    return tf.tidy(() =>
      tf.add(
        tf.mul(tf.scalar(stddev, dtype), random.truncatedNormal(key, lower, upper, shape, { dtype: "float32" })),
        tf.scalar(mean, dtype),
      ),
    );
  };
}

/**
 * Initializes by sampling a uniform distribution on `[minval, maxval)` (Haiku's
 * `hk.initializers.RandomUniform`, `initializers.py`; JAX's `random.uniform`).
 *
 * @param minval Lower bound (default 0).
 * @param maxval Upper bound (default 1).
 * @example
 * ```ts
 * const init = hk.initializers.RandomUniform(-0.1, 0.1);
 * ```
 */
export function RandomUniform(minval = 0, maxval = 1): Initializer {
  const where = "hk.initializers.RandomUniform";
  assertFiniteNumber(minval, where, "minval");
  assertFiniteNumber(maxval, where, "maxval");
  return (shape, dtype) => {
    assertShape(shape, where);
    assertFloatDtype(dtype, where);
    const key = nextRngKey();
    return random.uniform(key, shape, { dtype: "float32", minval, maxval });
  };
}
