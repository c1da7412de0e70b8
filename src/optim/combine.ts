import * as tf from "@tensorflow/tfjs-core";
import { freeze } from "immer";

import * as tree from "../tree/index.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
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

/** The state of a {@link chain}: its members' states, in order, each with its own type. */
export type ChainState<Ts extends readonly AnyTransformation[]> = {
  -readonly [K in keyof Ts]: Ts[K] extends GradientTransformation<infer S> ? S : never;
};

/**
 * A transformation with any state type, as a {@link chain} member. (`GradientTransformation<unknown>`
 * would reject most: the state is also an input of `update`, so the type parameter is invariant.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTransformation = GradientTransformation<any>;

/**
 * Applies transformations in sequence (optax's `chain`); the state is the array of their states,
 * typed member by member (`chain(clipByGlobalNorm(1), scaleByAdam())` has the state
 * `[ClipByGlobalNormState, ScaleByAdamState]`).
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.clipByGlobalNorm(1), hk.optim.scaleByAdam(), hk.optim.scaleByLearningRate(1e-3));
 * ```
 */
export function chain<const Ts extends readonly AnyTransformation[]>(
  ...transforms: Ts
): GradientTransformation<ChainState<Ts>> {
  transforms.forEach((t, i) => {
    if (t === null || typeof t !== "object" || typeof t.init !== "function" || typeof t.update !== "function") {
      throw new InvalidArgumentError(
        "hk.optim.chain",
        `\`transforms[${i}]\` must be a GradientTransformation ({init, update}), got ${describe(t)}`,
        "call optimizer factories before chaining them (hk.optim.scaleByAdam(), not hk.optim.scaleByAdam).",
      );
    }
  });
  return {
    init: (params) => transforms.map((t) => t.init(params)) as ChainState<Ts>,
    update<U>(updates: U, state: ChainState<Ts>, params?: unknown): [U, ChainState<Ts>] {
      if (!Array.isArray(state) || state.length !== transforms.length) {
        throw new ShapeError(
          "hk.optim.chain",
          `\`state\` must be the state from this chain's init/update (an array of ${transforms.length} states), got ${describe(state)}`,
          "pass the state that this chain's init(params) or previous update returned.",
        );
      }
      return tf.tidy(() => {
        let u: unknown = updates;
        const next = new Array<unknown>(transforms.length);
        for (let i = 0; i < transforms.length; i++) {
          const [nu, ns] = (transforms[i] as GradientTransformation<unknown>).update(
            u,
            (state as unknown[])[i],
            params,
          );
          u = nu;
          next[i] = ns;
        }
        return [u, next] as unknown as tf.TensorContainer;
      }) as unknown as [U, ChainState<Ts>];
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
  const out = tf.tidy(
    () =>
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
