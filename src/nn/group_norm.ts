/**
 * Group normalisation (`group_norm.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { checkCallScaleOffset, checkNormInits } from "./layer_norm.js";
import type { NormCallOptions } from "./layer_norm.js";
import { getChannelIndex, toAbsAxes, toAxesOrSlice } from "./norm_axes.js";
import type { AxesOrSlice, AxisOrAxes } from "./norm_axes.js";
import { moduleWhere } from "../core/module.js";
import { onesInit, zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe, formatShape } from "../util/describe.js";

/** Options of {@link GroupNorm} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface GroupNormOptions {
  /** Axes normalised over (before grouping); default `{ start: 1 }` (all but the batch axis). */
  axis?: AxisOrAxes;
  /** Whether to learn a per-channel `scale`; default `true`. */
  createScale?: boolean;
  /** Whether to learn a per-channel `offset`; default `true`. */
  createOffset?: boolean;
  /** Added to the variance; default `1e-5`. */
  eps?: number;
  /** Initializer of `scale` (default ones); only with `createScale`. */
  scaleInit?: Initializer;
  /** Initializer of `offset` (default zerosInit); only with `createOffset`. */
  offsetInit?: Initializer;
  /** `"channels_last"` (default), `"channels_first"`, `"N...C"` or `"NC..."`. */
  dataFormat?: string;
  /** Module name; default `"group_norm"`. */
  name?: string;
}

/**
 * Splits the channels into `groups` and normalises each group over the spatial axes and its
 * channels; then applies per-channel `scale` / `offset` (shape `[C]` channels-last,
 * `[C, 1, ...]` channels-first). The input rank is fixed by the first call, as in Haiku.
 *
 * @example
 * ```ts
 * const y = new hk.GroupNorm(5).call(x); // x: [8, 4, 4, 10]; params group_norm/scale [10]
 * ```
 *
 * @category Layers
 */
@module("group_norm")
export class GroupNorm extends Module {
  /** Number of channel groups. */
  readonly groups: number;
  /** Normalised axes of the un-grouped input (as given). */
  readonly axis: AxesOrSlice;
  /** Whether `scale` is a parameter. */
  readonly createScale: boolean;
  /** Whether `offset` is a parameter. */
  readonly createOffset: boolean;
  /** Added to the variance. */
  readonly eps: number;
  /** Initializer of `scale`. */
  readonly scaleInit: Initializer;
  /** Initializer of `offset`. */
  readonly offsetInit: Initializer;
  /** The data format given. */
  readonly dataFormat: string;
  /** Channel axis, `1` or `-1`. */
  readonly channelIndex: 1 | -1;
  /** Input rank of the first call (`null` before it). */
  rank: number | null = null;

  /**
   * @param groups - number of groups; must divide the channel count.
   * @param opts - `axis`, `createScale`, `createOffset`, `eps`, `scaleInit`, `offsetInit`,
   *   `dataFormat`, `name`.
   */
  constructor(groups: number, opts: GroupNormOptions = {}) {
    super(opts.name);
    const where = moduleWhere(this);
    if (!Number.isInteger(groups) || groups < 1) {
      throw new InvalidArgumentError(
        where,
        `\`groups\` must be a positive integer, got ${describe(groups)}`,
        "pass a divisor of the channel count, e.g. 32.",
      );
    }
    this.createScale = opts.createScale ?? true;
    this.createOffset = opts.createOffset ?? true;
    checkNormInits(where, this.createScale, this.createOffset, opts.scaleInit, opts.offsetInit);
    this.groups = groups;
    this.axis = toAxesOrSlice(opts.axis ?? { start: 1 }, where);
    this.eps = opts.eps ?? 1e-5;
    this.scaleInit = opts.scaleInit ?? onesInit;
    this.offsetInit = opts.offsetInit ?? zerosInit;
    this.dataFormat = opts.dataFormat ?? "channels_last";
    this.channelIndex = getChannelIndex(this.dataFormat, moduleWhere(this));
  }

  /**
   * Returns the normalised input.
   *
   * @param x - tensor in `dataFormat` with rank >= 2.
   * @param opts - `scale` / `offset` to use when they are not created here.
   */
  call(x: tf.Tensor, opts: NormCallOptions = {}): tf.Tensor {
    const where = moduleWhere(this);
    if (!(x instanceof tf.Tensor)) {
      throw new InvalidArgumentError(where, `\`x\` must be a tf.Tensor, got ${describe(x)}`, "pass a tf.Tensor.");
    }
    if (this.rank !== null && x.rank !== this.rank) {
      throw new ShapeError(
        where,
        `The rank of the inputs cannot change between calls, the original call was rank=${this.rank} but this call was rank=${x.rank}`,
        "use one GroupNorm per input rank.",
      );
    }
    checkCallScaleOffset(where, this.createScale, this.createOffset, opts);
    const rank = x.rank;
    if (rank < 2) {
      throw new ShapeError(
        where,
        `inputs must have rank >= 2 (batch and channels), got shape ${formatShape(x.shape)}`,
        "pass [batch, ..., channels].",
      );
    }
    const channelsLast = this.channelIndex === -1;
    const channels = x.shape[channelsLast ? rank - 1 : 1]!;
    if (channels % this.groups !== 0) {
      throw new ShapeError(
        where,
        `The number of channels must be divisible by the number of groups, was channels=${channels}, groups=${this.groups}`,
        "choose `groups` that divides the channel count.",
      );
    }
    this.rank = rank;

    // Statistics are taken on a view with the channel axis split into [groups, C / groups];
    // the requested axes are shifted past the new groups axis.
    const axes = toAbsAxes(this.axis, rank, where);
    const perGroup = channels / this.groups;
    let groupShape: number[];
    let groupAxes: number[];
    if (channelsLast) {
      groupShape = [...x.shape.slice(0, -1), this.groups, perGroup];
      groupAxes = axes.map((a) => (a !== rank - 1 ? a : a + 1));
    } else {
      groupShape = [x.shape[0]!, this.groups, perGroup, ...x.shape.slice(2)];
      groupAxes = axes.map((a) => (a === 0 ? a : a + 1));
    }
    const paramsShape = channelsLast ? [channels] : [channels, ...new Array<number>(rank - 2).fill(1)];
    const dtype = x.dtype;
    const scale = this.createScale
      ? getParameter("scale", paramsShape, { init: this.scaleInit, dtype })
      : (opts.scale ?? null);
    const offset = this.createOffset
      ? getParameter("offset", paramsShape, { init: this.offsetInit, dtype })
      : (opts.offset ?? null);

    const grouped = tf.reshape(x, groupShape);
    const { mean, variance } = tf.moments(grouped, groupAxes, true);
    const inv = tf.rsqrt(tf.add(variance, tf.scalar(this.eps, variance.dtype)));
    let out = tf.reshape(tf.mul(tf.sub(grouped, mean), inv), x.shape);
    if (scale !== null) out = tf.mul(out, scale);
    if (offset !== null) out = tf.add(out, offset);
    return out;
  }
}
