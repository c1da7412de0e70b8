// optax/_src/factorized.py scale_by_factored_rms; optax/transforms/_clipping.py
// clip_by_block_rms; optax/_src/transform.py scale_by_param_block_rms and ema;
// optax/_src/alias.py adafactor.
import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { chain } from "./combine.js";
import { addDecayedWeights, type Mask } from "./masking.js";
import { scale, scaleByLearningRate } from "./scale.js";
import { constant, own } from "./scalars.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { AnyTransformation } from "./combine.js";
import type { EmptyState, GradientTransformation, ScalarOrSchedule } from "./types.js";
import { checkFloatTree, checkNumber, checkState, mapMulti, mapN, requireParams, safeIncrement } from "./util.js";

/** State of {@link scaleByFactoredRms} (optax `FactoredState`). */
export interface FactoredState {
  /** Updates applied so far. */
  count: number;
  /** Per leaf: row statistics of a factored leaf, else a `[1]` zero. */
  vRow: unknown;
  /** Per leaf: column statistics of a factored leaf, else a `[1]` zero. */
  vCol: unknown;
  /** Per leaf: the full second moment of an unfactored leaf, else a `[1]` zero. */
  v: unknown;
}

/** Options of {@link scaleByFactoredRms} (optax's defaults). */
export interface FactoredRmsOptions {
  /** Factor the second moment of rank >= 2 leaves. Default true. */
  factored?: boolean;
  /** Exponent of the decay schedule `1 - (step + 1) ** -decayRate`. Default 0.8. */
  decayRate?: number;
  /** Subtracted from the step in the decay schedule. Default 0. */
  stepOffset?: number;
  /** Factor only if the second-largest dimension is at least this. Default 128. */
  minDimSizeToFactor?: number;
  /** Added to the squared gradients. Default 1e-30. */
  epsilon?: number;
}

// optax factorized._factored_dims: the two largest dims (second largest, largest), or null.
function factoredDims(shape: readonly number[], factored: boolean, minDim: number): [number, number] | null {
  if (!factored || shape.length < 2) return null;
  const sorted = shape.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const d1 = sorted[sorted.length - 2] as readonly [number, number];
  const d0 = sorted[sorted.length - 1] as readonly [number, number];
  if (d1[0] < minDim) return null;
  return [d1[1], d0[1]];
}

/**
 * Adafactor's rescaling (optax `scale_by_factored_rms`, Shazeer & Stern 2018): the second
 * moment of a leaf whose two largest dimensions are >= `minDimSizeToFactor` is kept as row and
 * column means (memory `O(n + m)` instead of `O(n m)`); others keep the full moment. The decay
 * at step `t` is `1 - (t - stepOffset + 1) ** -decayRate`; `update` needs `params`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleByFactoredRms(), hk.optim.scale(-1e-2));
 * ```
 */
