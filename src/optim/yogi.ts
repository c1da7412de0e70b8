// optax/_src/transform.py scale_by_yogi and optax/_src/alias.py yogi.
import * as tf from "@tensorflow/tfjs-core";

import type { ScaleByAdamState } from "./adam.js";
import { chain } from "./combine.js";
import { scaleByLearningRate } from "./scale.js";
import { constant } from "./scalars.js";
import { fullTree, tidy } from "./tree_init.js";
import type { GradientTransformation, ScalarOrSchedule } from "./types.js";
import { biasCorrection, checkNumber, checkState, mapMulti, safeIncrement } from "./util.js";

/** Options of {@link scaleByYogi} (optax's defaults). */
export interface YogiOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Rate of the additive second-moment update. Default 0.999. */
  b2?: number;
  /** Added to the denominator outside the square root. Default 1e-3. */
  eps?: number;
  /** Added to the second moment inside the square root. Default 0. */
  epsRoot?: number;
  /** Initial value of both moments. Default 1e-6. */
  initialAccumulatorValue?: number;
}

/**
 * Yogi's rescaling (optax `scale_by_yogi`, Zaheer et al. 2018): `mu = (1-b1) g + b1 mu`,
 * `nu = nu - (1-b2) sign(nu - g²) g²`, update `mu_hat / (sqrt(nu_hat + epsRoot) + eps)`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleByYogi(), hk.optim.scale(-1e-2));
 * ```
 */
export function scaleByYogi({
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-3,
  epsRoot = 0,
  initialAccumulatorValue = 1e-6,
}: YogiOptions = {}): GradientTransformation<ScaleByAdamState> {
  const where = "hk.optim.scaleByYogi";
  for (const [k, v] of Object.entries({ b1, b2, eps, epsRoot, initialAccumulatorValue })) checkNumber(where, k, v);
  const consts = (): tf.Tensor[] => [
    constant(b1),
    constant(1 - b1),
    constant(1 - b2),
    constant(eps),
    constant(epsRoot),
  ];
  return {
    init: (params) => {
      consts();
      return {
        count: 0,
        mu: fullTree(where, params, initialAccumulatorValue),
        nu: fullTree(where, params, initialAccumulatorValue),
      };
    },
    update<U>(updates: U, state: ScaleByAdamState): [U, ScaleByAdamState] {
      checkState(where, state, ["count", "mu", "nu"]);
      const [cb1, c1b1, c1b2, ceps, cepsRoot] = consts() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const count = safeIncrement(state.count);
      return tidy(() => {
        const bc1 = tf.scalar(biasCorrection(b1, count));
        const bc2 = tf.scalar(biasCorrection(b2, count));
        const [mu, nu, out] = mapMulti(
          where,
          ["updates", "state.mu", "state.nu"],
          3,
          (g, m0, v0) => {
            const m = tf.add(tf.mul(c1b1, g), tf.mul(cb1, m0));
            const g2 = tf.square(g);
            const v = tf.sub(v0, tf.mul(tf.mul(c1b2, tf.sign(tf.sub(v0, g2))), g2));
            const u = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.add(tf.div(v, bc2), cepsRoot)), ceps));
            return [m, v, u];
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
 * Yogi (optax `yogi`): `chain(scaleByYogi({b1, b2, eps}), scaleByLearningRate(lr))`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.yogi(1e-2);
 * ```
 */
export function yogi(
  learningRate: ScalarOrSchedule,
  opts: Pick<YogiOptions, "b1" | "b2" | "eps"> = {},
): GradientTransformation<unknown[]> {
  return chain(scaleByYogi(opts), scaleByLearningRate(learningRate));
}
