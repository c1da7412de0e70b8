// optax/_src/transform.py: scale_by_rms, scale_by_stddev, scale_by_rss.
// Hyper-parameters are float32 constants computed in float64 first, as JAX does with Python
// floats (weak types); step counts are plain numbers.
import * as tf from "@tensorflow/tfjs-core";

import { constant } from "./scalars.js";
import { fullTree, tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation } from "./types.js";
import { biasCorrection, checkNumber, checkState, mapMulti, safeIncrement } from "./util.js";

type T = tf.Tensor;

// scaleByRms and scaleByStddev take the same hyper-parameters: checks them and returns the
// kept constants [decay, 1 - decay, eps]; init calls it so they exist before the first update.
function rmsConstants(where: string, decay: number, eps: number, initialScale: number): () => T[] {
  checkNumber(where, "decay", decay);
  checkNumber(where, "eps", eps);
  checkNumber(where, "initialScale", initialScale);
  return () => [constant(decay), constant(1 - decay), constant(eps)];
}

// RMSProp's scaling: rsqrt(x + eps), or 1 / (sqrt(x) + eps) with epsInSqrt false.
function invSqrt(x: T, ceps: T, epsInSqrt: boolean): T {
  return epsInSqrt ? tf.rsqrt(tf.add(x, ceps)) : tf.reciprocal(tf.add(tf.sqrt(x), ceps));
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
  const consts = rmsConstants(where, decay, eps, initialScale);
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
            return [v, tf.mul(invSqrt(vHat, ceps, epsInSqrt), g)];
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
  const consts = rmsConstants(where, decay, eps, initialScale);
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
            return [m, v, tf.mul(invSqrt(centered, ceps, epsInSqrt), g)];
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
