// optax/transforms/_masking.py (masked) and optax/transforms/_adding.py (add_decayed_weights).
import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { identity } from "./combine.js";
import type { ScaleByScheduleState } from "./scale.js";
import { constant, own } from "./scalars.js";
import { tidy } from "./tree_init.js";
import type { EmptyState, GradientTransformation, ScalarOrSchedule } from "./types.js";
import { checkNumber, checkState, mapN, requireParams, safeIncrement } from "./util.js";

type T = tf.Tensor;

/** State of {@link addDecayedWeights}: `{}` for a fixed rate, `{count}` for a schedule. */
export type AddDecayedWeightsState = EmptyState | ScaleByScheduleState;

/**
 * Adds `weightDecay * params` to the updates (optax `add_decayed_weights`,
 * optax/transforms/_adding.py); `params` must be passed to `update`. A schedule sees the count
 * before the increment. With `mask`, only the selected leaves are decayed (see {@link masked}).
 */
export function addDecayedWeights(weightDecay?: ScalarOrSchedule): GradientTransformation<AddDecayedWeightsState>;
export function addDecayedWeights(
  weightDecay: ScalarOrSchedule,
  mask: Mask | undefined,
): GradientTransformation<AddDecayedWeightsState> | GradientTransformation<MaskedState<AddDecayedWeightsState>>;
export function addDecayedWeights(
  weightDecay: ScalarOrSchedule = 0,
  mask?: Mask,
): GradientTransformation<AddDecayedWeightsState> | GradientTransformation<MaskedState<AddDecayedWeightsState>> {
  const where = "hk.optim.addDecayedWeights";
  checkNumber(where, "weightDecay", weightDecay, { schedule: true });
  const inner: GradientTransformation<AddDecayedWeightsState> = {
    init: () => {
      if (typeof weightDecay === "function") return { count: 0 };
      constant(weightDecay);
      return {} as EmptyState;
    },
    update<U>(updates: U, state: AddDecayedWeightsState, params?: unknown): [U, AddDecayedWeightsState] {
      requireParams(where, params);
      let rate: number;
      let next: AddDecayedWeightsState = state;
      if (typeof weightDecay === "function") {
        const count = checkState(where, state, ["count"])["count"] as number;
        rate = weightDecay(count);
        checkNumber(where, `the weight-decay schedule's value at count ${count}`, rate);
        next = { count: safeIncrement(count) };
      } else {
        if (weightDecay === 0) return [identity().update(updates, {})[0], next];
        rate = weightDecay;
      }
      // A scheduled rate changes every step: its scalar lives in the tidy, not in the cache.
      const scheduled = typeof weightDecay === "function";
      const out = tidy(() => {
        const s: T = scheduled ? tf.scalar(rate) : constant(rate);
        return mapN(where, ["updates", "params"], (g, p) => tf.add(g, tf.mul(s, p)), updates, params);
      });
      return [out as U, next];
    },
  };
  return mask === undefined ? inner : masked(inner, mask);
}

/**
 * A tree of booleans shaped like the params, or like a prefix of them (`true` selects a leaf or a
 * whole subtree), as optax's masks.
 */
export type MaskTree = boolean | null | readonly MaskTree[] | { readonly [key: string]: MaskTree };

/**
 * Which leaves a masked transformation touches: a {@link MaskTree}, or a function of the params
 * (or updates) returning one.
 */
// `any` lets callers annotate the argument with their own params type (contravariance would
// reject every type but the widest), and lets an unannotated `(p) => ...` typecheck.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Mask = MaskTree | ((params: any) => MaskTree);

/** State of {@link masked} (optax `MaskedState`). */
export interface MaskedState<S> {
  /** The inner transformation's state, over the selected leaves only. */
  inner: S;
}

function expandMask(where: string, mask: Mask, tree0: unknown): unknown {
  const m = typeof mask === "function" ? (mask as (p: unknown) => unknown)(tree0) : mask;
  return tree.mapLabeled(
    where,
    ["`mask`", "the params/updates"],
    (flag: unknown, sub: unknown) => {
      if (typeof flag !== "boolean") {
        throw new InvalidArgumentError(
          where,
          `\`mask\` leaves must be booleans, got ${describe(flag)}`,
          "give every leaf of `mask` the value true (transform it) or false (pass it through).",
        );
      }
      return tree.map(() => flag, sub);
    },
    m,
    tree0,
  );
}

function applyMask(m: unknown, t: unknown): unknown {
  return tree.map((flag: boolean, x: unknown) => (flag ? x : null), m, t);
}

/**
 * Applies `inner` only to the leaves selected by `mask`; the others pass through unchanged
 * (optax `masked`, optax/transforms/_masking.py). Inner state exists only for selected leaves
 * (masked-out leaves are `null`, an empty subtree).
 */
export function masked<S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<MaskedState<S>> {
  const where = "hk.optim.masked";
  return {
    init: (params) => {
      const m = expandMask(where, mask, params);
      return { inner: inner.init(applyMask(m, params)) };
    },
    update<U>(updates: U, state: MaskedState<S>, params?: unknown): [U, MaskedState<S>] {
      checkState(where, state, ["inner"]);
      const m = expandMask(where, mask, updates);
      return tidy(() => {
        const [newMasked, innerState] = inner.update(
          applyMask(m, updates),
          state.inner,
          params === undefined ? undefined : applyMask(m, params),
        );
        const out = tree.map((flag: boolean, nu: T | null, old: T) => (flag ? nu : own(old)), m, newMasked, updates);
        return [out as U, { inner: innerState }];
      });
    },
  };
}
