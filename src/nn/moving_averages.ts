/**
 * Exponential moving averages kept in Haiku state (`moving_averages.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getState, module, setState } from "../core/index.js";
import type { Params } from "../core/index.js";
import { mapParamsTree } from "./params_tree.js";
import { moduleWhere } from "../core/module.js";
import { zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** Options of {@link ExponentialMovingAverage} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface ExponentialMovingAverageOptions {
  /** Whether to divide by `1 - decay^counter` (Adam's debiasing). Default `true`. */
  zeroDebias?: boolean;
  /**
   * Number of initial calls during which the average just tracks the input (decay 0). Must be
   * non-negative, and `0` when `zeroDebias` is on. Default `0`.
   */
  warmupLength?: number;
  /** Module name; default `"exponential_moving_average"`. */
  name?: string;
}

/**
 * Options of {@link ExponentialMovingAverage.call}.
 *
 * @category Layers
 */
export interface EMACallOptions {
  /** Whether to write the new `counter` / `hidden` / `average` to state. Default `true`. */
  updateStats?: boolean;
}

function checkDecay(decay: unknown, where: string): number {
  if (typeof decay !== "number" || !Number.isFinite(decay)) {
    throw new InvalidArgumentError(
      where,
      `\`decay\` must be a number in [0, 1), got ${describe(decay)}`,
      "pass e.g. 0.99.",
    );
  }
  return decay;
}

function checkWarmup(warmupLength: number, zeroDebias: boolean, where: string): void {
  if (!Number.isInteger(warmupLength) || warmupLength < 0) {
    throw new InvalidArgumentError(
      where,
      `\`warmupLength\` (Haiku's \`warmup_length\`) is ${warmupLength}, but should be non-negative`,
      "pass 0 (no warm-up) or a positive number of steps.",
    );
  }
  if (warmupLength > 0 && zeroDebias) {
    throw new InvalidArgumentError(
      where,
      "Zero debiasing does not make sense when warming up the value of the average to an initial value",
      "set `zeroDebias: false` if setting `warmupLength` to a non-zero value.",
    );
  }
}

/**
 * Maintains an exponential moving average of the values it is called with, in state entries
 * `counter` (int32 scalar), `hidden` and `average`, with Adam's zero-debiasing.
 *
 * @example
 * ```ts
 * const f = hk.transformWithState((x: tf.Tensor) => new hk.ExponentialMovingAverage(0.5).call(x));
 * const [, state] = f.init(null, tf.scalar(3));
 * const [avg] = f.apply({}, state, null, tf.scalar(6)); // 5 (Haiku's `ema(3.)`, `ema(6.)`)
 * ```
 *
 * @category Layers
 */
@module("exponential_moving_average")
export class ExponentialMovingAverage extends Module {
  /** The decay of the average, in `[0, 1)`. */
  readonly decay: number;
  /** Whether the average is zero-debiased. */
  readonly zeroDebias: boolean;
  /** Number of warm-up calls. */
  readonly warmupLength: number;

  /**
   * @param decay - values close to 1 decay slowly, close to 0 quickly.
   * @param opts - `zeroDebias`, `warmupLength`, `name`.
   */
  constructor(decay: number, opts: ExponentialMovingAverageOptions = {}) {
    super(opts.name);
    const where = moduleWhere(this);
    this.decay = checkDecay(decay, where);
    this.zeroDebias = opts.zeroDebias ?? true;
    this.warmupLength = opts.warmupLength ?? 0;
    checkWarmup(this.warmupLength, this.zeroDebias, where);
  }

  /** Creates `hidden` and `average` (zerosInit of `shape`) if they do not exist yet. */
  initialize(shape: readonly number[], dtype: tf.DataType = "float32"): void {
    getState("hidden", { shape, dtype, init: zerosInit });
    getState("average", { shape, dtype, init: zerosInit });
  }

