import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { identity } from "./combine.js";
import { constant, own } from "./scalars.js";
import type { EmptyState, GradientTransformation, ScalarOrSchedule, Schedule } from "./types.js";
import { biasCorrection, checkFloatTree, checkNumber, checkState, mapMulti, mapN, safeIncrement } from "./util.js";

// Each rule below follows the optax source file named in its doc comment (optax at
// google-deepmind/optax, 2026). Hyper-parameters are float32 constants computed in float64 first,
// as JAX does with Python floats (weak types); step counts are plain numbers.

type T = tf.Tensor;

function zerosTree(where: string, params: unknown): unknown {
  checkFloatTree(where, params);
  return tree.map((p: T) => tf.zerosLike(p), params);
}

function fullTree(where: string, params: unknown, value: number): unknown {
  checkFloatTree(where, params);
  return tree.map((p: T) => tf.fill(p.shape, value, "float32"), params);
}

/** Runs an update body under `tf.tidy` (all intermediates freed, results kept). */
function tidy<R>(fn: () => R): R {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as R;
}

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
    throw new Error(`${where}: expected a schedule (count) => number, got ${typeof stepSizeFn}.`);
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

/** State of {@link trace}. */
export interface TraceState {
  /** The momentum accumulator, shaped like params. */
  trace: unknown;
}

/**
 * Momentum: `trace = g + decay * trace`; updates are the trace, or `g + decay * trace` with
 * Nesterov (optax `trace`, optax/transforms/_accumulation.py).
 */
export function trace(decay: number, { nesterov = false }: { nesterov?: boolean } = {}): GradientTransformation<TraceState> {
  const where = "hk.optim.trace";
  checkNumber(where, "decay", decay);
  return {
    init: (params) => {
      constant(decay);
      return { trace: zerosTree(where, params) };
    },
    update<U>(updates: U, state: TraceState): [U, TraceState] {
      checkState(where, state, ["trace"]);
      const d = constant(decay);
      return tidy(() => {
        const [newTrace, out] = mapMulti(where, ["updates", "state.trace"], 2, (g, t0) => {
          const t = tf.add(g, tf.mul(d, t0));
          return [t, nesterov ? tf.add(g, tf.mul(d, t)) : own(t)];
        }, updates, state.trace);
        return [out as U, { trace: newTrace }];
      });
    },
  };
}

/** State of {@link scaleByAdam} (optax `ScaleByAdamState`). */
export interface ScaleByAdamState {
  /** Updates applied so far (a plain number; optax: int32 scalar). */
  count: number;
  /** First moment, shaped like params. */
  mu: unknown;
  /** Second moment, shaped like params. */
  nu: unknown;
}

/** Options of {@link scaleByAdam} (optax's defaults). */
export interface AdamOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Decay of the second moment. Default 0.999. */
  b2?: number;
  /** Added to the denominator outside the square root. Default 1e-8. */
  eps?: number;
  /** Added to the second moment inside the square root. Default 0. */
  epsRoot?: number;
  /** Nesterov momentum (NAdam, Dozat 2016). Default false. */
  nesterov?: boolean;
}

/**
 * Adam's rescaling (optax `scale_by_adam`, optax/_src/transform.py):
 * `mu = (1-b1) g + b1 mu`, `nu = (1-b2) g² + b2 nu`, `count += 1`,
 * `mu_hat = mu / (1 - b1^count)`, `nu_hat = nu / (1 - b2^count)`,
 * `update = mu_hat / (sqrt(nu_hat + epsRoot) + eps)`. With `nesterov`,
 * `mu_hat = b1 mu / (1 - b1^(count+1)) + (1-b1) g / (1 - b1^count)`.
 */
