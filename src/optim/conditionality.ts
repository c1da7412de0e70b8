// optax/transforms/_conditionality.py apply_if_finite and optax/transforms/_constraining.py
// zero_nans.
import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { copyTree } from "./copy.js";
import { tidy } from "./tree_init.js";
import type { GradientTransformation } from "./types.js";
import { checkState, mapMulti, mapN, safeIncrement } from "./util.js";

/** State of {@link applyIfFinite} (optax `ApplyIfFiniteState`). */
export interface ApplyIfFiniteState<S> {
  /** Non-finite updates in a row (0 after a finite one). */
  notfiniteCount: number;
  /** Whether the last updates were all finite. */
  lastFinite: boolean;
  /** Non-finite updates in total. */
  totalNotfinite: number;
  /** The inner optimizer's state (unchanged by a rejected update). */
  innerState: S;
}

/**
 * Skips updates that contain a NaN or an infinity (optax `apply_if_finite`): such a step
 * returns zero updates and leaves the inner state unchanged, unless more than
 * `maxConsecutiveErrors` came in a row, then it is applied anyway. The check reads one boolean
 * back from the device per step (the counters are host numbers).
 *
 * @example
 * ```ts
 * const opt = hk.optim.applyIfFinite(hk.optim.adam(1e-3), 5);
 * ```
 */
export function applyIfFinite<S>(
  inner: GradientTransformation<S>,
  maxConsecutiveErrors: number,
): GradientTransformation<ApplyIfFiniteState<S>> {
  const where = "hk.optim.applyIfFinite";
  if (typeof maxConsecutiveErrors !== "number" || !Number.isInteger(maxConsecutiveErrors) || maxConsecutiveErrors < 0) {
    throw new InvalidArgumentError(
      where,
      `\`maxConsecutiveErrors\` must be an integer >= 0, got ${describe(maxConsecutiveErrors)}`,
      "pass e.g. 5.",
    );
  }
  return {
    init: (params) => ({ notfiniteCount: 0, lastFinite: true, totalNotfinite: 0, innerState: inner.init(params) }),
    update<U>(updates: U, state: ApplyIfFiniteState<S>, params?: unknown): [U, ApplyIfFiniteState<S>] {
      checkState(where, state, ["notfiniteCount", "lastFinite", "totalNotfinite", "innerState"]);
      const flags = tf.tidy(() => {
        const all = tree.tensors(updates).map((u) => tf.all(tf.isFinite(u)));
        return all.length === 0 ? tf.scalar(true, "bool") : tf.all(tf.stack(all));
      });
      const finite = flags.dataSync()[0] === 1;
      flags.dispose();
      const notfiniteCount = finite ? 0 : safeIncrement(state.notfiniteCount);
      const totalNotfinite = finite ? state.totalNotfinite : safeIncrement(state.totalNotfinite);
      if (finite || notfiniteCount > maxConsecutiveErrors) {
        const [out, innerState] = inner.update(updates, state.innerState, params);
        return [out, { notfiniteCount, lastFinite: finite, totalNotfinite, innerState }];
      }
      const zeros = tidy(() => mapN(where, ["updates"], (u) => tf.zerosLike(u), updates));
      return [
        zeros as U,
        { notfiniteCount, lastFinite: finite, totalNotfinite, innerState: copyTree(state.innerState) },
      ];
    },
  };
}

/** State of {@link zeroNans} (optax `ZeroNansState`). */
export interface ZeroNansState {
  /** Per leaf, a boolean scalar tensor: whether the last updates had a NaN there. */
  foundNan: unknown;
}

/**
 * Replaces NaNs in the updates by zeros (optax `zero_nans`); the state records, per leaf,
 * whether the last update had one. On the device, no readback.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.zeroNans(), hk.optim.adam(1e-3));
 * ```
 */
export function zeroNans(): GradientTransformation<ZeroNansState> {
  const where = "hk.optim.zeroNans";
  return {
    init: (params) => ({ foundNan: tree.map((_p: tf.Tensor) => tf.scalar(false, "bool"), params) }),
    update<U>(updates: U, state: ZeroNansState): [U, ZeroNansState] {
      checkState(where, state, ["foundNan"]);
      return tidy(() => {
        const [out, foundNan] = mapMulti(
          where,
          ["updates"],
          2,
          (u) => {
            const nan = tf.isNaN(u);
            return [tf.where(nan, tf.zerosLike(u), u), tf.any(nan)];
          },
          updates,
        );
        return [out as U, { foundNan }];
      });
    },
  };
}
