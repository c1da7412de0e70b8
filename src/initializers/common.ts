import type * as tf from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/**
 * Throws unless `dtype` is a real floating type. The random initializers sample floats (as
 * `jax.random` does, which rejects integer dtypes), so an integer parameter would silently get
 * truncated values.
 */
export function assertFloatDtype(dtype: tf.DataType, where: string): void {
  if (dtype !== "float32") {
    throw new InvalidArgumentError(
      where,
      `\`dtype\` must be "float32" (a random initializer samples floats), got "${dtype}"`,
      "create the parameter as float32, or use hk.initializers.Constant for integer parameters.",
    );
  }
}

/** Throws unless `shape` is an array of non-negative integers. */
export function assertShape(shape: readonly number[], where: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InvalidArgumentError(
      where,
      `\`shape\` must be an array of non-negative integers, got ${describe(shape)}`,
      "pass e.g. [3, 4].",
    );
  }
}

/** Throws unless `x` is a finite number. */
export function assertFiniteNumber(x: unknown, where: string, param: string): asserts x is number {
  if (typeof x !== "number" || !Number.isFinite(x)) {
    throw new InvalidArgumentError(
      where,
      `\`${param}\` must be a finite number, got ${describe(x)}`,
      "pass a number such as 1.0.",
    );
  }
}

/** NumPy's `np.prod` of a shape (1 for an empty shape). */
export function prod(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}
