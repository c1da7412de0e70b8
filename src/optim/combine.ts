import * as tf from "@tensorflow/tfjs-core";
import { freeze } from "immer";

import * as tree from "../tree/index.js";
import { own } from "./scalars.js";
import type { EmptyState, GradientTransformation } from "./types.js";
import { mapN } from "./util.js";

/** A transformation that leaves updates unchanged (optax's `identity`); state `{}`. */
export function identity(): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: <U>(updates: U, state: EmptyState): [U, EmptyState] => [
      tf.tidy(() => tree.map((u: tf.Tensor) => own(u), updates) as tf.TensorContainer) as U,
      state,
    ],
  };
}

/**
 * Applies transformations in sequence (optax's `chain`); the state is the array of their states.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.clipByGlobalNorm(1), hk.optim.scaleByAdam(), hk.optim.scaleByLearningRate(1e-3));
 * ```
 */
export function chain(...transforms: GradientTransformation<any>[]): GradientTransformation<unknown[]> {
  transforms.forEach((t, i) => {
    if (t === null || typeof t !== "object" || typeof t.init !== "function" || typeof t.update !== "function") {
      throw new Error(
        `hk.optim.chain: argument ${i} is not a GradientTransformation ({init, update}); got ${t === null ? "null" : typeof t}. Did you pass an optimizer factory without calling it (e.g. hk.optim.scaleByAdam instead of hk.optim.scaleByAdam())?`,
      );
    }
  });
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update<U>(updates: U, state: unknown[], params?: unknown): [U, unknown[]] {
      if (!Array.isArray(state) || state.length !== transforms.length) {
        throw new Error(
          `hk.optim.chain: expected the state from this chain's init/update (an array of ${transforms.length} states), got ${Array.isArray(state) ? `an array of length ${state.length}` : typeof state}.`,
        );
      }
      return tf.tidy(() => {
        let u: unknown = updates;
        const next = new Array<unknown>(transforms.length);
        for (let i = 0; i < transforms.length; i++) {
          const [nu, ns] = (transforms[i] as GradientTransformation<unknown>).update(u, state[i], params);
          u = nu;
          next[i] = ns;
        }
        return [u, next] as unknown as tf.TensorContainer;
      }) as unknown as [U, unknown[]];
    },
  };
}

/**
 * `params + updates`, leaf by leaf (optax's `apply_updates`); `null` updates keep the parameter.
 * Returns a new deep-frozen tree (objects in `params`' key order) that the caller owns; `params` and
 * `updates` stay valid and can be disposed afterwards.
 *
 * @example
 * ```ts
 * const newParams = hk.optim.applyUpdates(params, updates);
 * hk.tree.dispose([params, updates]);
 * ```
 */
export function applyUpdates<P>(params: P, updates: unknown): P {
  const out = tf.tidy(() =>
    mapN(
      "hk.optim.applyUpdates",
      ["params", "updates"],
      (p: tf.Tensor, u: tf.Tensor | null | undefined) => (u === null || u === undefined ? own(p) : tf.add(p, u)),
      params,
      updates,
    ) as tf.TensorContainer,
  );
  // Deep-frozen like the params `init` returns, so the tree can go straight back to `apply`.
  return freeze(out, true) as P;
}
