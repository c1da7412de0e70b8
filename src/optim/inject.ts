// optax/schedules/_inject.py inject_hyperparams.
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import type { GradientTransformation } from "./types.js";
import { checkState, safeIncrement } from "./util.js";

/** State of {@link injectHyperparams} (optax `InjectStatefulHyperparamsState`). */
export interface InjectHyperparamsState<S> {
  /** Updates so far (the count the schedules see). */
  count: number;
  /**
   * The numeric hyper-parameters used by the last update (a schedule's value at the count it
   * was called with). Replace a value between steps to change it: `{...state, hyperparams:
   * {...state.hyperparams, learningRate: 1e-4}}`.
   */
  hyperparams: Record<string, number>;
  /** The inner optimizer's state. */
  innerState: S;
}

/** Options of {@link injectHyperparams}. */
export interface InjectHyperparamsOptions {
  /**
   * Names of hyper-parameters passed as they are, never treated as numbers or schedules (e.g. a
   * mask function), as optax's `static_args`. Booleans are always static.
   */
  staticArgs?: readonly string[];
}

/**
 * Makes an optimizer's hyper-parameters part of its state (optax `inject_hyperparams`), so they
 * can be read and changed between steps: `factory(hyperparams)` builds the optimizer, and
 * every `update` rebuilds it from `state.hyperparams`. Numbers go into the state; functions are
 * schedules of the update count, evaluated each step (their value is shown in the state);
 * booleans, objects and `staticArgs` are passed through unchanged. The inner state keeps its
 * layout, so optimizer statistics survive a change of learning rate.
 *
 * @example
 * ```ts
 * const opt = hk.optim.injectHyperparams((h) => hk.optim.adam(h.learningRate, { b1: h.b1 }), { learningRate: 1e-3, b1: 0.9 });
 * let state = opt.init(params);
 * // later: lower the learning rate without losing Adam's moments
 * state = { ...state, hyperparams: { ...state.hyperparams, learningRate: 1e-4 } };
 * ```
 */
export function injectHyperparams<H extends Record<string, unknown>, S>(
  factory: (hyperparams: H) => GradientTransformation<S>,
  hyperparams: H,
  { staticArgs = [] }: InjectHyperparamsOptions = {},
): GradientTransformation<InjectHyperparamsState<S>> {
  const where = "hk.optim.injectHyperparams";
  if (typeof factory !== "function") {
    throw new InvalidArgumentError(
      where,
      `\`factory\` must be a function (hyperparams) => optimizer, got ${describe(factory)}`,
      "pass e.g. (h) => hk.optim.adam(h.learningRate).",
    );
  }
  if (hyperparams === null || typeof hyperparams !== "object" || Array.isArray(hyperparams)) {
    throw new InvalidArgumentError(
      where,
      `\`hyperparams\` must be an object of named values, got ${describe(hyperparams)}`,
      "pass e.g. { learningRate: 1e-3 }.",
    );
  }
  const statics: Record<string, unknown> = {};
  const numeric: Record<string, number> = {};
  const schedules: Record<string, (count: number) => number> = {};
  for (const [name, value] of Object.entries(hyperparams)) {
    if (staticArgs.includes(name) || typeof value === "boolean") statics[name] = value;
    else if (typeof value === "function") schedules[name] = value as (count: number) => number;
    else if (typeof value === "number") numeric[name] = value;
    else statics[name] = value;
  }
  const values = (current: Record<string, number>, count: number): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const name of Object.keys(numeric)) {
      const v = Object.hasOwn(current, name) ? current[name] : undefined;
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new InvalidArgumentError(
          where,
          `\`state.hyperparams.${name}\` must be a finite number, got ${describe(v)}`,
          "set hyper-parameters in the state to finite numbers.",
        );
      }
      out[name] = v;
    }
    for (const [name, s] of Object.entries(schedules)) {
      const v = s(count);
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new InvalidArgumentError(
          where,
          `the schedule \`${name}\` gave ${describe(v)} at count ${count}`,
          "make the schedule return finite numbers.",
        );
      }
      out[name] = v;
    }
    return out;
  };
  const build = (hp: Record<string, number>) => factory({ ...statics, ...hp } as H);
  return {
    init(params) {
      const hp = values(numeric, 0);
      return { count: 0, hyperparams: hp, innerState: build(hp).init(params) };
    },
    update<U>(updates: U, state: InjectHyperparamsState<S>, params?: unknown): [U, InjectHyperparamsState<S>] {
      checkState(where, state, ["count", "hyperparams", "innerState"]);
      const hp = values(state.hyperparams, state.count);
      const [out, innerState] = build(hp).update(updates, state.innerState, params);
      return [out, { count: safeIncrement(state.count), hyperparams: hp, innerState }];
    },
  };
}
