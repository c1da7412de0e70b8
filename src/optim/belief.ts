// optax/_src/transform.py scale_by_belief and optax/_src/alias.py adabelief.
import * as tf from "@tensorflow/tfjs-core";

import { chain } from "./combine.js";
import { scaleByLearningRate } from "./scale.js";
import { constant } from "./scalars.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation, ScalarOrSchedule } from "./types.js";
import { biasCorrection, checkNumber, checkState, mapMulti, safeIncrement } from "./util.js";

/** State of {@link scaleByBelief} (optax `ScaleByBeliefState`). */
export interface ScaleByBeliefState {
  /** Updates applied so far. */
  count: number;
  /** First moment, shaped like params. */
  mu: unknown;
  /** Second central moment (of `g - mu`, plus `epsRoot`), shaped like params. */
  nu: unknown;
}

/** Options of {@link scaleByBelief} (optax's defaults). */
export interface BeliefOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Decay of the second central moment. Default 0.999. */
  b2?: number;
  /** Added to the denominator outside the square root. Default 1e-16. */
  eps?: number;
  /** Added to the second moment (and kept in the state). Default 1e-16. */
  epsRoot?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * AdaBelief's rescaling (optax `scale_by_belief`, Zhuang et al. 2020): `mu = (1-b1) g + b1 mu`,
 * `nu = (1-b2) (g - mu)² + b2 nu + epsRoot`, update `mu_hat / (sqrt(nu_hat) + eps)`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleByBelief(), hk.optim.scale(-1e-3));
 * ```
 */
export function scaleByBelief({
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-16,
  epsRoot = 1e-16,
  nesterov = false,
}: BeliefOptions = {}): GradientTransformation<ScaleByBeliefState> {
  const where = "hk.optim.scaleByBelief";
  for (const [k, v] of Object.entries({ b1, b2, eps, epsRoot })) checkNumber(where, k, v);
  const consts = (): tf.Tensor[] => [
    constant(b1),
    constant(1 - b1),
    constant(b2),
    constant(1 - b2),
    constant(eps),
    constant(epsRoot),
  ];
  return {
    init: (params) => {
      consts();
      return { count: 0, mu: zerosTree(where, params), nu: zerosTree(where, params) };
    },
    update<U>(updates: U, state: ScaleByBeliefState): [U, ScaleByBeliefState] {
      checkState(where, state, ["count", "mu", "nu"]);
      const [cb1, c1b1, cb2, c1b2, ceps, cepsRoot] = consts() as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      const count = safeIncrement(state.count);
      return tidy(() => {
        const bc1 = tf.scalar(biasCorrection(b1, count));
        const bc1Next = tf.scalar(biasCorrection(b1, safeIncrement(count)));
        const bc2 = tf.scalar(biasCorrection(b2, count));
        const [mu, nu, out] = mapMulti(
          where,
          ["updates", "state.mu", "state.nu"],
          3,
          (g, m0, v0) => {
            const m = tf.add(tf.mul(c1b1, g), tf.mul(cb1, m0));
            const v = tf.add(tf.add(tf.mul(c1b2, tf.square(tf.sub(g, m))), tf.mul(cb2, v0)), cepsRoot);
            const mHat = nesterov
              ? tf.add(tf.mul(cb1, tf.div(m, bc1Next)), tf.mul(c1b1, tf.div(g, bc1)))
              : tf.div(m, bc1);
            return [m, v, tf.div(mHat, tf.add(tf.sqrt(tf.div(v, bc2)), ceps))];
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
 * AdaBelief (optax `adabelief`): `chain(scaleByBelief(opts), scaleByLearningRate(lr))`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.adabelief(1e-3);
 * ```
 */
export function adabelief(learningRate: ScalarOrSchedule, opts: BeliefOptions = {}): GradientTransformation<unknown[]> {
  return chain(scaleByBelief(opts), scaleByLearningRate(learningRate));
}
