/**
 * Layer and instance normalisation (`layer_norm.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { getChannelIndex, toAbsAxes, toAxesOrSlice } from "./norm_axes.js";
import type { AxesOrSlice, AxisOrAxes } from "./norm_axes.js";
import { moduleWhere } from "../core/module.js";
import { onesInit, zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** Options of {@link LayerNorm} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface LayerNormOptions {
  /** Added to the variance; default `1e-5`. */
  eps?: number;
  /** Initializer of `scale` (default ones); only with `createScale`. */
  scaleInit?: Initializer;
  /** Initializer of `offset` (default zerosInit); only with `createOffset`. */
  offsetInit?: Initializer;
  /** Compute the variance as `E[x²] - E[x]²` (one pass, less stable). Default `false`. */
  useFastVariance?: boolean;
  /**
   * Axes that size `scale` / `offset`. Default `-1`, which gives the un-broadcast shape `[C]`
   * (as Haiku, for checkpoint compatibility); other axes give a broadcastable shape with 1s.
   */
  paramAxis?: AxisOrAxes;
  /** Module name; default `"layer_norm"`. */
  name?: string;
}

/**
 * Options of {@link LayerNorm.call} / {@link GroupNorm.call}.
 *
 * @category Layers
 */
export interface NormCallOptions {
  /** Scale broadcastable to the input; only when `createScale` is false. */
  scale?: tf.Tensor | null;
  /** Offset broadcastable to the input; only when `createOffset` is false. */
  offset?: tf.Tensor | null;
}

/**
 * Throws Haiku's errors for init functions given without the parameter they initialise.
 */
export function checkNormInits(
  where: string,
  createScale: boolean,
  createOffset: boolean,
  scaleInit: Initializer | undefined,
  offsetInit: Initializer | undefined,
): void {
  if (typeof createScale !== "boolean" || typeof createOffset !== "boolean") {
    throw new InvalidArgumentError(
      where,
      `\`createScale\` and \`createOffset\` (Haiku's \`create_scale\` and \`create_offset\`) must be booleans, got ${describe(createScale)} and ${describe(createOffset)}`,
      "pass `true` or `false`.",
    );
  }
  if (!createScale && scaleInit != null) {
    throw new InvalidArgumentError(
      where,
      "Cannot set `scaleInit` (Haiku's `scale_init`) if `createScale` (Haiku's `create_scale`) is false",
      "pass `createScale: true`, or drop `scaleInit`.",
    );
  }
  if (!createOffset && offsetInit != null) {
    throw new InvalidArgumentError(
      where,
      "Cannot set `offsetInit` (Haiku's `offset_init`) if `createOffset` (Haiku's `create_offset`) is false",
      "pass `createOffset: true`, or drop `offsetInit`.",
    );
  }
}

/**
 * Throws Haiku's errors for call-time scale/offset that clash with created parameters.
 */
export function checkCallScaleOffset(
  where: string,
  createScale: boolean,
  createOffset: boolean,
  opts: NormCallOptions,
): void {
  if (createScale && opts.scale != null) {
    throw new InvalidArgumentError(
      where,
      "Cannot pass `scale` at call time if `createScale` (Haiku's `create_scale`) is true",
      "drop `scale`, or construct with `createScale: false`.",
    );
  }
  if (createOffset && opts.offset != null) {
    throw new InvalidArgumentError(
      where,
      "Cannot pass `offset` at call time if `createOffset` (Haiku's `create_offset`) is true",
      "drop `offset`, or construct with `createOffset: false`.",
    );
  }
}

/**
 * Shape of a learnable scale/offset: `[C]` for the last axis, else broadcastable.
 */
export function paramShape(shape: readonly number[], paramAxis: readonly number[]): number[] {
  const ndim = shape.length;
  if (paramAxis.length === 1 && paramAxis[0] === ndim - 1) return [shape[ndim - 1]!];
  return shape.map((d, i) => (paramAxis.includes(i) ? d : 1));
}

/**
 * Normalises over `axis` (per example), then applies a learnable per-channel `scale` and
 * `offset`: `scale * rsqrt(var + eps) * (x - mean) + offset`.
 *
 * @example
 * ```ts
 * const ln = new hk.LayerNorm(-1, true, true);
 * const y = ln.call(x); // params layer_norm/scale, layer_norm/offset of shape [C]
 * ```
 *
 * @category Layers
 */
@module("layer_norm")
export class LayerNorm extends Module {
  /** Normalised axes (as given). */
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
  /** Whether the variance is computed as `E[x²] - E[x]²`. */
  readonly useFastVariance: boolean;
  /** Axes sizing the parameters. */
  readonly paramAxis: AxesOrSlice;

