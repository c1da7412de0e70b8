/**
 * optax's losses (optax/losses/_classification.py, _regression.py, _smoothing.py) as
 * `hk.optim.losses`: per-example values with no reduction (average them yourself, e.g. with
 * `tf.mean`), the same formulas, and the same numerical care: cross-entropies go through
 * log-sum-exp and log-sigmoid, so logits of ±1e4 give finite values and finite gradients.
 * optax's `where=` masks are not supported.
 *
 * @example
 * ```ts
 * const logits = tf.tensor2d([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]]);
 * const labels = tf.tensor1d([0, 1], "int32");
 * const loss = tf.mean(hk.optim.losses.softmaxCrossEntropyWithIntegerLabels(logits, labels));
 * ```
 *
 * @module
 * @category Training
 */
import * as tf from "@tensorflow/tfjs-core";

import { describe, isTensor } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";

function checkTensor(where: string, name: string, x: unknown, kind: "float" | "int" = "float"): tf.Tensor {
  const ok = isTensor(x) && (kind === "float" ? x.dtype === "float32" : x.dtype === "int32");
  if (!ok) {
    throw new InvalidArgumentError(
      where,
      `\`${name}\` must be a ${kind === "float" ? "float32" : "int32"} tensor, got ${describe(x)}`,
      kind === "float"
        ? 'pass a float32 tf.Tensor (tf.tensor(...) or tf.cast(x, "float32")).'
        : 'pass class indices as an int32 tensor (tf.tensor1d([...], "int32")).',
    );
  }
  return x;
}

function checkAxis(where: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new InvalidArgumentError(
      where,
      `\`axis\` must be an integer in [${-rank}, ${rank - 1}] for an input of rank ${rank}, got ${describe(axis)}`,
      "pass -1 for the last axis.",
    );
  }
  return axis < 0 ? axis + rank : axis;
}

// jax.nn.log_softmax: x - logsumexp(x) along `axis`, stable for any magnitude.
function logSoftmax(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.sub(x, tf.logSumExp(x, axis, true));
}

// jax.nn.log_sigmoid as -softplus(-x), finite for any x. Not tf.logSigmoid: its custom gradient
// closes over its input, which a surrounding tf.tidy disposes before the backward pass runs.
function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(x)));
}

function errors(where: string, predictions: unknown, targets: unknown): tf.Tensor {
  const p = checkTensor(where, "predictions", predictions);
  return targets === undefined || targets === null ? p : tf.sub(p, checkTensor(where, "targets", targets));
}

/**
 * Cross-entropy between `labels` (a probability distribution) and `softmax(logits)` along
 * `axis`: `-sum(labels * logSoftmax(logits))` (optax `softmax_cross_entropy`). Returns one value
 * per example (the shape of `logits` without `axis`).
 *
 * @example
 * ```ts
 * const loss = hk.optim.losses.softmaxCrossEntropy(tf.tensor2d([[1e4, -1e4]]), tf.tensor2d([[0, 1]])); // [2e4], finite
 * ```
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  { axis = -1 }: { axis?: number } = {},
): tf.Tensor {
  const where = "hk.optim.losses.softmaxCrossEntropy";
  const x = checkTensor(where, "logits", logits);
  const y = checkTensor(where, "labels", labels);
  const ax = checkAxis(where, axis, x.rank);
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(y, logSoftmax(x, ax)), ax)));
}

/**
 * Cross-entropy with integer class `labels` (optax `softmax_cross_entropy_with_integer_labels`):
 * `logsumexp(logits) - logits[label]` along `axis` (the class axis of `logits`; `labels` has the
 * other axes). A label outside `[0, numClasses)` selects no logit (the loss is the log-sum-exp).
 *
 * @example
 * ```ts
 * const loss = hk.optim.losses.softmaxCrossEntropyWithIntegerLabels(tf.tensor2d([[2, 0, -1]]), tf.tensor1d([0], "int32"));
 * ```
 */
export function softmaxCrossEntropyWithIntegerLabels(
  logits: tf.Tensor,
  labels: tf.Tensor,
  { axis = -1 }: { axis?: number } = {},
): tf.Tensor {
  const where = "hk.optim.losses.softmaxCrossEntropyWithIntegerLabels";
  const x = checkTensor(where, "logits", logits);
  const y = checkTensor(where, "labels", labels, "int");
  const ax = checkAxis(where, axis, x.rank);
  const batchShape = x.shape.filter((_, i) => i !== ax);
  if (y.rank !== batchShape.length || y.shape.some((d, i) => d !== batchShape[i])) {
    throw new InvalidArgumentError(
      where,
      `\`labels\` must have the shape of \`logits\` without axis ${axis} ([${batchShape.join(", ")}]), got shape [${y.shape.join(", ")}]`,
      "pass one class index per example.",
    );
  }
  return tf.tidy(() => {
    const numClasses = x.shape[ax] as number;
    // One-hot along the class axis, then a masked sum: the logit of the label, no gather needed.
    let hot: tf.Tensor = tf.oneHot(tf.reshape(y, [-1]), numClasses);
    hot = tf.reshape(hot, [...batchShape, numClasses]);
    if (ax !== x.rank - 1) {
      const perm = [...Array(x.rank - 1).keys()];
      perm.splice(ax, 0, x.rank - 1);
      hot = tf.transpose(hot, perm);
    }
    const labelLogits = tf.sum(tf.mul(tf.cast(hot, "float32"), x), ax);
    return tf.sub(tf.logSumExp(x, ax), labelLogits);
  });
}

