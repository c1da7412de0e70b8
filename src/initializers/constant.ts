import * as tf from "@tensorflow/tfjs-core";
import type { Initializer } from "../core/index.js";
import { assertShape } from "./common.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe, formatShape } from "../util/describe.js";

/**
 * Initializes with a constant, broadcast to the requested shape and cast to its dtype
 * (Haiku's `hk.initializers.Constant`, `initializers.py`).
 *
 * @param constant A number, a nested number array, or a tensor broadcastable to the shape. A
 *   tensor is not consumed: each call returns a new tensor.
 * @example
 * ```ts
 * const lin = new hk.Linear(3, { bInit: hk.initializers.Constant(0.1) });
 * ```
 */
export function Constant(constant: number | boolean | tf.TensorLike | tf.Tensor): Initializer {
  const where = "hk.initializers.Constant";
  if (constant === null || constant === undefined) {
    throw new InvalidArgumentError(
      where,
      `\`constant\` must be a number, an array or a tensor, got ${describe(constant)}`,
      "pass e.g. `hk.initializers.Constant(0)`.",
    );
  }
  return (shape, dtype) => {
    assertShape(shape, where);
    if (typeof constant === "number" || typeof constant === "boolean") {
      return tf.fill(shape, Number(constant), dtype);
    }
    return tf.tidy(() => {
      const c = constant instanceof tf.Tensor ? constant : tf.tensor(constant as tf.TensorLike);
      if (!broadcastable(c.shape, shape)) {
        throw new ShapeError(
          where,
          `\`constant\` of shape ${formatShape(c.shape)} cannot be broadcast to the parameter shape ${formatShape(shape)}`,
          "pass a constant whose shape broadcasts (NumPy rules) to the parameter's.",
        );
      }
      const b =
        c.rank === shape.length && c.shape.every((d, i) => d === shape[i]) ? tf.clone(c) : tf.broadcastTo(c, shape);
      return b.dtype === dtype ? b : tf.cast(b, dtype);
    });
  };
}

function broadcastable(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const off = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[i + off]);
}

/**
 * Zeros, Haiku's default for biases, offsets and recurrent state (`jnp.zeros`); the one copy the
 * layers share. @internal
 */
export const zerosInit: Initializer = (shape, dtype) => tf.zeros(shape, dtype);

/** Ones, Haiku's default for norm scales (`jnp.ones`); the one copy the layers share. @internal */
export const onesInit: Initializer = (shape, dtype) => tf.ones(shape, dtype);