  /**
   * @param axis - axis, list of axes or slice (`{ start: 1 }`) to normalise over.
   * @param createScale - whether to learn `scale`.
   * @param createOffset - whether to learn `offset`.
   * @param opts - `eps`, `scaleInit`, `offsetInit`, `useFastVariance`, `paramAxis`, `name`.
   */
  constructor(axis: AxisOrAxes, createScale: boolean, createOffset: boolean, opts: LayerNormOptions = {}) {
    super(opts.name);
    const where = moduleWhere(this);
    checkNormInits(where, createScale, createOffset, opts.scaleInit, opts.offsetInit);
    this.axis = toAxesOrSlice(axis, where);
    this.createScale = createScale;
    this.createOffset = createOffset;
    this.eps = opts.eps ?? 1e-5;
    this.scaleInit = opts.scaleInit ?? onesInit;
    this.offsetInit = opts.offsetInit ?? zerosInit;
    this.useFastVariance = opts.useFastVariance ?? false;
    this.paramAxis =
      opts.paramAxis == null ? [-1] : toAxesOrSlice(opts.paramAxis, where, "`paramAxis` (Haiku's `param_axis`)");
  }

  /**
   * Returns the normalised input.
   *
   * @param inputs - tensor `[N, ..., C]`.
   * @param opts - `scale` / `offset` to use when they are not created here.
   */
  call(inputs: tf.Tensor, opts: NormCallOptions = {}): tf.Tensor {
    const where = moduleWhere(this);
    if (!(inputs instanceof tf.Tensor)) {
      throw new InvalidArgumentError(
        where,
        `\`inputs\` must be a tf.Tensor, got ${describe(inputs)}`,
        "pass a tf.Tensor.",
      );
    }
    checkCallScaleOffset(where, this.createScale, this.createOffset, opts);
    const ndim = inputs.rank;
    const axis = toAbsAxes(this.axis, ndim, where);
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (this.useFastVariance) {
      mean = tf.mean(inputs, axis, true);
      variance = tf.sub(tf.mean(tf.square(inputs), axis, true), tf.square(mean));
    } else {
      ({ mean, variance } = tf.moments(inputs, axis, true));
    }
    const shape = paramShape(
      inputs.shape,
      toAbsAxes(this.paramAxis, ndim, where, "`paramAxis` (Haiku's `param_axis`)"),
    );
    const dtype = inputs.dtype;
    const scale = this.createScale
      ? getParameter("scale", shape, { init: this.scaleInit, dtype })
      : (opts.scale ?? null);
    const offset = this.createOffset
      ? getParameter("offset", shape, { init: this.offsetInit, dtype })
      : (opts.offset ?? null);

    let inv = tf.rsqrt(tf.add(variance, tf.scalar(this.eps, variance.dtype)));
    if (scale !== null) inv = tf.mul(scale, inv);
    const out = tf.mul(inv, tf.sub(inputs, mean));
    return offset !== null ? tf.add(out, offset) : out;
  }
}

/**
 * Options of {@link InstanceNorm}.
 *
 * @category Layers
 */
export interface InstanceNormOptions {
  /** Added to the variance; default `1e-5`. */
  eps?: number;
  /** Initializer of `scale` (default ones); only with `createScale`. */
  scaleInit?: Initializer;
  /** Initializer of `offset` (default zerosInit); only with `createOffset`. */
  offsetInit?: Initializer;
  /** `"channels_last"` (default), `"channels_first"`, `"N...C"` or `"NC..."`. */
  dataFormat?: string;
  /** Module name; default `"instance_norm"`. */
  name?: string;
}

/**
 * Instance normalisation: a {@link LayerNorm} over the spatial axes, with per-channel
 * parameters (`[C]` for channels-last inputs).
 *
 * @example
 * ```ts
 * const y = new hk.InstanceNorm(true, true).call(images); // NHWC
 * ```
 *
 * @category Layers
 */
@module("instance_norm")
export class InstanceNorm extends LayerNorm {
  /**
   * @param createScale - whether to learn `scale`.
   * @param createOffset - whether to learn `offset`.
   * @param opts - `eps`, `scaleInit`, `offsetInit`, `dataFormat`, `name`.
   */
  constructor(createScale: boolean, createOffset: boolean, opts: InstanceNormOptions = {}) {
    const channelIndex = getChannelIndex(opts.dataFormat ?? "channels_last");
    const axis = channelIndex === 1 ? { start: 2 } : { start: 1, stop: -1 };
    super(axis, createScale, createOffset, {
      eps: opts.eps,
      scaleInit: opts.scaleInit,
      offsetInit: opts.offsetInit,
      paramAxis: channelIndex,
      name: opts.name,
    });
  }
}
