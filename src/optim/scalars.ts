import * as tf from "@tensorflow/tfjs-core";

/**
 * @internal
 * How many hyper-parameter constants stay uploaded. A training run uses a handful (Adam: six);
 * the bound is what keeps a sweep over thousands of distinct learning rates from keeping one
 * tensor per value forever.
 */
export const CONSTANT_CACHE_CAPACITY = 64;

// Least recently used first (a Map iterates in insertion order; a hit re-inserts its key).
const cache = new Map<string, tf.Scalar>();
let trimScheduled = false;

// Runs after the current synchronous work: an update fetches its constants and uses them in the
// same synchronous call, so none is in use when it is evicted, however many an update fetches.
function trim(): void {
  trimScheduled = false;
  for (const [key, s] of cache) {
    if (cache.size <= CONSTANT_CACHE_CAPACITY) break;
    cache.delete(key);
    s.dispose();
  }
}

/**
 * A float32 scalar tensor for a fixed hyper-parameter (b1, 1 - b1, eps, -lr...), uploaded once
 * per value and backend and shared. tfjs would otherwise upload a new scalar tensor for every
 * `tf.mul(x, 0.9)`, per leaf and per step. The cache keeps the
 * {@link CONSTANT_CACHE_CAPACITY} most recently used values; the others are disposed once the
 * current synchronous work ends, so callers must use a constant right away and never keep it
 * (or return it) beyond the call that fetched it.
 *
 * @internal
 */
export function constant(v: number): tf.Scalar {
  const key = `${tf.getBackend()}:${Object.is(v, -0) ? "-0" : String(v)}`;
  let s = cache.get(key);
  if (s !== undefined && !s.isDisposed) {
    cache.delete(key);
    cache.set(key, s);
    return s;
  }
  s = tf.keep(tf.scalar(v, "float32"));
  cache.delete(key);
  cache.set(key, s);
  if (cache.size > CONSTANT_CACHE_CAPACITY && !trimScheduled) {
    trimScheduled = true;
    queueMicrotask(trim);
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
