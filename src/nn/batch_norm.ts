/**
 * Batch normalisation (`batch_norm.py`), with moving statistics in Haiku state.
 */
import { problemOf } from "../util/assert.js";
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { checkCallScaleOffset, checkNormInits } from "./layer_norm.js";
import { ExponentialMovingAverage } from "./moving_averages.js";
import { getChannelIndex, toAbsAxes } from "./norm_axes.js";
import { moduleWhere } from "../core/module.js";
import { onesInit, zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError, ParameterError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** Options of {@link BatchNorm} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface BatchNormOptions {
  /** Added to the variance; default `1e-5`. */
  eps?: number;
  /** Initializer of `scale` (default ones); only with `createScale`. */
  scaleInit?: Initializer;
  /** Initializer of `offset` (default zerosInit); only with `createOffset`. */
  offsetInit?: Initializer;
  /** Axes the statistics are taken over; default every axis except the channel axis. */
  axis?: readonly number[];
  /**
   * Accepted for signature compatibility. tfjs runs a single replica, so cross-replica
   * averaging is the identity.
   */
  crossReplicaAxis?: string | readonly string[] | null;
  /** Accepted for signature compatibility; requires `crossReplicaAxis`. */
  crossReplicaAxisIndexGroups?: readonly (readonly number[])[] | null;
  /** `"channels_last"` (default), `"channels_first"`, `"N...C"` or `"NC..."`. */
  dataFormat?: string;
  /** Module name; default `"batch_norm"`. */
  name?: string;
}

/**
 * Options of {@link BatchNorm.call}.
 *
 * @category Layers
 */
export interface BatchNormCallOptions {
  /** Use the batch's statistics even when `isTraining` is false. Default `false`. */
  testLocalStats?: boolean;
  /** Scale broadcastable to the input; only when `createScale` is false. */
  scale?: tf.Tensor | null;
  /** Offset broadcastable to the input; only when `createOffset` is false. */
  offset?: tf.Tensor | null;
}

/**
 * Normalises inputs to zero mean and unit variance over the batch (and spatial) axes, keeping
 * exponential moving averages of the statistics in submodules `mean_ema` / `var_ema`
 * (`batch_norm/~/mean_ema`). Parameters `scale` / `offset` have the input's rank with 1 on the
 * reduced axes (`[1, 1, 1, C]` for NHWC). Initialise with `isTraining = true`: the moving
 * averages only exist once a training call has written them.
 *
 * @example
 * ```ts
 * const f = hk.transformWithState((x: tf.Tensor, isTraining: boolean) =>
 *   new hk.BatchNorm(true, true, 0.9).call(x, isTraining));
 * const [params, state] = f.init(hk.random.key(0), x, true);
 * const [y, newState] = f.apply(params, state, null, x, true);
 * ```
 *
 * @category Layers
 */
@module("batch_norm")
export class BatchNorm extends Module {
  /** Whether `scale` is a parameter of this module. */
  readonly createScale: boolean;
  /** Whether `offset` is a parameter of this module. */
  readonly createOffset: boolean;
  /** Decay of the moving averages. */
  readonly decayRate: number;
  /** Added to the variance. */
  readonly eps: number;
  /** Initializer of `scale`. */
  readonly scaleInit: Initializer;
  /** Initializer of `offset`. */
  readonly offsetInit: Initializer;
  /** Reduction axes, or `null` for every axis but the channel axis. */
  readonly axis: readonly number[] | null;
  /** Channel axis, `1` or `-1`. */
  readonly channelIndex: 1 | -1;
  /** Cross-replica axis (a no-op in tfjs). */
  readonly crossReplicaAxis: string | readonly string[] | null;
  /** Moving average of the mean (`<name>/~/mean_ema`). */
  readonly meanEma: ExponentialMovingAverage;
  /** Moving average of the variance (`<name>/~/var_ema`). */
  readonly varEma: ExponentialMovingAverage;

  /**
   * @param createScale - whether to learn a scale (`scale` parameter).
   * @param createOffset - whether to learn an offset (`offset` parameter).
   * @param decayRate - decay of the moving averages.
   * @param opts - `eps`, `scaleInit`, `offsetInit`, `axis`, `dataFormat`, `name`, ...
   */
  constructor(createScale: boolean, createOffset: boolean, decayRate: number, opts: BatchNormOptions = {}) {
    super(opts.name);
    const where = moduleWhere(this);
    checkNormInits(where, createScale, createOffset, opts.scaleInit, opts.offsetInit);
    if (opts.crossReplicaAxis == null && opts.crossReplicaAxisIndexGroups != null) {
      throw new InvalidArgumentError(
        where,
        "`crossReplicaAxis` (Haiku's `cross_replica_axis`) name must be specified if `crossReplicaAxisIndexGroups` (Haiku's `cross_replica_axis_index_groups`) are used",
        "pass `crossReplicaAxis`, or drop the index groups.",
      );
    }
    if (opts.axis != null && !(Array.isArray(opts.axis) && opts.axis.every((a) => Number.isInteger(a)))) {
      throw new InvalidArgumentError(
        where,
        `\`axis\` must be a list of integer axes or undefined, got ${describe(opts.axis)}`,
        "pass e.g. `[0, 1, 2]`, or omit it (all but the channel axis).",
      );
    }
    this.createScale = createScale;
    this.createOffset = createOffset;
    this.decayRate = decayRate;
    this.eps = opts.eps ?? 1e-5;
    this.scaleInit = opts.scaleInit ?? onesInit;
    this.offsetInit = opts.offsetInit ?? zerosInit;
    this.axis = opts.axis != null ? [...opts.axis] : null;
    this.crossReplicaAxis = opts.crossReplicaAxis ?? null;
    this.channelIndex = getChannelIndex(opts.dataFormat ?? "channels_last", moduleWhere(this));
    this.meanEma = new ExponentialMovingAverage(decayRate, { name: "mean_ema" });
    this.varEma = new ExponentialMovingAverage(decayRate, { name: "var_ema" });
  }

  /**
   * Normalises `inputs`.
   *
   * @param inputs - a tensor whose channel axis is given by `dataFormat`.
   * @param isTraining - use (and update the moving averages with) the batch statistics.
   * @param opts - `testLocalStats`, and `scale` / `offset` when they are not created here.
   */
  call(inputs: tf.Tensor, isTraining: boolean, opts: BatchNormCallOptions = {}): tf.Tensor {
    const where = moduleWhere(this);
    if (!(inputs instanceof tf.Tensor)) {
      throw new InvalidArgumentError(
        where,
        `\`inputs\` must be a tf.Tensor, got ${describe(inputs)}`,
        "pass a tf.Tensor.",
      );
    }
    if (typeof isTraining !== "boolean") {
      throw new InvalidArgumentError(
        where,
        `\`isTraining\` (Haiku's \`is_training\`) must be a boolean, got ${describe(isTraining)}`,
        "call `bn.call(x, isTraining)` (hk.Sequential only forwards extra arguments to its first layer).",
      );
    }
    checkCallScaleOffset(where, this.createScale, this.createOffset, opts);
    const ndim = inputs.rank;
    const channelIndex = this.channelIndex < 0 ? this.channelIndex + ndim : this.channelIndex;
    const axis =
      this.axis !== null
        ? toAbsAxes(this.axis, ndim, where)
        : [...Array(ndim).keys()].filter((i) => i !== channelIndex);

    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (isTraining || opts.testLocalStats) {
      // Haiku's formula, E[x²] - E[x]²: one full-size op fewer than tf.moments' two-pass
      // variance, and the same float32 numbers as Haiku.
      mean = tf.mean(inputs, axis, true);
      variance = tf.sub(tf.mean(tf.square(inputs), axis, true), tf.square(mean));
    } else {
      try {
        mean = this.meanEma.readAverage();
        variance = this.varEma.readAverage();
      } catch (e) {
        throw new ParameterError(
          where,
          `the moving statistics are missing (${problemOf(e)}); they are written by the first training call`,
          "run init with `isTraining` true (Haiku issue #579).",
          { cause: e },
        );
      }
      if (mean.dtype !== inputs.dtype) mean = tf.cast(mean, inputs.dtype);
      if (variance.dtype !== inputs.dtype) variance = tf.cast(variance, inputs.dtype);
    }
    if (isTraining) {
      this.meanEma.call(mean);
      this.varEma.call(variance);
    }

    const wShape = inputs.shape.map((d, i) => (axis.includes(i) ? 1 : d));
    const dtype = inputs.dtype;
    let scale: tf.Tensor | null = opts.scale ?? null;
    let offset: tf.Tensor | null = opts.offset ?? null;
    if (this.createScale) scale = getParameter("scale", wShape, { init: this.scaleInit, dtype });
    if (this.createOffset) offset = getParameter("offset", wShape, { init: this.offsetInit, dtype });

    // (x - mean) * inv + offset == x * inv + (offset - mean * inv): the statistics-sized terms
    // are folded first, leaving two full-size ops.
    let inv = tf.rsqrt(tf.add(variance, tf.scalar(this.eps, variance.dtype)));
    if (scale !== null) inv = tf.mul(scale, inv);
    let shift = tf.neg(tf.mul(mean, inv));
    if (offset !== null) shift = tf.add(offset, shift);
    return tf.add(tf.mul(inputs, inv), shift);
  }
}
