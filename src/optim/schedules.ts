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
    throw new InvalidArgumentError(
      where,
      `\`decaySteps\` (optax's \`decay_steps\`) must be positive, got ${describe(decaySteps)}`,
      "pass the number of steps to decay over, e.g. 1000.",
    );
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
    [
      linearSchedule(initValue, peakValue, warmupSteps),
      cosineDecay(peakValue, decaySteps - warmupSteps, { alpha, exponent }),
    ],
    [warmupSteps],
  );
}

/**
 * `initValue`, multiplied by `scales[b]` once `count >= b` for each boundary `b` (optax
 * `piecewise_constant_schedule`; `boundariesAndScales` maps step -> factor, non-negative).
 *
 * @example
 * ```ts
 * const lr = hk.optim.piecewiseConstantSchedule(0.1, { 1000: 0.1, 2000: 0.1 }); // 0.1, then 0.01, then 0.001
 * ```
 */
export function piecewiseConstantSchedule(
  initValue: number,
  boundariesAndScales: Readonly<Record<number, number>> = {},
): Schedule {
  const where = "hk.optim.piecewiseConstantSchedule";
  checkNumber(where, "initValue", initValue);
  const pairs = boundaryPairs(where, boundariesAndScales);
  return (count) => {
    let v = initValue;
    for (const [b, s] of pairs) if (count >= b) v *= s;
    return v;
  };
}

// The {step: scale} entries sorted by step, checked (integer steps, non-negative finite scales).
function boundaryPairs(where: string, boundariesAndScales: Readonly<Record<number, number>>): [number, number][] {
  if (boundariesAndScales === null || typeof boundariesAndScales !== "object") {
    throw new InvalidArgumentError(
      where,
      `\`boundariesAndScales\` must be an object {step: scale}, got ${describe(boundariesAndScales)}`,
      "pass e.g. { 1000: 0.1 }.",
    );
  }
  const pairs = Object.entries(boundariesAndScales).map(([k, s]): [number, number] => {
    const b = Number(k);
    if (!Number.isInteger(b)) {
      throw new InvalidArgumentError(
        where,
        `boundaries must be integer steps, got the key ${JSON.stringify(k)}`,
        "use step numbers as keys, e.g. { 1000: 0.1 }.",
      );
    }
    if (typeof s !== "number" || !Number.isFinite(s) || s < 0) {
      throw new InvalidArgumentError(
        where,
        `expects non-negative scale factors, got ${describe(s)} at step ${b}`,
        "pass factors >= 0 such as 0.1.",
      );
    }
    return [b, s];
  });
  return pairs.sort((a, b) => a[0] - b[0]);
}

/**
 * Interpolates (`"linear"` or `"cosine"`) between the values `initValue * prod(scales[..i])` at
 * the boundaries (optax `piecewise_interpolate_schedule`).
 *
 * @example
 * ```ts
 * const lr = hk.optim.piecewiseInterpolateSchedule("linear", 1, { 10: 0.5, 20: 0 }); // 1 -> 0.5 -> 0
 * ```
 */
export function piecewiseInterpolateSchedule(
  interpolateType: "linear" | "cosine",
  initValue: number,
  boundariesAndScales: Readonly<Record<number, number>> = {},
): Schedule {
  const where = "hk.optim.piecewiseInterpolateSchedule";
  if (interpolateType !== "linear" && interpolateType !== "cosine") {
    throw new InvalidArgumentError(
      where,
      `\`interpolateType\` must be either 'cosine' or 'linear', got ${describe(interpolateType)}`,
      'pass "linear" or "cosine".',
    );
  }
  checkNumber(where, "initValue", initValue);
  const pairs = boundaryPairs(where, boundariesAndScales);
  const bounds = [0, ...pairs.map((p) => p[0])];
  const values = [initValue];
  for (const [, s] of pairs) values.push((values.at(-1) as number) * s);
  const interp =
    interpolateType === "linear"
      ? (a: number, b: number, pct: number) => a + (b - a) * pct
      : (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1);
  return (count) => {
    // optax sums indicator * interpolation over the intervals [bounds[i], bounds[i+1]), plus the
    // last value from the last boundary on (so both can add up where a boundary is <= 0).
    let v = 0;
    for (let i = 0; i + 1 < bounds.length; i++) {
      const lo = bounds[i] as number;
      const hi = bounds[i + 1] as number;
      if (lo <= count && count < hi)
        v += interp(values[i] as number, values[i + 1] as number, (count - lo) / Math.max(hi - lo, 1));
    }
    if ((bounds.at(-1) as number) <= count) v += values.at(-1) as number;
    return v;
  };
}

