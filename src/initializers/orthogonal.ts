import * as tf from "@tensorflow/tfjs-core";
import { nextRngKey } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import * as random from "../random/index.js";
import { assertFiniteNumber, assertFloatDtype, assertShape, prod } from "./common.js";

/**
 * Orthogonal initializer (Haiku's `hk.initializers.Orthogonal`, `initializers.py`): samples a
 * standard normal `[max(r, c), min(r, c)]` matrix (`r = shape[axis]`, `c` the product of the
 * other dims), takes its reduced QR decomposition and multiplies Q by `sign(diag(R))`. That sign
 * fix makes Q the unique factor with a positive-diagonal R, so the result does not depend on the
 * QR algorithm and equals Haiku's for the same key. The matrix is transposed if `r < c`, reshaped
 * to `[r, ...other dims]`, its first axis moved to `axis`, and scaled.
 *
 * @param scale Multiplies the orthogonal matrix (default 1).
 * @param axis The "output" axis along which rows are orthonormal (default -1).
 * @example
 * ```ts
 * const w = hk.getParameter("w", [64, 64], { init: hk.initializers.Orthogonal() });
 * ```
 */
export function Orthogonal(scale = 1.0, axis = -1): Initializer {
  const where = "hk.initializers.Orthogonal";
  assertFiniteNumber(scale, where, "scale");
  if (!Number.isInteger(axis)) throw new Error(`${where}: \`axis\` must be an integer, got ${String(axis)}.`);
  return (shape, dtype) => {
    assertShape(shape, where);
    assertFloatDtype(dtype, where);
    if (shape.length < 2) {
      throw new Error(
        `${where}: Orthogonal initializer requires at least a 2D shape, got [${shape.join(", ")}].`,
      );
    }
    const rank = shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax >= rank) {
      throw new Error(`${where}: \`axis\` ${axis} is out of range for shape [${shape.join(", ")}].`);
    }
    const nRows = shape[ax]!;
    const nCols = Math.floor(prod(shape) / nRows);
    const matrixShape = nRows > nCols ? [nRows, nCols] : [nCols, nRows];
    const key = nextRngKey();
    return tf.tidy(() => {
      const normal = random.normal(key, matrixShape, { dtype: "float32" }) as tf.Tensor2D;
      const [q0, r] = tf.linalg.qr(normal) as [tf.Tensor2D, tf.Tensor2D];
      const k = Math.min(matrixShape[0]!, matrixShape[1]!);
      // diag(R) via a mask-free gather of the strided flat buffer.
      const diag = tf.gather(tf.reshape(r, [-1]), tf.range(0, k * k, k + 1, "int32"));
      let q: tf.Tensor = tf.mul(q0, tf.sign(diag));
      if (nRows < nCols) q = tf.transpose(q);
      const rest = shape.filter((_, i) => i !== ax);
      q = tf.reshape(q, [nRows, ...rest]);
      if (ax !== 0) {
        const perm = rest.map((_, i) => i + 1);
        perm.splice(ax, 0, 0);
        q = tf.transpose(q, perm);
      }
      return tf.mul(tf.scalar(scale, dtype), q);
    });
  };
}
