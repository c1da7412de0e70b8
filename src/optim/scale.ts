// optax/_src/transform.py: scale, scale_by_schedule, scale_by_learning_rate.
import * as tf from "@tensorflow/tfjs-core";

import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { constant } from "./scalars.js";
import { tidy } from "./tree_init.js";
import type { EmptyState, GradientTransformation, ScalarOrSchedule, Schedule } from "./types.js";
import { checkNumber, checkState, mapN, safeIncrement } from "./util.js";

/** Multiplies updates by a fixed `stepSize` (optax `scale`, optax/_src/transform.py); state `{}`. */
export function scale(stepSize: number): GradientTransformation<EmptyState> {
  checkNumber("hk.optim.scale", "stepSize", stepSize);
  return {
    init: () => {
      constant(stepSize);
      return {};
    },
    update: <U>(updates: U, state: EmptyState): [U, EmptyState] => {
      const s = constant(stepSize);
      return [tidy(() => mapN("hk.optim.scale", ["updates"], (g) => tf.mul(s, g), updates)) as U, state];
    },
  };
}

/** State of {@link scaleBySchedule}: the number of updates so far. */
export interface ScaleByScheduleState {
  /** Updates applied so far (optax keeps an int32 scalar; here a plain number). */
  count: number;
}

/**
 * Multiplies updates by `stepSizeFn(count)`, then increments count (optax `scale_by_schedule`,
 * optax/_src/transform.py: the schedule sees the count *before* the increment, 0 first).
 */
export function scaleBySchedule(stepSizeFn: Schedule): GradientTransformation<ScaleByScheduleState> {
  const where = "hk.optim.scaleBySchedule";
  if (typeof stepSizeFn !== "function") {
    throw new InvalidArgumentError(
      where,
      `\`stepSizeFn\` (optax's \`step_size_fn\`) must be a schedule (count) => number, got ${describe(stepSizeFn)}`,
      "pass a function of the step count, e.g. hk.optim.constantSchedule(1e-3).",
    );
  }
  return {
    init: () => ({ count: 0 }),
    update<U>(updates: U, state: ScaleByScheduleState): [U, ScaleByScheduleState] {
      checkState(where, state, ["count"]);
      const step = stepSizeFn(state.count);
      checkNumber(where, `the schedule's value at count ${state.count}`, step);
      const out = tidy(() => {
        const s = tf.scalar(step, "float32");
        return mapN(where, ["updates"], (g) => tf.mul(s, g), updates);
      });
      return [out as U, { count: safeIncrement(state.count) }];
    },
  };
}

/**
 * Scales by `-learningRate` (or `+` with `flipSign: false`), a number or a schedule (optax
 * `scale_by_learning_rate`, optax/_src/transform.py).
 */
export function scaleByLearningRate(
  learningRate: ScalarOrSchedule,
  { flipSign = true }: { flipSign?: boolean } = {},
): GradientTransformation<EmptyState> | GradientTransformation<ScaleByScheduleState> {
  checkNumber("hk.optim.scaleByLearningRate", "learningRate", learningRate, { schedule: true });
  const m = flipSign ? -1 : 1;
  if (typeof learningRate === "function") return scaleBySchedule((count) => m * learningRate(count));
  return scale(m * learningRate);
}
