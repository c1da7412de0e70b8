import * as tf from "@tensorflow/tfjs-core";
import { nextRngKey } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import * as random from "../random/index.js";
import { assertFiniteNumber, assertFloatDtype, assertShape, prod } from "./common.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe, formatShape } from "../util/describe.js";

/**
 * Orthogonal initializer (Haiku's `hk.initializers.Orthogonal`, `initializers.py`): samples a
 * standard normal `[max(r, c), min(r, c)]` matrix (`r = shape[axis]`, `c` the product of the
 * other dims), takes its reduced QR decomposition and multiplies Q by `sign(diag(R))`. That sign
 * fix makes Q the unique factor with a positive-diagonal R, so the result does not depend on the
 * QR algorithm and equals Haiku's for the same key. The QR runs on the host in float64
 * (Householder), far faster than `tf.linalg.qr`'s per-column tensor ops. The matrix is transposed if `r < c`, reshaped
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
  if (!Number.isInteger(axis))
    throw new InvalidArgumentError(
      where,
      `\`axis\` must be an integer, got ${describe(axis)}`,
      "pass e.g. -1 (the last axis).",
    );
  return (shape, dtype) => {
    assertShape(shape, where);
    assertFloatDtype(dtype, where);
    if (shape.length < 2) {
      throw new ShapeError(
        where,
        `Orthogonal initializer requires at least a 2D shape, got ${formatShape(shape)}`,
        "use it for matrices and kernels (rank >= 2).",
      );
    }
    const rank = shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax >= rank) {
      throw new ShapeError(
        where,
        `\`axis\` ${axis} is out of range for shape ${formatShape(shape)}`,
        "pass an axis the parameter has.",
      );
    }
    const nRows = shape[ax]!;
    const nCols = Math.floor(prod(shape) / nRows);
    const matrixShape = nRows > nCols ? [nRows, nCols] : [nCols, nRows];
    const key = nextRngKey();
    const [m, n] = matrixShape as [number, number];
    const q64 = signedQ(random.normalValues(key, matrixShape), m, n);
    return tf.tidy(() => {
      let q: tf.Tensor = tf.tensor2d(Float32Array.from(q64), [m, n]);
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

/**
 * Q of the reduced QR decomposition of the row-major `m x n` matrix `a` (`m >= n`), with each
 * column multiplied by the sign of R's diagonal entry (Householder reflections, float64).
 */
function signedQ(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const r = Float64Array.from(a as ArrayLike<number>);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! * r[i * n + k]!;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m - k);
    const x0 = r[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k]!;
    v[0] = x0 - alpha;
    let vn = 0;
    for (const e of v) vn += e * e;
    vn = Math.sqrt(vn);
    if (vn > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / vn;
    vs.push(v);
    // R[k:, k:] -= 2 v (v^T R[k:, k:])
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * r[i * n + j]!;
      for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - 2 * v[i - k]! * dot;
    }
  }
  // Q = H_0 ... H_{n-1} I[:, :n], applied right to left.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - 2 * v[i - k]! * dot;
    }
  }
  for (let j = 0; j < n; j++) {
    if (r[j * n + j]! < 0) for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j]!;
    else if (r[j * n + j] === 0) for (let i = 0; i < m; i++) q[i * n + j] = 0;
  }
  return q;
}
