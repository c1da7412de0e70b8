// optax/_src/lookahead.py lookahead.
import * as tf from "@tensorflow/tfjs-core";

import { isPlainObject } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";
import { copyTree } from "./copy.js";
import { constant } from "./scalars.js";
import { tidy } from "./tree_init.js";
import type { GradientTransformation } from "./types.js";
import { checkNumber, checkState, mapMulti } from "./util.js";
import * as tree from "../tree/index.js";

/** Fast and slow parameters of {@link lookahead} (optax `LookaheadParams`). */
export interface LookaheadParams<P> {
  /** The parameters the fast optimizer steps. */
  fast: P;
  /** The slow parameters, pulled towards the fast ones every `syncPeriod` steps. */
  slow: P;
}

/**
 * Fast and slow parameters that start equal (optax `LookaheadParams.init_synced`); the slow
 * copy shares the data of `params` (a new handle, so each can be disposed alone).
 *
 * @example
 * ```ts
 * let lp = hk.optim.lookaheadParams(params);
 * ```
 */
export function lookaheadParams<P>(params: P): LookaheadParams<P> {
  return { fast: params, slow: copyTree(params) };
}

/** State of {@link lookahead} (optax `LookaheadState`). */
export interface LookaheadState<S> {
  /** The fast optimizer's state. */
  fastState: S;
  /** Steps since the last synchronisation, in `[0, syncPeriod)`. */
  stepsSinceSync: number;
}

/** Options of {@link lookahead}. */
export interface LookaheadOptions {
  /** Fast steps between synchronisations (>= 1). */
  syncPeriod: number;
  /** How far the slow parameters move towards the fast ones at a synchronisation. */
  slowStepSize: number;
  /** Reset the fast optimizer's state at each synchronisation. Default false. */
  resetState?: boolean;
}

/**
 * Lookahead (optax `lookahead`, Zhang et al. 2019): the fast optimizer steps the fast
 * parameters; every `syncPeriod` steps the slow parameters move `slowStepSize` of the way to the
 * fast ones and the fast ones are reset to them. Params and updates are
 * {@link LookaheadParams} `{fast, slow}`; evaluate the model with `params.slow`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.lookahead(hk.optim.adam(1e-3), { syncPeriod: 5, slowStepSize: 0.5 });
 * let lp = hk.optim.lookaheadParams(params);
 * let state = opt.init(lp);
 * const [updates, next] = opt.update(grads, state, lp); // grads of the fast params
 * lp = hk.optim.applyUpdates(lp, updates);
 * ```
 */
export function lookahead<S>(
  fastOptimizer: GradientTransformation<S>,
  { syncPeriod, slowStepSize, resetState = false }: LookaheadOptions,
): GradientTransformation<LookaheadState<S>> {
  const where = "hk.optim.lookahead";
  if (typeof syncPeriod !== "number" || !Number.isInteger(syncPeriod) || syncPeriod < 1) {
    throw new InvalidArgumentError(
      where,
      `\`syncPeriod\` must be an integer >= 1 (synchronization period), got ${describe(syncPeriod)}`,
      "pass e.g. { syncPeriod: 5 }.",
    );
  }
  checkNumber(where, "slowStepSize", slowStepSize);
  const fastOf = (params: unknown): unknown => (isPlainObject(params) && "fast" in params ? params["fast"] : params);
  return {
    init: (params) => {
      constant(slowStepSize);
      constant(1 - slowStepSize);
      return { fastState: fastOptimizer.init(fastOf(params)), stepsSinceSync: 0 };
    },
    update<U>(updates: U, state: LookaheadState<S>, params?: unknown): [U, LookaheadState<S>] {
      checkState(where, state, ["fastState", "stepsSinceSync"]);
      if (!isPlainObject(params) || !("fast" in params) || !("slow" in params)) {
        throw new InvalidArgumentError(
          where,
          `\`params\` must be the lookahead params {fast, slow}, got ${describe(params)}`,
          "pass hk.optim.lookaheadParams(params) to init and update, and apply the updates to it.",
        );
      }
      const sync = state.stepsSinceSync === syncPeriod - 1;
      const cs = constant(slowStepSize);
      const c1s = constant(1 - slowStepSize);
      const [fastUpdates, fastState] = fastOptimizer.update(updates, state.fastState, params["fast"]);
      let outState = fastState;
      if (sync && resetState) {
        tree.dispose(fastState);
        outState = fastOptimizer.init(params["fast"]);
      }
      const out = tidy(() => {
        const [fast, slow] = mapMulti(
          where,
          ["updates", "params.fast", "params.slow"],
          2,
          (u, f, s) => {
            if (!sync) return [tf.reshape(u, u.shape), tf.zerosLike(u)];
            const diff = tf.sub(tf.add(f, u), s);
            return [tf.sub(u, tf.mul(c1s, diff)), tf.mul(cs, diff)];
          },
          fastUpdates,
          params["fast"],
          params["slow"],
        );
        return { fast, slow };
      });
      tree.dispose(fastUpdates);
      return [out as U, { fastState: outState, stepsSinceSync: (state.stepsSinceSync + 1) % syncPeriod }];
    },
  };
}
