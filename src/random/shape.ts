/**
 * Shape checks shared by the samplers.
 *
 * @internal
 * @module
 */
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";

/**
 * Returns the element count of `shape`, or throws an error naming `where` when `shape` is not an
 * array of non-negative integers.
 *
 * @internal
 */
export function sizeOf(shape: readonly number[], where: string): number {
  if (!Array.isArray(shape)) {
    throw new InvalidArgumentError(
      where,
      `\`shape\` must be an array of non-negative integers, got ${describe(shape)}`,
      "pass e.g. [3, 4] (or [] for a scalar).",
    );
  }
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(
        where,
        `\`shape\` must be an array of non-negative integers, got [${shape.join(", ")}]`,
        "use whole, non-negative dimension sizes.",
      );
    }
    n *= d;
  }
  if (n > 2 ** 31 - 1) {
    throw new InvalidArgumentError(
      where,
      `\`shape\` [${shape.join(", ")}] has ${n} elements, more than a typed array can hold`,
      "sample in smaller pieces (at most 2^31 - 1 elements each).",
    );
  }
  return n;
}

/** Throws unless `dtype` is float32 (the only float dtype tfjs has). @internal */
export function checkFloatDtype(dtype: unknown, where: string): void {
  if (dtype !== undefined && dtype !== "float32") {
    throw new InvalidArgumentError(
      where,
      `\`dtype\` must be "float32", got ${describe(dtype)}`,
      "sample float32 and cast with tf.cast if another dtype is needed.",
    );
  }
}

/** Throws unless `x` is a finite number or an infinity (not NaN, not a non-number). @internal */
export function checkNumber(x: unknown, where: string, name: string): number {
  if (typeof x !== "number" || Number.isNaN(x)) {
    throw new InvalidArgumentError(where, `\`${name}\` must be a number, got ${describe(x)}`, "pass a plain number.");
  }
  return x;
}
