// Schedules of optax/schedules/_schedule.py and _join.py. They run on the host in float64 (the
// count is a plain number); the value is rounded to float32 when it scales a tensor, where
// optax computes in float32 under jit, so results agree to float32 rounding.
import type { Schedule } from "./types.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { checkNumber } from "./util.js";

/** Always `value` (optax `constant_schedule`). */
export function constantSchedule(value: number): Schedule {
  checkNumber("hk.optim.constantSchedule", "value", value);
  return () => value;
}

/**
 * `(init - end) * (1 - t / transitionSteps) ** power + end` with
 * `t = clip(count - transitionBegin, 0, transitionSteps)` (optax `polynomial_schedule`);
 * `transitionSteps <= 0` gives the constant `initValue`, a negative `transitionBegin` counts as 0.
 */
export function polynomialSchedule(
  initValue: number,
  endValue: number,
  power: number,
  transitionSteps: number,
  { transitionBegin = 0 }: { transitionBegin?: number } = {},
): Schedule {
  const where = "hk.optim.polynomialSchedule";
  checkNumber(where, "initValue", initValue);
  checkNumber(where, "endValue", endValue);
  checkNumber(where, "power", power);
  checkNumber(where, "transitionSteps", transitionSteps);
  if (transitionSteps <= 0) return () => initValue;
  const begin = Math.max(0, transitionBegin);
  return (count) => {
    const t = Math.min(Math.max(count - begin, 0), transitionSteps);
    const frac = 1 - t / transitionSteps;
    return (initValue - endValue) * frac ** power + endValue;
  };
}

/** Linear from `initValue` to `endValue` over `transitionSteps` (optax `linear_schedule`). */
export function linearSchedule(
  initValue: number,
  endValue: number,
  transitionSteps: number,
  opts: { transitionBegin?: number } = {},
): Schedule {
  return polynomialSchedule(initValue, endValue, 1, transitionSteps, opts);
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** Steps before decay starts (the value stays `initValue`). Default 0. */
  transitionBegin?: number;
  /** Decay in whole `transitionSteps` stages (floor the exponent). Default false. */
  staircase?: boolean;
  /** Bound the value: a floor when `decayRate < 1`, a ceiling otherwise. */
  endValue?: number;
}

/**
 * `initValue * decayRate ** ((count - transitionBegin) / transitionSteps)` (optax
 * `exponential_decay`); `initValue` until `transitionBegin`; `transitionSteps <= 0` or
 * `decayRate == 0` give the constant `initValue`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.adam(hk.optim.exponentialDecay(1e-3, 1000, 0.5));
 * ```
 */
export function exponentialDecay(
  initValue: number,
  transitionSteps: number,
  decayRate: number,
  { transitionBegin = 0, staircase = false, endValue }: ExponentialDecayOptions = {},
): Schedule {
  const where = "hk.optim.exponentialDecay";
  checkNumber(where, "initValue", initValue);
  checkNumber(where, "transitionSteps", transitionSteps);
  checkNumber(where, "decayRate", decayRate);
  if (endValue !== undefined) checkNumber(where, "endValue", endValue);
  if (transitionSteps <= 0 || decayRate === 0) return () => initValue;
  const begin = Math.max(0, transitionBegin);
  return (count) => {
    const decreased = count - begin;
    let p = decreased / transitionSteps;
    if (staircase) p = Math.floor(p);
    let v = decreased <= 0 ? initValue : initValue * decayRate ** p;
    if (endValue !== undefined) v = decayRate < 1 ? Math.max(v, endValue) : Math.min(v, endValue);
    return v;
  };
}

/**
 * `initValue * ((1 - alpha) * (0.5 (1 + cos(pi * min(count, decaySteps) / decaySteps))) ** exponent + alpha)`
 * (optax `cosine_decay_schedule`); `decaySteps` must be positive.
 */
export function cosineDecay(
  initValue: number,
  decaySteps: number,
  { alpha = 0, exponent = 1 }: { alpha?: number; exponent?: number } = {},
): Schedule {
  const where = "hk.optim.cosineDecay";
  checkNumber(where, "initValue", initValue);
  checkNumber(where, "alpha", alpha);
  checkNumber(where, "exponent", exponent);
  if (!(decaySteps > 0)) {
    throw new InvalidArgumentError(where, `\`decaySteps\` (optax's \`decay_steps\`) must be positive, got ${describe(decaySteps)}`, "pass the number of steps to decay over, e.g. 1000.");
  }
  return (count) => {
    const c = Math.min(count, decaySteps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * c) / decaySteps));
    return initValue * ((1 - alpha) * cosine ** exponent + alpha);
  };
}

/**
 * Uses `schedules[i]` from `boundaries[i-1]` on, each called with the count minus its boundary
 * (optax `join_schedules`).
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (schedules.length !== boundaries.length + 1) {
    throw new InvalidArgumentError(
      "hk.optim.joinSchedules",
      `\`schedules\` must hold one more schedule than \`boundaries\`, got ${schedules.length} schedules and ${boundaries.length} boundaries`,
      "pass n schedules and the n - 1 step counts where each next one starts.",
    );
  }
  return (count) => {
    let out = (schedules[0] as Schedule)(count);
    for (let i = 0; i < boundaries.length; i++) {
      const b = boundaries[i] as number;
      if (count >= b) out = (schedules[i + 1] as Schedule)(count - b);
    }
    return out;
  };
}

/**
 * Linear warm-up from `initValue` to `peakValue` over `warmupSteps`, then cosine decay to
 * `endValue` at `decaySteps` (counted from 0, warm-up included) (optax
 * `warmup_cosine_decay_schedule`). `decaySteps` must exceed `warmupSteps`.
 *
 * @example
 * ```ts
 * const lr = hk.optim.warmupCosineDecay(0, 1e-3, 100, 10_000, { endValue: 1e-5 });
 * ```
 */
export function warmupCosineDecay(
  initValue: number,
  peakValue: number,
  warmupSteps: number,
  decaySteps: number,
  { endValue = 0, exponent = 1 }: { endValue?: number; exponent?: number } = {},
): Schedule {
  const where = "hk.optim.warmupCosineDecay";
  checkNumber(where, "peakValue", peakValue);
  checkNumber(where, "endValue", endValue);
  const alpha = peakValue === 0 ? 0 : endValue / peakValue;
  if (!(decaySteps - warmupSteps > 0)) {
    throw new InvalidArgumentError(
      where,
      `\`decaySteps\` (optax's \`decay_steps\`, ${describe(decaySteps)}) must be greater than \`warmupSteps\` (optax's \`warmup_steps\`, ${describe(warmupSteps)})`,
      "count decaySteps from step 0, warm-up included.",
    );
  }
  return joinSchedules(
    [linearSchedule(initValue, peakValue, warmupSteps), cosineDecay(peakValue, decaySteps - warmupSteps, { alpha, exponent })],
    [warmupSteps],
  );
}
