// optax/_src/transform.py scale_by_adamax and optax/_src/alias.py adamax.
import * as tf from "@tensorflow/tfjs-core";

import type { ScaleByAdamState } from "./adam.js";
import { chain } from "./combine.js";
import { scaleByLearningRate } from "./scale.js";
import { constant } from "./scalars.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation, ScalarOrSchedule } from "./types.js";
import { biasCorrection, checkNumber, checkState, mapMulti, safeIncrement } from "./util.js";

/** Options of {@link scaleByAdamax} (optax's defaults). */
export interface AdamaxOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Decay of the infinity norm. Default 0.999. */
  b2?: number;
  /** Added to `|g|` in the infinity norm. Default 1e-8. */
  eps?: number;
}

/**
 * AdaMax's rescaling (optax `scale_by_adamax`, Kingma & Ba 2014): `mu = (1-b1) g + b1 mu`,
 * `nu = max(|g| + eps, b2 nu)`, update `mu / (1 - b1^count) / nu`. State as Adam's.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleByAdamax(), hk.optim.scale(-2e-3));
 * ```
 */
export function scaleByAdamax({
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-8,
}: AdamaxOptions = {}): GradientTransformation<ScaleByAdamState> {
  const where = "hk.optim.scaleByAdamax";
  checkNumber(where, "b1", b1);
  checkNumber(where, "b2", b2);
  checkNumber(where, "eps", eps);
  const consts = (): tf.Tensor[] => [constant(b1), constant(1 - b1), constant(b2), constant(eps)];
  return {
    init: (params) => {
      consts();
      return { count: 0, mu: zerosTree(where, params), nu: zerosTree(where, params) };
    },
    update<U>(updates: U, state: ScaleByAdamState): [U, ScaleByAdamState] {
      checkState(where, state, ["count", "mu", "nu"]);
      const [cb1, c1b1, cb2, ceps] = consts() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const count = safeIncrement(state.count);
      return tidy(() => {
        const bc1 = tf.scalar(biasCorrection(b1, count));
        const [mu, nu, out] = mapMulti(
          where,
          ["updates", "state.mu", "state.nu"],
          3,
          (g, m0, v0) => {
            const m = tf.add(tf.mul(c1b1, g), tf.mul(cb1, m0));
            const v = tf.maximum(tf.add(tf.abs(g), ceps), tf.mul(cb2, v0));
            return [m, v, tf.div(tf.div(m, bc1), v)];
          },
          updates,
          state.mu,
          state.nu,
        );
        return [out as U, { count, mu, nu }];
      });
    },
  };
}

/**
 * AdaMax (optax `adamax`): `chain(scaleByAdamax({b1, b2, eps}), scaleByLearningRate(lr))`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.adamax(2e-3);
 * ```
 */
export function adamax(learningRate: ScalarOrSchedule, opts: AdamaxOptions = {}): GradientTransformation<unknown[]> {
  return chain(scaleByAdamax(opts), scaleByLearningRate(learningRate));
}