/**
 * Binary cross-entropy of `sigmoid(logits)` against `labels` in [0, 1], elementwise
 * (optax `sigmoid_binary_cross_entropy`): `-labels logSigmoid(x) - (1 - labels) logSigmoid(-x)`.
 *
 * @example
 * ```ts
 * const loss = hk.optim.losses.sigmoidBinaryCrossEntropy(tf.tensor1d([1e4, -2]), tf.tensor1d([0, 1]));
 * ```
 */
export function sigmoidBinaryCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const where = "hk.optim.losses.sigmoidBinaryCrossEntropy";
  const x = checkTensor(where, "logits", logits);
  const y = checkTensor(where, "labels", labels);
  return tf.tidy(() => tf.sub(tf.neg(tf.mul(y, logSigmoid(x))), tf.mul(tf.sub(1, y), logSigmoid(tf.neg(x)))));
}

/**
 * `(predictions - targets)²` elementwise, or `predictions²` without targets (optax `squared_error`).
 *
 * @example
 * ```ts
 * const loss = hk.optim.losses.squaredError(tf.tensor1d([1, 2]), tf.tensor1d([0, 0])); // [1, 4]
 * ```
 */
export function squaredError(predictions: tf.Tensor, targets?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.square(errors("hk.optim.losses.squaredError", predictions, targets)));
}

/**
 * `0.5 * (predictions - targets)²` elementwise (optax `l2_loss`).
 *
 * @example
 * ```ts
 * const loss = hk.optim.losses.l2Loss(tf.tensor1d([1, 2])); // [0.5, 2]
 * ```
 */
export function l2Loss(predictions: tf.Tensor, targets?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(0.5, tf.square(errors("hk.optim.losses.l2Loss", predictions, targets))));
}

/**
 * Huber loss elementwise (optax `huber_loss`): quadratic `0.5 e²` for `|e| <= delta`, linear
 * `delta (|e| - delta) + 0.5 delta²` beyond, with `e = predictions - targets`. Default delta 1.
 *
 * @example
 * ```ts
 * const loss = hk.optim.losses.huberLoss(tf.tensor1d([0.5, 3]), undefined, { delta: 1 }); // [0.125, 2.5]
 * ```
 */
export function huberLoss(
  predictions: tf.Tensor,
  targets?: tf.Tensor,
  { delta = 1 }: { delta?: number } = {},
): tf.Tensor {
  const where = "hk.optim.losses.huberLoss";
  if (typeof delta !== "number" || !(delta >= 0) || !Number.isFinite(delta)) {
    throw new InvalidArgumentError(
      where,
      `\`delta\` must be a finite number >= 0, got ${describe(delta)}`,
      "pass e.g. { delta: 1 }.",
    );
  }
  return tf.tidy(() => {
    const abs = tf.abs(errors(where, predictions, targets));
    const quadratic = tf.minimum(abs, delta);
    const linear = tf.sub(abs, quadratic);
    return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear));
  });
}

/**
 * `log(cosh(predictions - targets))` elementwise (optax `log_cosh`), computed as
 * `e + softplus(-2e) - log 2`, finite for any error and with the gradient `tanh(e)`.
 *
 * @example
 * ```ts
 * const loss = hk.optim.losses.logCosh(tf.tensor1d([0, 1e4]));
 * ```
 */
export function logCosh(predictions: tf.Tensor, targets?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const e = errors("hk.optim.losses.logCosh", predictions, targets);
    return tf.sub(tf.add(e, tf.softplus(tf.mul(-2, e))), Math.log(2));
  });
}

/**
 * Cosine similarity along `axis` (optax `cosine_similarity`): `sum(a b) / (|a| |b|)` with each
 * squared norm clipped below at `epsilon` (default 0: a zero vector gives NaN, as in optax).
 *
 * @example
 * ```ts
 * const sim = hk.optim.losses.cosineSimilarity(tf.tensor2d([[1, 0]]), tf.tensor2d([[1, 1]]), { epsilon: 1e-12 }); // [0.7071]
 * ```
 */