/** Options of {@link cosineOnecycleSchedule} (optax's defaults). */
export interface OnecycleOptions {
  /** Fraction of the steps spent increasing. Default 0.3. */
  pctStart?: number;
  /** The initial value is `peakValue / divFactor`. Default 25. */
  divFactor?: number;
  /** The final value is `initial / finalDivFactor`. Default 1e4. */
  finalDivFactor?: number;
}

/**
 * The one-cycle schedule (Smith & Topin 2017) with cosine interpolation (optax
 * `cosine_onecycle_schedule`): from `peakValue / divFactor` up to `peakValue` at
 * `pctStart * transitionSteps`, then down to `peakValue / (divFactor * finalDivFactor)`.
 *
 * @example
 * ```ts
 * const lr = hk.optim.cosineOnecycleSchedule(10_000, 1e-3);
 * ```
 */
export function cosineOnecycleSchedule(
  transitionSteps: number,
  peakValue: number,
  { pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 }: OnecycleOptions = {},
): Schedule {
  const where = "hk.optim.cosineOnecycleSchedule";
  checkNumber(where, "peakValue", peakValue);
  checkNumber(where, "pctStart", pctStart);
  checkNumber(where, "divFactor", divFactor);
  checkNumber(where, "finalDivFactor", finalDivFactor);
  if (typeof transitionSteps !== "number" || !(transitionSteps > 0)) {
    throw new InvalidArgumentError(
      where,
      `a onecycle schedule needs a positive \`transitionSteps\`, got ${describe(transitionSteps)}`,
      "pass the total number of steps.",
    );
  }
  return piecewiseInterpolateSchedule("cosine", peakValue / divFactor, {
    [Math.trunc(pctStart * transitionSteps)]: divFactor,
    [Math.trunc(transitionSteps)]: 1 / (divFactor * finalDivFactor),
  });
}

/** Options of {@link warmupExponentialDecaySchedule}. */
export type WarmupExponentialDecayOptions = ExponentialDecayOptions;

/**
 * Linear warm-up from `initValue` to `peakValue` over `warmupSteps`, then
 * `exponentialDecay(peakValue, transitionSteps, decayRate, opts)` counted from the end of the
 * warm-up (optax `warmup_exponential_decay_schedule`).
 *
 * @example
 * ```ts
 * const lr = hk.optim.warmupExponentialDecaySchedule(0, 1e-3, 100, 1000, 0.5, { endValue: 1e-5 });
 * ```
 */
export function warmupExponentialDecaySchedule(
  initValue: number,
  peakValue: number,
  warmupSteps: number,
  transitionSteps: number,
  decayRate: number,
  opts: WarmupExponentialDecayOptions = {},
): Schedule {
  return joinSchedules(
    [linearSchedule(initValue, peakValue, warmupSteps), exponentialDecay(peakValue, transitionSteps, decayRate, opts)],
    [warmupSteps],
  );
}

/** One cycle of {@link sgdrSchedule}: the arguments of {@link warmupCosineDecay}. */
export interface SgdrCycle {
  /** Value at the start of the warm-up. */
  initValue: number;
  /** Value at the end of the warm-up. */
  peakValue: number;
  /** Warm-up steps. */
  warmupSteps: number;
  /** Length of the cycle, warm-up included. */
  decaySteps: number;
  /** Value at the end of the cycle. Default 0. */
  endValue?: number;
  /** Cosine exponent. Default 1. */
  exponent?: number;
}

/**
 * SGD with warm restarts (Loshchilov & Hutter 2016): one {@link warmupCosineDecay} per cycle,
 * one after the other (optax `sgdr_schedule`).
 *
 * @example
 * ```ts
 * const cycle = { initValue: 0, peakValue: 1e-3, warmupSteps: 10, decaySteps: 100 };
 * const lr = hk.optim.sgdrSchedule([cycle, cycle, cycle]);
 * ```
 */
export function sgdrSchedule(cycles: readonly SgdrCycle[]): Schedule {
  const where = "hk.optim.sgdrSchedule";
  if (!Array.isArray(cycles) || cycles.length === 0) {
    throw new InvalidArgumentError(
      where,
      `\`cycles\` must be a non-empty array of cycle options, got ${describe(cycles)}`,
      "pass e.g. [{ initValue: 0, peakValue: 1e-3, warmupSteps: 10, decaySteps: 100 }].",
    );
  }
  const boundaries: number[] = [];
  let step = 0;
  const schedules = cycles.map((c) => {
    const s = warmupCosineDecay(c.initValue, c.peakValue, c.warmupSteps, c.decaySteps, {
      endValue: c.endValue ?? 0,
      exponent: c.exponent ?? 1,
    });
    step += c.decaySteps;
    boundaries.push(step);
    return s;
  });
  return joinSchedules(schedules, boundaries.slice(0, -1));
}
