// optax/_src/transform.py: scale_by_adam.
// Hyper-parameters are float32 constants computed in float64 first, as JAX does with Python
// floats (weak types); step counts are plain numbers.
import * as tf from "@tensorflow/tfjs-core";

import { canFuseAdam, fusedAdam } from "./fused_adam.js";
import type { AdamCoefficients } from "./fused_adam.js";
import { constant } from "./scalars.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation } from "./types.js";
import { biasCorrection, checkNumber, checkState, mapMulti, safeIncrement } from "./util.js";

type T = tf.Tensor;

/** State of {@link scaleByAdam} (optax `ScaleByAdamState`). */
export interface ScaleByAdamState {
  /** Updates applied so far (a plain number; optax: int32 scalar). */
  count: number;
  /** First moment, shaped like params. */
  mu: unknown;
  /** Second moment, shaped like params. */
  nu: unknown;
}

/** Options of {@link scaleByAdam} (optax's defaults). */
export interface AdamOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Decay of the second moment. Default 0.999. */
  b2?: number;
  /** Added to the denominator outside the square root. Default 1e-8. */
  eps?: number;
  /** Added to the second moment inside the square root. Default 0. */
  epsRoot?: number;
  /** Nesterov momentum (NAdam, Dozat 2016). Default false. */
  nesterov?: boolean;
}

/**
 * Adam's rescaling (optax `scale_by_adam`, optax/_src/transform.py):
 * `mu = (1-b1) g + b1 mu`, `nu = (1-b2) g² + b2 nu`, `count += 1`,
 * `mu_hat = mu / (1 - b1^count)`, `nu_hat = nu / (1 - b2^count)`,
 * `update = mu_hat / (sqrt(nu_hat + epsRoot) + eps)`. With `nesterov`,
 * `mu_hat = b1 mu / (1 - b1^(count+1)) + (1-b1) g / (1 - b1^count)`.
 */
export function scaleByAdam({
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-8,
  epsRoot = 0,
  nesterov = false,
}: AdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const where = "hk.optim.scaleByAdam";
  checkNumber(where, "b1", b1);
  checkNumber(where, "b2", b2);
  checkNumber(where, "eps", eps);
  checkNumber(where, "epsRoot", epsRoot);
  const consts = (): T[] => [
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
      const [cb1, c1b1, cb2, c1b2, ceps, cepsRoot] = consts() as [T, T, T, T, T, T];
      const count = safeIncrement(state.count);
      return tidy(() => {
        const coefficients: AdamCoefficients = {
          b1,
          oneMinusB1: 1 - b1,
          b2,
          oneMinusB2: 1 - b2,
          eps,
          epsRoot,
          nesterov,
          bc1: biasCorrection(b1, count),
          bc2: biasCorrection(b2, count),
          bc1Next: biasCorrection(b1, safeIncrement(count)),
        };
        // The bias corrections as tensors only if a leaf takes the composed ops (kept across the
        // per-leaf tidies, freed below); the one-kernel path reads them as numbers.
        let corrections: [T, T, T] | undefined;
        const bcs = (): [T, T, T] => {
          if (corrections === undefined) {
            const bc1 = tf.keep(tf.scalar(coefficients.bc1));
            corrections = [
              bc1,
              tf.keep(tf.scalar(coefficients.bc2)),
              nesterov ? tf.keep(tf.scalar(coefficients.bc1Next)) : bc1,
            ];
          }
          return corrections;
        };
        let moments: unknown[];
        try {
          moments = mapMulti(
            where,
            ["updates", "state.mu", "state.nu"],
            3,
            (g, m0, v0) => {
              // One pass over memory where the backend allows; the same bits as the ops below.
              if (canFuseAdam(g, m0, v0)) return fusedAdam(g, m0, v0, coefficients);
              const [bc1, bc2, bc1Next] = bcs();
              const m = tf.add(tf.mul(c1b1, g), tf.mul(cb1, m0));
              const v = tf.add(tf.mul(c1b2, tf.square(g)), tf.mul(cb2, v0));
              const mHat = nesterov
                ? tf.add(tf.mul(cb1, tf.div(m, bc1Next)), tf.mul(c1b1, tf.div(g, bc1)))
                : tf.div(m, bc1);
              const vHat = tf.div(v, bc2);
              // x + 0 is exact, so the default epsRoot = 0 skips a kernel without changing a bit.
              const u = tf.div(mHat, tf.add(tf.sqrt(epsRoot === 0 ? vHat : tf.add(vHat, cepsRoot)), ceps));
              return [m, v, u];
            },
            updates,
            state.mu,
            state.nu,
          );
        } finally {
          if (corrections !== undefined) tf.dispose([...new Set(corrections)]);
        }
        const [mu, nu, out] = moments;
        return [out as U, { count, mu, nu }];
      });
    },
  };
}
