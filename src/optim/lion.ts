// optax/_src/transform.py scale_by_lion and optax/_src/alias.py lion.
import * as tf from "@tensorflow/tfjs-core";

import { chain } from "./combine.js";
import { addDecayedWeights, type Mask } from "./masking.js";
import { scaleByLearningRate } from "./scale.js";
import { constant } from "./scalars.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation, ScalarOrSchedule } from "./types.js";
import { checkNumber, checkState, mapMulti, safeIncrement } from "./util.js";

/** State of {@link scaleByLion} (optax `ScaleByLionState`). */
export interface ScaleByLionState {
  /** Updates applied so far. */
  count: number;
  /** The momentum, shaped like params. */
  mu: unknown;
}

/** Options of {@link scaleByLion} (optax's defaults). */
export interface LionOptions {
  /** Interpolation between gradient and momentum for the sign. Default 0.9. */
  b1?: number;
  /** Decay of the momentum. Default 0.99. */
  b2?: number;
}

/**
 * Lion's rescaling (optax `scale_by_lion`, Chen et al. 2023): the update is
 * `sign((1-b1) g + b1 mu)`, then `mu = (1-b2) g + b2 mu`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleByLion({ b1: 0.9 }), hk.optim.scale(-1e-4));
 * ```
 */
export function scaleByLion({ b1 = 0.9, b2 = 0.99 }: LionOptions = {}): GradientTransformation<ScaleByLionState> {
  const where = "hk.optim.scaleByLion";
  checkNumber(where, "b1", b1);
  checkNumber(where, "b2", b2);
  const consts = (): tf.Tensor[] => [constant(b1), constant(1 - b1), constant(b2), constant(1 - b2)];
  return {
    init: (params) => {
      consts();
      return { count: 0, mu: zerosTree(where, params) };
    },
    update<U>(updates: U, state: ScaleByLionState): [U, ScaleByLionState] {
      checkState(where, state, ["count", "mu"]);
      const [cb1, c1b1, cb2, c1b2] = consts() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      return tidy(() => {
        const [out, mu] = mapMulti(
          where,
          ["updates", "state.mu"],
          2,
          (g, m) => [tf.sign(tf.add(tf.mul(c1b1, g), tf.mul(cb1, m))), tf.add(tf.mul(c1b2, g), tf.mul(cb2, m))],
          updates,
          state.mu,
        );
        return [out as U, { count: safeIncrement(state.count), mu }];
      });
    },
  };
}

/** Options of {@link lion}. */
export interface LionAliasOptions extends LionOptions {
  /** Decoupled weight decay (a number or a schedule). Default 1e-3, as optax. */
  weightDecay?: ScalarOrSchedule;
  /** Which params to decay (see {@link masked}). Default: all. */
  mask?: Mask;
}

/**
 * Lion (optax `lion`): `chain(scaleByLion({b1, b2}), addDecayedWeights(weightDecay, mask),
 * scaleByLearningRate(lr))`; `update` needs `params` for the weight decay. Use a learning rate
 * 3-10x smaller than Adam's.
 *
 * @example
 * ```ts
 * const opt = hk.optim.lion(1e-4, { weightDecay: 1e-2 });
 * ```
 */
export function lion(
  learningRate: ScalarOrSchedule,
  { weightDecay = 1e-3, mask, ...opts }: LionAliasOptions = {},
): GradientTransformation<unknown[]> {
  return chain(scaleByLion(opts), addDecayedWeights(weightDecay, mask), scaleByLearningRate(learningRate));
}