  /**
   * Folds `value` into the average and returns the new (debiased) average.
   *
   * @param value - a tensor or number of any shape (fixed across calls).
   * @param opts - `updateStats: false` computes the average without writing state.
   */
  call(value: tf.Tensor | number, opts: EMACallOptions = {}): tf.Tensor {
    const v = typeof value === "number" ? tf.scalar(value) : value;
    if (!(v instanceof tf.Tensor)) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        `\`value\` must be a tf.Tensor or a number, got ${describe(value)}`,
        "pass the value to average as a tf.Tensor.",
      );
    }
    const warmup = this.warmupLength;
    const prev = getState<tf.Tensor>("counter", {
      shape: [],
      dtype: "int32",
      init: (shape, dtype) => tf.fill(shape, -warmup, dtype),
    });
    const counter = tf.add(prev, tf.scalar(1, "int32"));
    let decay: tf.Tensor = tf.scalar(this.decay, v.dtype);
    if (warmup > 0) decay = tf.where(tf.lessEqual(counter, 0), tf.zerosLike(decay), decay);
    const oneMinusDecay = tf.sub(tf.scalar(1, v.dtype), decay);
    const hiddenPrev = getState<tf.Tensor>("hidden", { shape: v.shape, dtype: v.dtype, init: zerosInit });
    const hidden = tf.add(tf.mul(hiddenPrev, decay), tf.mul(v, oneMinusDecay));
    let average = hidden;
    if (this.zeroDebias) {
      const debias = tf.sub(tf.scalar(1, v.dtype), tf.pow(decay, tf.cast(counter, v.dtype)));
      average = tf.div(hidden, debias);
    }
    if (opts.updateStats ?? true) {
      setState("counter", counter);
      setState("hidden", hidden);
      setState("average", average);
    }
    return average;
  }

  /** The current average (state entry `average`); throws Haiku's error if it was never set. */
  get average(): tf.Tensor {
    return this.readAverage();
  }

  /** Reads `average` inside this module's scope (a getter alone may not be scoped). */
  readAverage(): tf.Tensor {
    return getState<tf.Tensor>("average");
  }
}

/**
 * Options of {@link EMAParamsTree}.
 *
 * @category Layers
 */
export interface EMAParamsTreeOptions extends ExponentialMovingAverageOptions {
  /** Parameters whose `"module/param"` name matches this regex (at its start) are not averaged. */
  ignoreRegex?: string;
}

/**
 * Keeps an exponential moving average of every tensor in a Haiku params tree; returns a tree of
 * the same structure holding the averages (one {@link ExponentialMovingAverage} per leaf, named
 * from its path with `/` -> `__` and `~` -> `_tilde_`, as Haiku).
 *
 * @example
 * ```ts
 * const ema = hk.transformWithState((p: hk.Params) => new hk.EMAParamsTree(0.2).call(p));
 * const [, emaState] = ema.init(null, params);
 * const [emaParams, newState] = ema.apply({}, emaState, null, params);
 * ```
 *
 * @category Layers
 */
@module("ema_params_tree")
export class EMAParamsTree extends Module {
  /** Decay of every average. */
  readonly decay: number;
  /** Whether the averages are zero-debiased. */
  readonly zeroDebias: boolean;
  /** Number of warm-up calls. */
  readonly warmupLength: number;
  /** Regex of parameter names left alone ("" averages everything). */
  readonly ignoreRegex: string;

  /**
   * @param decay - decay of every average, in `[0, 1)`.
   * @param opts - `zeroDebias`, `warmupLength`, `ignoreRegex`, `name`.
   */
  constructor(decay: number, opts: EMAParamsTreeOptions = {}) {
    super(opts.name);
    const where = moduleWhere(this);
    this.decay = checkDecay(decay, where);
    this.zeroDebias = opts.zeroDebias ?? true;
    this.warmupLength = opts.warmupLength ?? 0;
    this.ignoreRegex = opts.ignoreRegex ?? "";
    checkWarmup(this.warmupLength, this.zeroDebias, where);
  }

  /**
   * Returns the averaged tree.
   *
   * @param tree - a two-level `{module: {param: tensor}}` mapping (Haiku params).
   * @param opts - `updateStats: false` reads without updating.
   */
  call(tree: Params, opts: EMACallOptions = {}): Params {
    return mapParamsTree(tree, this.ignoreRegex, (fullName, value) =>
      new ExponentialMovingAverage(this.decay, {
        zeroDebias: this.zeroDebias,
        warmupLength: this.warmupLength,
        name: fullName.replaceAll("/", "__").replaceAll("~", "_tilde_"),
      }).call(value, opts),
    );
  }
}
