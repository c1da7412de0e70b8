/**
 * Argument checks shared by the layers: written once so every layer words them the same way.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { describe, isTensor } from "./describe.js";
import { HaikuError, InvalidArgumentError } from "./errors.js";

/**
 * Throws an {@link InvalidArgumentError} unless `x` is a tf.Tensor; `what` names the argument
 * (already formatted: `` `x` `` or `` `outputSize` (Haiku's `output_size`) ``).
 */
export function assertTensor(x: unknown, where: string, what = "`inputs`"): asserts x is tf.Tensor {
  if (!isTensor(x)) {
    throw new InvalidArgumentError(
      where,
      `${what} must be a tf.Tensor, got ${describe(x)}`,
      "pass a tf.Tensor (e.g. `tf.tensor(values)`).",
    );
  }
}

/**
 * The problem part of an error, without its `where:` and `Fix:` (to quote an inner error inside an
 * outer one's message).
 */
export function problemOf(e: unknown): string {
  if (e instanceof HaikuError) {
    return e.message
      .slice(e.where.length + 2)
      .replace(/ Fix: [\s\S]*$/, "")
      .replace(/\.$/, "");
  }
  return e instanceof Error ? e.message : String(e);
}
