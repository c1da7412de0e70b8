// optax/transforms/_accumulation.py MultiSteps: gradient accumulation over k mini-steps.
import * as tf from "@tensorflow/tfjs-core";

import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { copyTree } from "./copy.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation, Schedule } from "./types.js";
import { checkState, mapN, safeIncrement } from "./util.js";

/** State of {@link MultiSteps} (optax `MultiStepsState`, without the skip state). */
export interface MultiStepsState<S> {
  /** Mini-steps accumulated since the last inner update, in `[0, k)`. */
  miniStep: number;
  /** Inner updates applied so far (the count `everyKSchedule` sees). */
  gradientStep: number;
  /** The inner optimizer's state, updated only on the k-th mini-step. */
  innerOptState: S;
  /** The accumulated gradients (their mean with `useGradMean`), shaped like params. */
  accGrads: unknown;
}

/**
 * Gradient accumulation (optax `MultiSteps`): calls the inner optimizer once every `k`
 * mini-steps on the mean (or, with `useGradMean: false`, the sum) of the gradients accumulated
 * since; the other mini-steps return zero updates and leave the inner state unchanged. `k` is a
 * number or a schedule of the inner step count. Training with batch `b` and `k` steps behaves
 * as batch `k b` for optimizers that only see the mean gradient.
 *
 * @example
 * ```ts
 * const opt = new hk.optim.MultiSteps(hk.optim.adam(1e-3), 4); // 4 micro-batches per step
 * let state = opt.init(params);
 * const [updates, next] = opt.update(grads, state, params);
 * if (opt.hasUpdated(next)) console.log("the inner adam stepped");
 * ```
 */
export class MultiSteps<S = unknown> implements GradientTransformation<MultiStepsState<S>> {
  private readonly everyK: Schedule;
  private readonly useGradMean: boolean;

  /**
   * @param innerOpt The inner optimizer (optax `opt`).
   * @param everyKSchedule Mini-steps per inner step: a positive integer, or a schedule of the
   *   inner step count returning one.
   * @param options Options: `useGradMean` (default true) averages the gradients, else sums them.
   */
  constructor(
    readonly innerOpt: GradientTransformation<S>,
    everyKSchedule: number | Schedule,
    options: { useGradMean?: boolean } = {},
  ) {
    const where = "hk.optim.MultiSteps";
    if (
      innerOpt === null ||
      typeof innerOpt !== "object" ||
      typeof innerOpt.init !== "function" ||
      typeof innerOpt.update !== "function"
    ) {
      throw new InvalidArgumentError(
        where,
        `\`innerOpt\` (optax's \`opt\`) must be a GradientTransformation ({init, update}), got ${describe(innerOpt)}`,
        "pass an optimizer such as hk.optim.adam(1e-3).",
      );
    }
    if (typeof everyKSchedule === "number") checkK(where, everyKSchedule);
    else if (typeof everyKSchedule !== "function") {
      throw new InvalidArgumentError(
        where,
        `\`everyKSchedule\` must be a positive integer or a schedule, got ${describe(everyKSchedule)}`,
        "pass e.g. 4.",
      );
    }
    const k = everyKSchedule;
    this.everyK = typeof k === "number" ? () => k : k;
    this.useGradMean = options.useGradMean ?? true;
    this.init = this.init.bind(this);
    this.update = this.update.bind(this);
  }

  /** The initial state: zero accumulators and the inner optimizer's initial state. */
  init(params: unknown): MultiStepsState<S> {
    return {
      miniStep: 0,
      gradientStep: 0,
      innerOptState: this.innerOpt.init(params),
      accGrads: zerosTree("hk.optim.MultiSteps", params),
    };
  }

  /** Accumulates `updates`; on the k-th mini-step applies the inner optimizer, else returns zeros. */
  update<U>(updates: U, state: MultiStepsState<S>, params?: unknown): [U, MultiStepsState<S>] {
    const where = "hk.optim.MultiSteps";
    checkState(where, state, ["miniStep", "gradientStep", "innerOptState", "accGrads"]);
    const k = this.everyK(state.gradientStep);
    checkK(where, k);
    const n = state.miniStep;
    const emit = n === k - 1;
    return tidy(() => {
      const acc = mapN(
        where,
        ["updates", "state.accGrads"],
        (g, a) => (this.useGradMean ? tf.add(a, tf.div(tf.sub(g, a), n + 1)) : tf.add(g, a)),
        updates,
        state.accGrads,
      );
      if (!emit) {
        const zeros = mapN(where, ["updates"], (g) => tf.zerosLike(g), updates);
        const next = {
          miniStep: safeIncrement(n) % k,
          gradientStep: state.gradientStep,
          innerOptState: copyTree(state.innerOptState),
          accGrads: acc,
        };
        return [zeros as U, next];
      }
      const [out, inner] = this.innerOpt.update(acc as U, state.innerOptState, params);
      const next = {
        miniStep: safeIncrement(n) % k,
        gradientStep: safeIncrement(state.gradientStep),
        innerOptState: inner,
        accGrads: mapN(where, ["accGrads"], (a) => tf.zerosLike(a), acc),
      };
      return [out, next];
    });
  }

  /** Whether the update that returned `state` applied the inner optimizer (optax `has_updated`). */
  hasUpdated(state: MultiStepsState<S>): boolean {
    return state.miniStep === 0 && state.gradientStep > 0;
  }

  /** This wrapper as a plain `{init, update}` (optax `gradient_transformation()`). */
  gradientTransformation(): GradientTransformation<MultiStepsState<S>> {
    return { init: this.init, update: this.update };
  }
}

function checkK(where: string, k: unknown): asserts k is number {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1) {
    throw new InvalidArgumentError(
      where,
      `\`everyKSchedule\` must give a positive integer number of mini-steps, got ${describe(k)}`,
      "pass e.g. 4, or a schedule returning integers >= 1.",
    );
  }
}