export function scaleByAdam({
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-8,
  epsRoot = 0,
  nesterov = false,
}: AdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const where = "hk.optim.scaleByAdam";
  checkNumber(where, "b1", b1);
  checkNumber(where, "b2", b2);
  checkNumber(where, "eps", eps);
  checkNumber(where, "epsRoot", epsRoot);
  const consts = (): T[] => [constant(b1), constant(1 - b1), constant(b2), constant(1 - b2), constant(eps), constant(epsRoot)];
  return {
    init: (params) => {
      consts();
      return { count: 0, mu: zerosTree(where, params), nu: zerosTree(where, params) };
    },
    update<U>(updates: U, state: ScaleByAdamState): [U, ScaleByAdamState] {
      checkState(where, state, ["count", "mu", "nu"]);
      const [cb1, c1b1, cb2, c1b2, ceps, cepsRoot] = consts() as [T, T, T, T, T, T];
      const count = safeIncrement(state.count);
      return tidy(() => {
        const bc1 = tf.scalar(biasCorrection(b1, count));
        const bc2 = tf.scalar(biasCorrection(b2, count));
        const bc1Next = nesterov ? tf.scalar(biasCorrection(b1, safeIncrement(count))) : bc1;
        const [mu, nu, out] = mapMulti(
          where,
          ["updates", "state.mu", "state.nu"],
          3,
          (g, m0, v0) => {
            const m = tf.add(tf.mul(c1b1, g), tf.mul(cb1, m0));
            const v = tf.add(tf.mul(c1b2, tf.square(g)), tf.mul(cb2, v0));
            const mHat = nesterov ? tf.add(tf.mul(cb1, tf.div(m, bc1Next)), tf.mul(c1b1, tf.div(g, bc1))) : tf.div(m, bc1);
            const vHat = tf.div(v, bc2);
            // x + 0 is exact, so the default epsRoot = 0 skips a kernel without changing a bit.
            const u = tf.div(mHat, tf.add(tf.sqrt(epsRoot === 0 ? vHat : tf.add(vHat, cepsRoot)), ceps));
            return [m, v, u];
          },
          updates,
          state.mu,
          state.nu,
        );
        return [out as U, { count, mu, nu }];
      });
    },
  };
}

/** State of {@link scaleByRms} (`count` only with `biasCorrection`). */
export interface ScaleByRmsState {
  /** Updates so far; present only with `biasCorrection`. */
  count?: number;
  /** EMA of squared gradients, shaped like params. */
  nu: unknown;
}

/** Options of {@link scaleByRms} / {@link scaleByStddev} (optax's defaults). */
export interface RmsOptions {
  /** EMA decay of the squared gradients. Default 0.9. */
  decay?: number;
  /** Stabilizer. Default 1e-8. */
  eps?: number;
  /** Initial value of the second moment. Default 0. */
  initialScale?: number;
  /** Add eps inside the square root (`rsqrt(nu + eps)`) rather than outside. Default true. */
  epsInSqrt?: boolean;
  /** Debias the moments like Adam. Default false. */
  biasCorrection?: boolean;
}

/**
 * RMSProp's rescaling (optax `scale_by_rms`, optax/_src/transform.py):
 * `nu = (1-decay) g² + decay nu`; update `g * rsqrt(nu_hat + eps)` (or `g / (sqrt(nu_hat) + eps)`
 * with `epsInSqrt: false`).
 */
export function scaleByRms({
  decay = 0.9,
  eps = 1e-8,
  initialScale = 0,
  epsInSqrt = true,
  biasCorrection: debias = false,
}: RmsOptions = {}): GradientTransformation<ScaleByRmsState> {
  const where = "hk.optim.scaleByRms";
  checkNumber(where, "decay", decay);
  checkNumber(where, "eps", eps);
  checkNumber(where, "initialScale", initialScale);
  const consts = (): T[] => [constant(decay), constant(1 - decay), constant(eps)];
  return {
    init: (params) => {
      consts();
      const nu = fullTree(where, params, initialScale);
      return debias ? { count: 0, nu } : { nu };
    },
    update<U>(updates: U, state: ScaleByRmsState): [U, ScaleByRmsState] {
      checkState(where, state, debias ? ["count", "nu"] : ["nu"]);
      const [cd, c1d, ceps] = consts() as [T, T, T];
      const count = debias ? safeIncrement(state.count ?? 0) : 0;
      return tidy(() => {
        const bc = debias ? tf.scalar(biasCorrection(decay, count)) : null;
        const [nu, out] = mapMulti(
          where,
          ["updates", "state.nu"],
          2,
          (g, v0) => {
            const v = tf.add(tf.mul(c1d, tf.square(g)), tf.mul(cd, v0));
            const vHat = bc === null ? v : tf.div(v, bc);
            const scaling = epsInSqrt ? tf.rsqrt(tf.add(vHat, ceps)) : tf.reciprocal(tf.add(tf.sqrt(vHat), ceps));
            return [v, tf.mul(scaling, g)];
          },
          updates,
          state.nu,
        );
        return [out as U, debias ? { count, nu } : { nu }];
      });
    },
  };
}

