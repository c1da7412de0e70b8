// The optimizers of optax/_src/alias.py, built from the same transformations in the same order,
// so their states have optax's layout (a chain state is an array of its parts' states).
import { chain, identity } from "./combine.js";
import { trace } from "./accumulation.js";
import type { AdamOptions } from "./adam.js";
import { scaleByAdam } from "./adam.js";
import { addDecayedWeights, type Mask } from "./masking.js";
import type { RmsOptions } from "./rms.js";
import { scaleByRms, scaleByRss, scaleByStddev } from "./rms.js";
import { scaleByLearningRate } from "./scale.js";
import type { GradientTransformation, ScalarOrSchedule } from "./types.js";
import { checkNumber } from "./util.js";

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum (optax `sgd`):
 * `chain(momentum ? trace(momentum, {nesterov}) : identity(), scaleByLearningRate(lr))`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.sgd(0.1, { momentum: 0.9 });
 * ```
 */
export function sgd(
  learningRate: ScalarOrSchedule,
  { momentum, nesterov = false }: { momentum?: number; nesterov?: boolean } = {},
): GradientTransformation<unknown[]> {
  checkNumber("hk.optim.sgd", "learningRate", learningRate, { schedule: true });
  return chain(momentum === undefined ? identity() : trace(momentum, { nesterov }), scaleByLearningRate(learningRate));
}

/** SGD with momentum `beta` (default 0.9): `sgd(learningRate, { momentum: beta, nesterov })`. */
export function momentum(
  learningRate: ScalarOrSchedule,
  beta = 0.9,
  { nesterov = false }: { nesterov?: boolean } = {},
): GradientTransformation<unknown[]> {
  checkNumber("hk.optim.momentum", "learningRate", learningRate, { schedule: true });
  return sgd(learningRate, { momentum: beta, nesterov });
}

/**
 * Adam (optax `adam`): `chain(scaleByAdam({b1, b2, eps, epsRoot, nesterov}), scaleByLearningRate(lr))`.
 * Defaults b1 0.9, b2 0.999, eps 1e-8, epsRoot 0.
 *
 * @example
 * ```ts
 * const opt = hk.optim.adam(1e-3);
 * let optState = opt.init(params);
 * const [updates, newState] = opt.update(grads, optState);
 * ```
 */
export function adam(learningRate: ScalarOrSchedule, opts: AdamOptions = {}): GradientTransformation<unknown[]> {
  checkNumber("hk.optim.adam", "learningRate", learningRate, { schedule: true });
  return chain(scaleByAdam(opts), scaleByLearningRate(learningRate));
}

/** Options of {@link adamw}. */
export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay rate (a number or a schedule). Default 1e-4. */
  weightDecay?: ScalarOrSchedule;
  /**
   * Which params to decay: a tree of booleans shaped like params (or a prefix of it), or a
   * function `params => mask`. Default: all.
   */
  mask?: Mask;
}

/**
 * AdamW (optax `adamw`): `chain(scaleByAdam(...), addDecayedWeights(weightDecay, mask),
 * scaleByLearningRate(lr))`; `update` needs `params`.
 *
 * @example
 * ```ts
 * // decay weights only, not biases: a prefix/function mask like optax's
 * const opt = hk.optim.adamw(1e-3, { weightDecay: 1e-2, mask: (p) => hk.tree.map((x: tf.Tensor) => x.rank > 1, p) });
 * ```
 */
export function adamw(
  learningRate: ScalarOrSchedule,
  { weightDecay = 1e-4, mask, ...adamOpts }: AdamWOptions = {},
): GradientTransformation<unknown[]> {
  checkNumber("hk.optim.adamw", "learningRate", learningRate, { schedule: true });
  checkNumber("hk.optim.adamw", "weightDecay", weightDecay, { schedule: true });
  return chain(scaleByAdam(adamOpts), addDecayedWeights(weightDecay, mask), scaleByLearningRate(learningRate));
}

/** Options of {@link rmsprop}. */
export interface RmspropOptions extends RmsOptions {
  /** Use the centered variant ({@link scaleByStddev}). Default false. */
  centered?: boolean;
  /** Momentum applied after scaling (a {@link trace}). Default none. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * RMSProp (optax `rmsprop`): `chain(scaleByRms(...) or scaleByStddev(...) when centered,
 * scaleByLearningRate(lr), trace(momentum) or identity())`. Defaults decay 0.9, eps 1e-8.
 */
export function rmsprop(
  learningRate: ScalarOrSchedule,
  { centered = false, momentum: m, nesterov = false, ...rmsOpts }: RmspropOptions = {},
): GradientTransformation<unknown[]> {
  checkNumber("hk.optim.rmsprop", "learningRate", learningRate, { schedule: true });
  return chain(
    centered ? scaleByStddev(rmsOpts) : scaleByRms(rmsOpts),
    scaleByLearningRate(learningRate),
    m === undefined ? identity() : trace(m, { nesterov }),
  );
}

/**
 * Adagrad (optax `adagrad`): `chain(scaleByRss({initialAccumulatorValue, eps}),
 * scaleByLearningRate(lr))`. Defaults initialAccumulatorValue 0.1, eps 1e-7.
 */
export function adagrad(
  learningRate: ScalarOrSchedule,
  opts: { initialAccumulatorValue?: number; eps?: number } = {},
): GradientTransformation<unknown[]> {
  checkNumber("hk.optim.adagrad", "learningRate", learningRate, { schedule: true });
  return chain(scaleByRss(opts), scaleByLearningRate(learningRate));
}