export function scaleByFactoredRms({
  factored = true,
  decayRate = 0.8,
  stepOffset = 0,
  minDimSizeToFactor = 128,
  epsilon = 1e-30,
}: FactoredRmsOptions = {}): GradientTransformation<FactoredState> {
  const where = "hk.optim.scaleByFactoredRms";
  for (const [k, v] of Object.entries({ decayRate, stepOffset, minDimSizeToFactor, epsilon })) checkNumber(where, k, v);
  const dims = (p: tf.Tensor) => factoredDims(p.shape, factored, minDimSizeToFactor);
  return {
    init: (params) => {
      checkFloatTree(where, params);
      constant(epsilon);
      const zero1 = () => tf.zeros([1]);
      return {
        count: 0,
        vRow: tree.map((p: tf.Tensor) => {
          const d = dims(p);
          return d === null ? zero1() : tf.zeros(p.shape.filter((_, i) => i !== d[1]));
        }, params),
        vCol: tree.map((p: tf.Tensor) => {
          const d = dims(p);
          return d === null ? zero1() : tf.zeros(p.shape.filter((_, i) => i !== d[0]));
        }, params),
        v: tree.map((p: tf.Tensor) => (dims(p) === null ? tf.zerosLike(p) : zero1()), params),
      };
    },
    update<U>(updates: U, state: FactoredState, params?: unknown): [U, FactoredState] {
      checkState(where, state, ["count", "vRow", "vCol", "v"]);
      requireParams(where, params);
      const ceps = constant(epsilon);
      // optax _decay_rate_pow in float32: 1 - float32(step + 1) ** -decayRate.
      const t = Math.fround(state.count - stepOffset + 1);
      const decay = Math.fround(1 - Math.fround(Math.pow(t, Math.fround(-decayRate))));
      return tidy(() => {
        const cd = tf.scalar(decay);
        const c1d = tf.scalar(Math.fround(1 - decay));
        const [out, vRow, vCol, v] = mapMulti(
          where,
          ["updates", "state.vRow", "state.vCol", "state.v", "params"],
          4,
          (g, r0, c0, v0, p) => {
            const d = dims(p);
            const g2 = tf.add(tf.square(g), ceps);
            if (d === null) {
              const nv = tf.add(tf.mul(cd, v0), tf.mul(c1d, g2));
              return [tf.mul(g, tf.rsqrt(nv)), own(r0), own(c0), nv];
            }
            const [d1, d0] = d;
            const r = tf.add(tf.mul(cd, r0), tf.mul(c1d, tf.mean(g2, d0)));
            const c = tf.add(tf.mul(cd, c0), tf.mul(c1d, tf.mean(g2, d1)));
            const reducedD1 = d1 > d0 ? d1 - 1 : d1;
            const rowFactor = tf.rsqrt(tf.div(r, tf.mean(r, reducedD1, true)));
            const colFactor = tf.rsqrt(c);
            const u = tf.mul(tf.mul(g, tf.expandDims(rowFactor, d0)), tf.expandDims(colFactor, d1));
            return [u, r, c, own(v0)];
          },
          updates,
          state.vRow,
          state.vCol,
          state.v,
          params,
        );
        return [out as U, { count: safeIncrement(state.count), vRow, vCol, v }];
      });
    },
  };
}

/**
 * Divides each leaf by `max(1, rms(leaf) / threshold)` (optax `clip_by_block_rms`). State `{}`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.clipByBlockRms(1), hk.optim.sgd(0.1));
 * ```
 */
export function clipByBlockRms(threshold: number): GradientTransformation<EmptyState> {
  const where = "hk.optim.clipByBlockRms";
  checkNumber(where, "threshold", threshold);
  return {
    init: () => ({}),
    update<U>(updates: U, state: EmptyState): [U, EmptyState] {
      const cth = constant(threshold);
      const out = tidy(() =>
        mapN(where, ["updates"], (u) => tf.div(u, tf.maximum(1, tf.div(tf.sqrt(tf.mean(tf.square(u))), cth))), updates),
      );
      return [out as U, state];
    },
  };
}

/**
 * Multiplies each leaf's update by the root mean square of its parameter, at least `minScale`
 * (optax `scale_by_param_block_rms`); `update` needs `params`. State `{}`.
 *
 * @example
 * ```ts
 * const t = hk.optim.scaleByParamBlockRms(1e-3);
 * ```
 */
export function scaleByParamBlockRms(minScale = 1e-3): GradientTransformation<EmptyState> {
  const where = "hk.optim.scaleByParamBlockRms";
  checkNumber(where, "minScale", minScale);
  return {
    init: () => ({}),
    update<U>(updates: U, state: EmptyState, params?: unknown): [U, EmptyState] {
      requireParams(where, params);
      const cmin = constant(minScale);
      const out = tidy(() =>
        mapN(
          where,
          ["updates", "params"],
          (u, p) => {
            const rms = tf.sqrt(tf.mean(tf.square(p)));
            return tf.mul(u, tf.where(tf.lessEqual(rms, cmin), cmin, rms));
          },
          updates,
          params,
        ),
      );
      return [out as U, state];
    },
  };
}

/** State of {@link ema} (optax `EmaState`). */
export interface EmaState {
  /** Updates so far. */
  count: number;
  /** The moving average, shaped like params. */
  ema: unknown;
}

