// optax/_src/transform.py scale_by_trust_ratio; optax/_src/alias.py lamb and lars.
import * as tf from "@tensorflow/tfjs-core";

import { trace } from "./accumulation.js";
import { scaleByAdam } from "./adam.js";
import { chain } from "./combine.js";
import { addDecayedWeights, masked, type Mask } from "./masking.js";
import { scaleByLearningRate } from "./scale.js";
import { constant } from "./scalars.js";
import { tidy } from "./tree_init.js";
import type { EmptyState, GradientTransformation, ScalarOrSchedule } from "./types.js";
import { checkNumber, mapN, requireParams } from "./util.js";

/** Options of {@link scaleByTrustRatio} (optax's defaults). */
export interface TrustRatioOptions {
  /** Norms below this count as this (optax `safe_norm`). Default 0. */
  minNorm?: number;
  /** Multiplies the ratio. Default 1. */
  trustCoefficient?: number;
  /** Added to the update's norm. Default 0. */
  eps?: number;
}

// optax numerics.safe_norm's value: the norm, or minNorm where the norm is <= minNorm.
function safeNorm(x: tf.Tensor, minNorm: tf.Tensor): tf.Tensor {
  const norm = tf.sqrt(tf.sum(tf.square(x)));
  return tf.where(tf.lessEqual(norm, minNorm), minNorm, norm);
}

/**
 * Scales each leaf's update by `trustCoefficient * |param| / (|update| + eps)`, or by 1 where
 * either norm is 0 (optax `scale_by_trust_ratio`, the layer-wise trust ratio of LARS/LAMB);
 * `update` needs `params`. Decided on the device, no readback.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleByAdam(), hk.optim.scaleByTrustRatio(), hk.optim.scale(-1e-3));
 * ```
 */
export function scaleByTrustRatio({
  minNorm = 0,
  trustCoefficient = 1,
  eps = 0,
}: TrustRatioOptions = {}): GradientTransformation<EmptyState> {
  const where = "hk.optim.scaleByTrustRatio";
  for (const [k, v] of Object.entries({ minNorm, trustCoefficient, eps })) checkNumber(where, k, v);
  const consts = (): tf.Tensor[] => [
    constant(minNorm),
    constant(trustCoefficient),
    constant(eps),
    constant(0),
    constant(1),
  ];
  return {
    init: () => {
      consts();
      return {};
    },
    update<U>(updates: U, state: EmptyState, params?: unknown): [U, EmptyState] {
      requireParams(where, params);
      const [cmin, ctc, ceps, czero, cone] = consts() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const out = tidy(() =>
        mapN(
          where,
          ["updates", "params"],
          (u, p) => {
            const pn = safeNorm(p, cmin);
            const un = safeNorm(u, cmin);
            const ratio = tf.div(tf.mul(ctc, pn), tf.add(un, ceps));
            const zero = tf.logicalOr(tf.equal(pn, czero), tf.equal(un, czero));
            return tf.mul(u, tf.where(zero, cone, ratio));
          },
          updates,
          params,
        ),
      );
      return [out as U, state];
    },
  };
}

/** Options of {@link lamb} (optax's defaults). */
export interface LambOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Decay of the second moment. Default 0.999. */
  b2?: number;
  /** Added to the denominator outside the square root. Default 1e-6. */
  eps?: number;
  /** Added inside the square root. Default 0. */
  epsRoot?: number;
  /** Decoupled weight decay (a number or a schedule). Default 0. */
  weightDecay?: ScalarOrSchedule;
  /** Which params to decay (see {@link masked}). Default: all. */
  mask?: Mask;
}

/**
 * LAMB (optax `lamb`, You et al. 2019): `chain(scaleByAdam({b1, b2, eps, epsRoot}),
 * addDecayedWeights(weightDecay, mask), scaleByTrustRatio(), scaleByLearningRate(lr))`;
 * `update` needs `params`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.lamb(1e-3, { weightDecay: 1e-2 });
 * ```
 */
export function lamb(
  learningRate: ScalarOrSchedule,
  { b1 = 0.9, b2 = 0.999, eps = 1e-6, epsRoot = 0, weightDecay = 0, mask }: LambOptions = {},
): GradientTransformation<unknown[]> {
  return chain(
    scaleByAdam({ b1, b2, eps, epsRoot }),
    addDecayedWeights(weightDecay, mask),
    scaleByTrustRatio(),
    scaleByLearningRate(learningRate),
  );
}

/** Options of {@link lars} (optax's defaults). */
export interface LarsOptions {
  /** Weight decay added before the trust ratio. Default 0. */
  weightDecay?: ScalarOrSchedule;
  /** Which params to decay. Default `true` (all). */
  weightDecayMask?: Mask;
  /** The trust ratio's coefficient. Default 0.001. */
  trustCoefficient?: number;
  /** Added to the update's norm. Default 0. */
  eps?: number;
  /** Which params get the trust ratio. Default `true` (all). */
  trustRatioMask?: Mask;
  /** Momentum, applied last. Default 0.9. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * LARS (optax `lars`, You et al. 2017): `chain(addDecayedWeights(weightDecay, weightDecayMask),
 * masked(scaleByTrustRatio({trustCoefficient, eps}), trustRatioMask), scaleByLearningRate(lr),
 * trace(momentum, {nesterov}))`; `update` needs `params`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.lars(0.1, { weightDecay: 1e-4 });
 * ```
 */
export function lars(
  learningRate: ScalarOrSchedule,
  {
    weightDecay = 0,
    weightDecayMask = true,
    trustCoefficient = 0.001,
    eps = 0,
    trustRatioMask = true,
    momentum = 0.9,
    nesterov = false,
  }: LarsOptions = {},
): GradientTransformation<unknown[]> {
  return chain(
    addDecayedWeights(weightDecay, weightDecayMask),
    masked(scaleByTrustRatio({ trustCoefficient, eps }), trustRatioMask),
    scaleByLearningRate(learningRate),
    trace(momentum, { nesterov }),
  );
}
