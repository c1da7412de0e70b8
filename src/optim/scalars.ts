import * as tf from "@tensorflow/tfjs-core";

const cache = new Map<string, tf.Scalar>();

/**
 * A float32 scalar tensor for a fixed hyper-parameter (b1, 1 - b1, eps, -lr...), created once per
 * value and backend and kept. tfjs would otherwise upload a new scalar tensor for every
 * `tf.mul(x, 0.9)`, per leaf and per step.
 *
 * @internal
 */
export function constant(v: number): tf.Scalar {
  const key = `${tf.getBackend()}:${Object.is(v, -0) ? "-0" : String(v)}`;
  let s = cache.get(key);
  if (s === undefined || s.isDisposed) {
    s = tf.keep(tf.scalar(v, "float32"));
    cache.set(key, s);
  }
  return s;
}

/**
 * A shared-data handle for `x` (a Reshape to the same shape: no copy on any backend), so an
 * output never is the very tensor object of an input and each can be disposed independently.
 *
 * @internal
 */
export function own(x: tf.Tensor): tf.Tensor {
  return tf.reshape(x, x.shape);
}