/**
 * Exponential moving average of the updates, `ema = (1-decay) u + decay ema`, optionally
 * debiased by `1 - decay^count` (optax `ema`); the update is the average.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.ema(0.9), hk.optim.scale(-0.1));
 * ```
 */
export function ema(decay: number, { debias = true }: { debias?: boolean } = {}): GradientTransformation<EmaState> {
  const where = "hk.optim.ema";
  checkNumber(where, "decay", decay);
  return {
    init: (params) => {
      constant(decay);
      constant(1 - decay);
      return { count: 0, ema: zerosTree(where, params) };
    },
    update<U>(updates: U, state: EmaState): [U, EmaState] {
      checkState(where, state, ["count", "ema"]);
      const cd = constant(decay);
      const c1d = constant(1 - decay);
      const count = safeIncrement(state.count);
      return tidy(() => {
        const bc = tf.scalar(Math.fround(1 - Math.fround(Math.pow(Math.fround(decay), count))));
        const [e, out] = mapMulti(
          where,
          ["updates", "state.ema"],
          2,
          (u, e0) => {
            const e1 = tf.add(tf.mul(c1d, u), tf.mul(cd, e0));
            return [e1, debias ? tf.div(e1, bc) : own(e1)];
          },
          updates,
          state.ema,
        );
        return [out as U, { count, ema: e }];
      });
    },
  };
}

/** Options of {@link adafactor} (optax's defaults). */
export interface AdafactorOptions {
  /** See {@link FactoredRmsOptions}. Default 128. */
  minDimSizeToFactor?: number;
  /** See {@link FactoredRmsOptions}. Default 0.8. */
  decayRate?: number;
  /** See {@link FactoredRmsOptions} (`stepOffset`). Default 0. */
  decayOffset?: number;
  /** Scale updates by the parameters' RMS. Default true. */
  multiplyByParameterScale?: boolean;
  /** Block-RMS clipping threshold, or null for none. Default 1. */
  clippingThreshold?: number | null;
  /** Momentum (an EMA of the updates), or undefined for none. */
  momentum?: number;
  /** Decoupled weight decay, or undefined for none. */
  weightDecayRate?: ScalarOrSchedule;
  /** Added to the squared gradients. Default 1e-30. */
  eps?: number;
  /** Factor second moments. Default true. */
  factored?: boolean;
  /** Which params to decay (see {@link masked}). */
  weightDecayMask?: Mask;
}

/**
 * Adafactor (optax `adafactor`): `chain(scaleByFactoredRms, clipByBlockRms(clippingThreshold),
 * scaleByLearningRate(lr, {flipSign: false}), scaleByParamBlockRms(), ema(momentum, {debias:
 * false}), addDecayedWeights(weightDecayRate, mask), scale(-1))`, each optional part only when
 * enabled, as optax. `update` needs `params`.
 *
 * @example
 * ```ts
 * const opt = hk.optim.adafactor(1e-2);
 * ```
 */
export function adafactor(
  learningRate?: ScalarOrSchedule,
  {
    minDimSizeToFactor = 128,
    decayRate = 0.8,
    decayOffset = 0,
    multiplyByParameterScale = true,
    clippingThreshold = 1,
    momentum,
    weightDecayRate,
    eps = 1e-30,
    factored = true,
    weightDecayMask,
  }: AdafactorOptions = {},
): GradientTransformation<unknown[]> {
  const tx: AnyTransformation[] = [
    scaleByFactoredRms({ factored, decayRate, stepOffset: decayOffset, minDimSizeToFactor, epsilon: eps }),
  ];
  if (clippingThreshold !== null) tx.push(clipByBlockRms(clippingThreshold));
  if (learningRate !== undefined) tx.push(scaleByLearningRate(learningRate, { flipSign: false }));
  if (multiplyByParameterScale) tx.push(scaleByParamBlockRms());
  if (momentum !== undefined) tx.push(ema(momentum, { debias: false }));
  if (weightDecayRate !== undefined) tx.push(addDecayedWeights(weightDecayRate, weightDecayMask));
  tx.push(scale(-1));
  return chain(...tx) as GradientTransformation<unknown[]>;
}
