// optax/_src/transform.py scale_by_novograd and optax/_src/alias.py novograd.
import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { chain } from "./combine.js";
import { scaleByLearningRate } from "./scale.js";
import { constant } from "./scalars.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation, ScalarOrSchedule } from "./types.js";
import { checkNumber, checkState, mapMulti, requireParams, safeIncrement } from "./util.js";

/** State of {@link scaleByNovograd} (optax `ScaleByNovogradState`). */
export interface ScaleByNovogradState {
  /** Updates applied so far. */
  count: number;
  /** First moment, shaped like params. */
  mu: unknown;
  /** Per-leaf second moment of the gradient's norm: one scalar per params leaf. */
  nu: unknown;
}

/** Options of {@link scaleByNovograd}. */
export interface NovogradOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Decay of the per-layer second moment. Default 0.25. */
  b2?: number;
  /** Added to the denominator outside the square root. Default 1e-8 ({@link novograd}: 1e-6, as optax). */
  eps?: number;
  /** Added inside the square root. Default 0. */
  epsRoot?: number;
  /** Weight decay added to the normalised gradient (`update` needs `params`). Default 0. */
  weightDecay?: number;
}

/**
 * NovoGrad's rescaling (optax `scale_by_novograd`, Ginsburg et al. 2019), per params leaf:
 * `nu = |g|²` at the first step, then `(1-b2) |g|² + b2 nu`; `a = g / (sqrt(nu + epsRoot) + eps)
 * + weightDecay * params`; `mu = a` at the first step, then `b1 mu + a`; the update is `mu`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleByNovograd(), hk.optim.scale(-1e-2));
 * ```
 */
export function scaleByNovograd({
  b1 = 0.9,
  b2 = 0.25,
  eps = 1e-8,
  epsRoot = 0,
  weightDecay = 0,
}: NovogradOptions = {}): GradientTransformation<ScaleByNovogradState> {
  const where = "hk.optim.scaleByNovograd";
  for (const [k, v] of Object.entries({ b1, b2, eps, epsRoot, weightDecay })) checkNumber(where, k, v);
  const consts = (): tf.Tensor[] => [
    constant(b1),
    constant(b2),
    constant(1 - b2),
    constant(eps),
    constant(epsRoot),
    constant(weightDecay),
  ];
  return {
    init: (params) => {
      consts();
      const mu = zerosTree(where, params);
      return { count: 0, mu, nu: tree.map((p: tf.Tensor) => tf.scalar(0, p.dtype), params) };
    },
    update<U>(updates: U, state: ScaleByNovogradState, params?: unknown): [U, ScaleByNovogradState] {
      checkState(where, state, ["count", "mu", "nu"]);
      if (weightDecay !== 0) requireParams(where, params);
      const [cb1, cb2, c1b2, ceps, cepsRoot, cwd] = consts() as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      const count = safeIncrement(state.count);
      const first = count === 1;
      const p = params ?? updates;
      return tidy(() => {
        const [mu, nu, out] = mapMulti(
          where,
          ["updates", "state.mu", "state.nu", "params"],
          3,
          (g, m0, n0, w) => {
            // jnp.linalg.norm(g) ** 2: the square root, then the square, as optax rounds it.
            const sq = tf.square(tf.sqrt(tf.sum(tf.square(g))));
            const n = first ? sq : tf.add(tf.mul(c1b2, sq), tf.mul(cb2, n0));
            let a = tf.div(g, tf.add(tf.sqrt(tf.add(n, cepsRoot)), ceps));
            if (weightDecay !== 0) a = tf.add(a, tf.mul(cwd, w));
            const m = first ? a : tf.add(tf.mul(cb1, m0), a);
            return [m, n, tf.reshape(m, m.shape)];
          },
          updates,
          state.mu,
          state.nu,
          p,
        );
        return [out as U, { count, mu, nu }];
      });
    },
  };
}

/**
 * NovoGrad (optax `novograd`): `chain(scaleByNovograd(opts), scaleByLearningRate(lr))`, with
 * optax's alias defaults (eps 1e-6).
 *
 * @example
 * ```ts
 * const opt = hk.optim.novograd(1e-2, { weightDecay: 1e-3 });
 * ```
 */
export function novograd(
  learningRate: ScalarOrSchedule,
  { eps = 1e-6, ...opts }: NovogradOptions = {},
): GradientTransformation<unknown[]> {
  return chain(scaleByNovograd({ eps, ...opts }), scaleByLearningRate(learningRate));
}