/** State of {@link scaleByStddev} (`count` only with `biasCorrection`). */
export interface ScaleByStddevState {
  /** Updates so far; present only with `biasCorrection`. */
  count?: number;
  /** EMA of gradients. */
  mu: unknown;
  /** EMA of squared gradients. */
  nu: unknown;
}

/**
 * Centered RMSProp's rescaling (optax `scale_by_stddev`, optax/_src/transform.py):
 * `mu = (1-decay) g + decay mu`, `nu = (1-decay) g² + decay nu`,
 * update `g * rsqrt(nu_hat - mu_hat² + eps)`.
 */
export function scaleByStddev({
  decay = 0.9,
  eps = 1e-8,
  initialScale = 0,
  epsInSqrt = true,
  biasCorrection: debias = false,
}: RmsOptions = {}): GradientTransformation<ScaleByStddevState> {
  const where = "hk.optim.scaleByStddev";
  checkNumber(where, "decay", decay);
  checkNumber(where, "eps", eps);
  checkNumber(where, "initialScale", initialScale);
  const consts = (): T[] => [constant(decay), constant(1 - decay), constant(eps)];
  return {
    init: (params) => {
      consts();
      const mu = zerosTree(where, params);
      const nu = fullTree(where, params, initialScale);
      return debias ? { count: 0, mu, nu } : { mu, nu };
    },
    update<U>(updates: U, state: ScaleByStddevState): [U, ScaleByStddevState] {
      checkState(where, state, debias ? ["count", "mu", "nu"] : ["mu", "nu"]);
      const [cd, c1d, ceps] = consts() as [T, T, T];
      const count = debias ? safeIncrement(state.count ?? 0) : 0;
      return tidy(() => {
        const bc = debias ? tf.scalar(biasCorrection(decay, count)) : null;
        const [mu, nu, out] = mapMulti(
          where,
          ["updates", "state.mu", "state.nu"],
          3,
          (g, m0, v0) => {
            const m = tf.add(tf.mul(c1d, g), tf.mul(cd, m0));
            const v = tf.add(tf.mul(c1d, tf.square(g)), tf.mul(cd, v0));
            const mHat = bc === null ? m : tf.div(m, bc);
            const vHat = bc === null ? v : tf.div(v, bc);
            const centered = tf.sub(vHat, tf.square(mHat));
            const scaling = epsInSqrt ? tf.rsqrt(tf.add(centered, ceps)) : tf.reciprocal(tf.add(tf.sqrt(centered), ceps));
            return [m, v, tf.mul(scaling, g)];
          },
          updates,
          state.mu,
          state.nu,
        );
        return [out as U, debias ? { count, mu, nu } : { mu, nu }];
      });
    },
  };
}

/** State of {@link scaleByRss}. */
export interface ScaleByRssState {
  /** Running sum of squared gradients. */
  sumOfSquares: unknown;
}

/**
 * Adagrad's rescaling (optax `scale_by_rss`, optax/_src/transform.py):
 * `s = g² + s`; update `where(s > 0, rsqrt(s + eps), 0) * g`.
 */