export function cosineSimilarity(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  { epsilon = 0, axis = -1 }: { epsilon?: number; axis?: number } = {},
): tf.Tensor {
  return cosine("hk.optim.losses.cosineSimilarity", predictions, targets, epsilon, axis);
}

/**
 * `1 - cosineSimilarity(predictions, targets)` (optax `cosine_distance`).
 *
 * @example
 * ```ts
 * const d = hk.optim.losses.cosineDistance(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]])); // [1]
 * ```
 */
export function cosineDistance(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  { epsilon = 0, axis = -1 }: { epsilon?: number; axis?: number } = {},
): tf.Tensor {
  return tf.tidy(() => tf.sub(1, cosine("hk.optim.losses.cosineDistance", predictions, targets, epsilon, axis)));
}

function cosine(where: string, predictions: unknown, targets: unknown, epsilon: number, axis: number): tf.Tensor {
  const a = checkTensor(where, "predictions", predictions);
  const b = checkTensor(where, "targets", targets);
  if (typeof epsilon !== "number" || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new InvalidArgumentError(
      where,
      `\`epsilon\` must be a finite number >= 0, got ${describe(epsilon)}`,
      "pass e.g. { epsilon: 1e-12 }.",
    );
  }
  const ax = checkAxis(where, axis, Math.max(a.rank, b.rank));
  return tf.tidy(() => {
    const aNorm = tf.sqrt(tf.maximum(tf.sum(tf.square(a), ax, true), epsilon));
    const bNorm = tf.sqrt(tf.maximum(tf.sum(tf.square(b), ax, true), epsilon));
    return tf.sum(tf.mul(tf.div(a, aNorm), tf.div(b, bNorm)), ax);
  });
}

/**
 * Kullback-Leibler divergence `sum(targets (log targets - logPredictions))` along `axis`, with
 * `0 log 0 = 0` (optax `kl_divergence`); `logPredictions` are log-probabilities, `targets`
 * probabilities.
 *
 * @example
 * ```ts
 * const kl = hk.optim.losses.klDivergence(tf.log(tf.tensor2d([[0.5, 0.5]])), tf.tensor2d([[1, 0]])); // [log 2]
 * ```
 */
export function klDivergence(
  logPredictions: tf.Tensor,
  targets: tf.Tensor,
  { axis = -1 }: { axis?: number } = {},
): tf.Tensor {
  const where = "hk.optim.losses.klDivergence";
  const lp = checkTensor(where, "logPredictions", logPredictions);
  const t = checkTensor(where, "targets", targets);
  const ax = checkAxis(where, axis, Math.max(lp.rank, t.rank));
  return tf.tidy(() => {
    const logT = tf.where(tf.equal(t, 0), tf.zerosLike(t), tf.log(t));
    return tf.sum(tf.mul(t, tf.sub(logT, lp)), ax);
  });
}

/**
 * `max(0, 1 - predictorOutputs * targets)` elementwise, targets in {-1, 1} (optax `hinge_loss`).
 *
 * @example
 * ```ts
 * const loss = hk.optim.losses.hingeLoss(tf.tensor1d([0.3, 2]), tf.tensor1d([1, 1])); // [0.7, 0]
 * ```
 */
export function hingeLoss(predictorOutputs: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  const where = "hk.optim.losses.hingeLoss";
  const p = checkTensor(where, "predictorOutputs", predictorOutputs);
  const t = checkTensor(where, "targets", targets);
  return tf.tidy(() => tf.maximum(0, tf.sub(1, tf.mul(p, t))));
}

/**
 * Label smoothing (optax `smooth_labels`): `(1 - alpha) * labels + alpha / numCategories`, with
 * the categories on the last axis.
 *
 * @example
 * ```ts
 * const smoothed = hk.optim.losses.smoothLabels(tf.tensor2d([[0, 1]]), 0.1); // [[0.05, 0.95]]
 * ```
 */
export function smoothLabels(labels: tf.Tensor, alpha: number): tf.Tensor {
  const where = "hk.optim.losses.smoothLabels";
  const y = checkTensor(where, "labels", labels);
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
    throw new InvalidArgumentError(
      where,
      `\`alpha\` must be a finite number, got ${describe(alpha)}`,
      "pass e.g. 0.1.",
    );
  }
  if (y.rank === 0) {
    throw new InvalidArgumentError(
      where,
      "`labels` must have a category axis (rank >= 1), got a scalar",
      "pass one-hot labels shaped [..., numCategories].",
    );
  }
  const n = y.shape[y.rank - 1] as number;
  return tf.tidy(() => tf.add(tf.mul(1 - alpha, y), alpha / n));
}
