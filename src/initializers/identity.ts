import * as tf from "@tensorflow/tfjs-core";
import type { Initializer } from "../core/index.js";
import { assertFiniteNumber, assertShape } from "./common.js";
import { ShapeError } from "../util/errors.js";
import { formatShape } from "../util/describe.js";

/**
 * The identity matrix `eye(shape[-2], shape[-1])`, broadcast over leading dims and multiplied
 * by `gain` (Haiku's `hk.initializers.Identity`, `initializers.py`).
 *
 * @param gain Multiplicative factor (default 1).
 * @example
 * ```ts
 * const w = hk.getParameter("w", [8, 8], { init: hk.initializers.Identity(0.5) });
 * ```
 */
export function Identity(gain = 1.0): Initializer {
  const where = "hk.initializers.Identity";
  assertFiniteNumber(gain, where, "gain");
  return (shape, dtype) => {
    assertShape(shape, where);
    if (shape.length < 2) {
      throw new ShapeError(
        where,
        `Identity initializer requires at least a 2D shape, got ${formatShape(shape)}`,
        "use it for matrices and kernels (rank >= 2).",
      );
    }
    const n = shape[shape.length - 2]!;
    const m = shape[shape.length - 1]!;
    return tf.tidy(() => {
      const batch = shape.slice(0, -2);
      const eye = tf.eye(n, m, undefined, dtype === "float32" ? "float32" : "int32");
      const full = batch.length ? tf.broadcastTo(eye, shape) : eye;
      const scaled = tf.mul(full, tf.scalar(gain, eye.dtype));
      return scaled.dtype === dtype ? scaled : tf.cast(scaled, dtype);
    });
  };
}