export function scaleByRss({
  initialAccumulatorValue = 0.1,
  eps = 1e-7,
}: { initialAccumulatorValue?: number; eps?: number } = {}): GradientTransformation<ScaleByRssState> {
  const where = "hk.optim.scaleByRss";
  checkNumber(where, "initialAccumulatorValue", initialAccumulatorValue, { min: 0 });
  checkNumber(where, "eps", eps);
  return {
    init: (params) => {
      constant(eps);
      return { sumOfSquares: fullTree(where, params, initialAccumulatorValue) };
    },
    update<U>(updates: U, state: ScaleByRssState): [U, ScaleByRssState] {
      checkState(where, state, ["sumOfSquares"]);
      const ceps = constant(eps);
      return tidy(() => {
        const [sumOfSquares, out] = mapMulti(
          where,
          ["updates", "state.sumOfSquares"],
          2,
          (g, s0) => {
            const s = tf.add(tf.square(g), s0);
            const inv = tf.rsqrt(tf.add(s, ceps));
            // With a positive initial accumulator s > 0 always holds, so optax's where() is the
            // identity there and is skipped; with 0 it is needed (g² can underflow to 0).
            const masked = initialAccumulatorValue > 0 ? inv : tf.where(tf.greater(s, 0), inv, tf.zerosLike(inv));
            return [s, tf.mul(masked, g)];
          },
          updates,
          state.sumOfSquares,
        );
        return [out as U, { sumOfSquares }];
      });
    },
  };
}

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
  mask: unknown,
): GradientTransformation<AddDecayedWeightsState> | GradientTransformation<MaskedState<AddDecayedWeightsState>>;
export function addDecayedWeights(
  weightDecay: ScalarOrSchedule = 0,
  mask?: unknown,
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
      if (params === undefined) {
        throw new Error(
          `${where}: this transformation needs the params; call update(grads, state, params) (optax: "You are using a transformation that requires the current value of parameters, but you are not passing \`params\` when calling \`update\`.").`,
        );
      }
      let s: T;
      let next: AddDecayedWeightsState = state;
      if (typeof weightDecay === "function") {
        const count = checkState(where, state, ["count"])["count"] as number;
        const v = weightDecay(count);
        checkNumber(where, `the weight-decay schedule's value at count ${count}`, v);
        next = { count: safeIncrement(count) };
        s = tf.scalar(v);
      } else {
        if (weightDecay === 0) return [identity().update(updates, {})[0], next];
        s = constant(weightDecay);
      }
      return [tidy(() => mapN(where, ["updates", "params"], (g, p) => tf.add(g, tf.mul(s, p)), updates, params)) as U, next];
    },
  };
  return mask === undefined ? inner : masked(inner, mask);
}

/** State of {@link masked} (optax `MaskedState`). */
export interface MaskedState<S> {
  /** The inner transformation's state, over the selected leaves only. */
  inner: S;
}

function expandMask(where: string, mask: unknown, tree0: unknown): unknown {
  const m = typeof mask === "function" ? (mask as (p: unknown) => unknown)(tree0) : mask;
  try {
    return tree.map(
      (flag: unknown, sub: unknown) => {
        if (typeof flag !== "boolean") {
          throw new Error(`${where}: mask leaves must be booleans, got ${typeof flag}.`);
        }
        return tree.map(() => flag, sub);
      },
      m,
      tree0,
    );
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(msg.replace(/^hk\.tree\.map/, `${where} (mask vs params/updates)`));
  }
}

function applyMask(m: unknown, t: unknown): unknown {
  return tree.map((flag: boolean, x: unknown) => (flag ? x : null), m, t);
}

/**
 * Applies `inner` only to the leaves selected by `mask`; the others pass through unchanged
 * (optax `masked`, optax/transforms/_masking.py). Inner state exists only for selected leaves
 * (masked-out leaves are `null`, an empty subtree).
 */
export function masked<S>(inner: GradientTransformation<S>, mask: unknown): GradientTransformation<MaskedState<S>> {
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
        const out = tree.map(
          (flag: boolean, nu: T | null, old: T) => (flag ? nu : own(old)),
          m,
          newMasked,
          updates,
        );
        return [out as U, { inner: innerState }];
      });
    },
  };
}
