// optax/_src/transform.py scale_by_radam and optax/_src/alias.py radam.
import * as tf from "@tensorflow/tfjs-core";

import type { ScaleByAdamState } from "./adam.js";
import { chain } from "./combine.js";
import { scaleByLearningRate } from "./scale.js";
import { constant } from "./scalars.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation, ScalarOrSchedule } from "./types.js";
import { biasCorrection, checkNumber, checkState, mapMulti, safeIncrement } from "./util.js";

const f = Math.fround;

// XLA's float32 `pow(x, n)` for an integer n (optax's `b2 ** count`): square-and-multiply,
// rounding each product to float32. Math.pow rounds once and differs by an ulp, which the
// cancellation in `ro` turns into a percent of `r` near the threshold.
function powInt(x: number, n: number): number {
  let result = 1;
  let base = f(x);
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result = f(result * base);
    base = f(base * base);
  }
  return result;
}

/** Options of {@link scaleByRadam} (optax's defaults). */
export interface RadamOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Decay of the second moment. Default 0.999. */
  b2?: number;
  /** Added to the denominator outside the square root. Default 1e-8. */
  eps?: number;
  /** Added to the second moment inside the square root. Default 0. */
  epsRoot?: number;
  /** The rectification applies once the SMA length `ro` reaches this. Default 5. */
  threshold?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * Rectified Adam's rescaling (optax `scale_by_radam`, Liu et al. 2020). With
 * `ro_inf = 2 / (1 - b2) - 1` and `ro = ro_inf - 2 t b2^t / (1 - b2^t)`: while `ro < threshold`
 * the update is the debiased momentum `mu_hat`; after, `r mu_hat / (sqrt(nu_hat + epsRoot) + eps)`
 * with `r = sqrt((ro-4)(ro-2) ro_inf / ((ro_inf-4)(ro_inf-2) ro))`. `ro` and `r` are host numbers
 * computed in float32 as optax does, so the switch happens at the same step.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleByRadam(), hk.optim.scale(-1e-3));
 * ```
 */
export function scaleByRadam({
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-8,
  epsRoot = 0,
  threshold = 5,
  nesterov = false,
}: RadamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const where = "hk.optim.scaleByRadam";
  for (const [k, v] of Object.entries({ b1, b2, eps, epsRoot, threshold })) checkNumber(where, k, v);
  const roInf = f(2 / (1 - b2) - 1);
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
    update<U>(updates: U, state: ScaleByAdamState): [U, ScaleByAdamState] {
      checkState(where, state, ["count", "mu", "nu"]);
      const [cb1, c1b1, cb2, c1b2, ceps, cepsRoot] = consts() as tf.Tensor[] as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      const count = safeIncrement(state.count);
      const b2t = powInt(b2, count);
      const ro = f(roInf - f(f(2 * count * b2t) / f(1 - b2t)));
      const rectify = ro >= threshold;
      const r = f(Math.sqrt(f(f(f(f(ro - 4) * f(ro - 2)) * roInf) / f(f(f(roInf - 4) * f(roInf - 2)) * ro))));
      return tidy(() => {
        const bc1 = tf.scalar(biasCorrection(b1, count));
        const bc1Next = tf.scalar(biasCorrection(b1, safeIncrement(count)));
        const bc2 = tf.scalar(biasCorrection(b2, count));
        const cr = tf.scalar(r);
        const [mu, nu, out] = mapMulti(
          where,
          ["updates", "state.mu", "state.nu"],
          3,
          (g, m0, v0) => {
            const m = tf.add(tf.mul(c1b1, g), tf.mul(cb1, m0));
            const v = tf.add(tf.mul(c1b2, tf.square(g)), tf.mul(cb2, v0));
            const mHat = nesterov
              ? tf.add(tf.mul(cb1, tf.div(m, bc1Next)), tf.mul(c1b1, tf.div(g, bc1)))
              : tf.div(m, bc1);
            if (!rectify) return [m, v, mHat];
            const vHat = tf.div(v, bc2);
            return [m, v, tf.div(tf.mul(cr, mHat), tf.add(tf.sqrt(tf.add(vHat, cepsRoot)), ceps))];
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
 * RAdam (optax `radam`): `chain(scaleByRadam(opts), scaleByLearningRate(lr))`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.radam(1e-3);
 * ```
 */
export function radam(learningRate: ScalarOrSchedule, opts: RadamOptions = {}): GradientTransformation<unknown[]> {
  return chain(scaleByRadam(opts), scaleByLearningRate(learningRate));
}
