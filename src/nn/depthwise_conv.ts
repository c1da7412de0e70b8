/**
 * `DepthwiseConv1D/2D/3D` and `SeparableDepthwiseConv2D` (Haiku's `depthwise_conv.py`).
 */
import type * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { TruncatedNormal } from "../initializers/random.js";
import { inChannelsLast } from "./conv.js";
import { convChannelsLast } from "./conv_ops.js";
import { dilateKernel, replicate, resolvePadding } from "./conv_utils.js";
import { assertTensor } from "../util/assert.js";
import { describe, formatShape } from "../util/describe.js";
import type { ConvPadding, ResolvedPadding } from "./conv_utils.js";
import { getChannelIndex } from "./norm_axes.js";
import { moduleWhere } from "../core/module.js";
import { zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/** Options of the depthwise convolutions (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface DepthwiseConvOptions {
  /** Stride, an int or one per spatial dim (default 1). */
  stride?: number | readonly number[];
  /** Kernel dilation, an int or one per spatial dim (default 1). */
  rate?: number | readonly number[];
  /** `"SAME"` (default), `"VALID"` or `[before, after]` pair(s). */
  padding?: ConvPadding;
  /** Whether to add a bias `b` (default true). */
  withBias?: boolean;
  /** Initializer of `w`; default `TruncatedNormal(1 / sqrt(prod(kernel)))`. */
  wInit?: Initializer | null;
  /** Initializer of `b`; default zerosInit. */
  bInit?: Initializer | null;
  /** Data format (`"NWC"`, `"NHWC"`, `"NDHWC"` defaults, channels-first variants accepted). */
  dataFormat?: string;
  /** Module name. */
  name?: string;
}

/**
 * N-D depthwise convolution (`hk.DepthwiseConvND` in Haiku's source): each input channel is
 * convolved with its own `channelMultiplier` filters. `w: [...kernel, 1, M * C]` with output
 * channel `c * M + m`, `b: [M * C]`. Inputs must be batched.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.DepthwiseConvND(1, 3, 2, "NHWC").call(x));
 * ```
 *
 * @category Layers
 */
@module("depthwise_conv_nd")
export class DepthwiseConvND extends Module {
  /** Number of spatial dims. */
  readonly numSpatialDims: number;
  /** Output channels per input channel. */
  readonly channelMultiplier: number;
  /** Kernel size per spatial dim. */
  readonly kernelShape: readonly number[];
  /** Stride per spatial dim. */
  readonly stride: readonly number[];
  /** Dilation per spatial dim. */
  readonly rhsDilation: readonly number[];
  /** Resolved padding. */
  readonly padding: ResolvedPadding;
  /** Whether `b` exists. */
  readonly withBias: boolean;
  /** `w`'s initializer, or `null` for the default. */
  readonly wInit: Initializer | null;
  /** `b`'s initializer. */
  readonly bInit: Initializer;
  /** The data format string. */
  readonly dataFormat: string;
  /** `1` (channels first) or `-1` (channels last). */
  readonly channelIndex: 1 | -1;

  /**
   * @param channelMultiplier Output channels per input channel.
   * @param kernelShape Kernel size, an int or one per spatial dim.
   * @param numSpatialDims Number of spatial dims (1, 2 or 3).
   * @param dataFormat Data format, e.g. `"NHWC"`.
   * @param options Haiku's keyword arguments.
   */
  constructor(
    channelMultiplier: number,
    kernelShape: number | readonly number[],
    numSpatialDims: number,
    dataFormat: string,
    options: Omit<DepthwiseConvOptions, "dataFormat"> = {},
  ) {
    super(options.name);
    const where = moduleWhere(this);
    if (!Number.isInteger(numSpatialDims) || numSpatialDims < 1 || numSpatialDims > 3) {
      throw new InvalidArgumentError(
        where,
        `\`numSpatialDims\` (Haiku's \`num_spatial_dims\`) must be 1, 2 or 3, got ${describe(numSpatialDims)}`,
        "pass 1, 2 or 3.",
      );
    }
    if (!Number.isInteger(channelMultiplier) || channelMultiplier < 1) {
      throw new InvalidArgumentError(
        where,
        `\`channelMultiplier\` (Haiku's \`channel_multiplier\`) must be a positive integer, got ${describe(channelMultiplier)}`,
        "pass e.g. 1.",
      );
    }
    this.numSpatialDims = numSpatialDims;
    this.channelMultiplier = channelMultiplier;
    this.kernelShape = replicate(kernelShape, numSpatialDims, "`kernelShape` (Haiku's `kernel_shape`)", where);
    this.stride = replicate(options.stride ?? 1, numSpatialDims, "`stride`", where);
    this.rhsDilation = replicate(options.rate ?? 1, numSpatialDims, "`rate`", where);
    this.padding = resolvePadding(options.padding ?? "SAME", this.kernelShape, this.rhsDilation, where);
    this.withBias = options.withBias ?? true;
    this.wInit = options.wInit ?? null;
    this.bInit = options.bInit ?? zerosInit;
    this.dataFormat = dataFormat;
    this.channelIndex = getChannelIndex(dataFormat, moduleWhere(this));
  }

  /** Convolves a batched input `[N, ...spatial, C]` (or channels-first). */
  call(inputs: tf.Tensor): tf.Tensor {
    const where = moduleWhere(this);
    assertTensor(inputs, where);
    const n = this.numSpatialDims;
    if (inputs.rank !== n + 2) {
      throw new ShapeError(
        where,
        `Input to DepthwiseConv${n}D needs to have rank ${n + 2} (batched), but input has shape ${formatShape(inputs.shape)}`,
        "pass [batch, ...spatial, channels].",
      );
    }
    const c = inputs.shape[this.channelIndex === -1 ? inputs.rank - 1 : 1]!;
    const out = this.channelMultiplier * c;
    const wShape = [...this.kernelShape, 1, out];
    const wInit = this.wInit ?? TruncatedNormal(1 / Math.sqrt(wShape.slice(0, -1).reduce((a, b) => a * b, 1)));
    const w = dilateKernel(getParameter("w", wShape, { dtype: inputs.dtype, init: wInit }), this.rhsDilation);
    let b: tf.Tensor | null = null;
    if (this.withBias) {
      // Haiku's channels-first bias is (C*M, 1, 1) whatever the rank.
      const bShape = this.channelIndex === -1 ? [out] : [out, 1, 1];
      b = getParameter("b", bShape, { dtype: inputs.dtype, init: this.bInit });
    }
    return inChannelsLast(inputs, this.channelIndex, b, (xl, bl) =>
      convChannelsLast(xl, w, this.stride, this.padding, c, bl),
    );
  }
}

/**
 * 1-D depthwise convolution (`hk.DepthwiseConv1D`): `w: [k, 1, M * C]`.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.DepthwiseConv1D(2, 3).call(x));
 * ```
 *
 * @category Layers
 */
@module("depthwise_conv1_d")
export class DepthwiseConv1D extends DepthwiseConvND {
  /**
   * @param channelMultiplier Output channels per input channel.
   * @param kernelShape Kernel size.
   * @param options Haiku's keyword arguments.
   */
  constructor(channelMultiplier: number, kernelShape: number | readonly number[], options: DepthwiseConvOptions = {}) {
    super(channelMultiplier, kernelShape, 1, options.dataFormat ?? "NWC", options);
  }
}

/**
 * 2-D depthwise convolution (`hk.DepthwiseConv2D`): `w: [kh, kw, 1, M * C]`, `b: [M * C]`.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.DepthwiseConv2D(1, 3).call(x));
 * ```
 *
 * @category Layers
 */
@module("depthwise_conv2_d")
export class DepthwiseConv2D extends DepthwiseConvND {
  /**
   * @param channelMultiplier Output channels per input channel.
   * @param kernelShape Kernel size, an int or `[kh, kw]`.
   * @param options Haiku's keyword arguments.
   */
  constructor(channelMultiplier: number, kernelShape: number | readonly number[], options: DepthwiseConvOptions = {}) {
    super(channelMultiplier, kernelShape, 2, options.dataFormat ?? "NHWC", options);
  }
}

/**
 * 3-D depthwise convolution (`hk.DepthwiseConv3D`): `w: [kd, kh, kw, 1, M * C]`. Runs as one
 * conv3d per channel (tfjs has no grouped conv3d), so it is slow for many channels.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.DepthwiseConv3D(1, 3).call(x));
 * ```
 *
 * @category Layers
 */
@module("depthwise_conv3_d")
export class DepthwiseConv3D extends DepthwiseConvND {
  /**
   * @param channelMultiplier Output channels per input channel.
   * @param kernelShape Kernel size, an int or `[kd, kh, kw]`.
   * @param options Haiku's keyword arguments.
   */
  constructor(channelMultiplier: number, kernelShape: number | readonly number[], options: DepthwiseConvOptions = {}) {
    super(channelMultiplier, kernelShape, 3, options.dataFormat ?? "NDHWC", options);
  }
}

/**
 * Options of {@link SeparableDepthwiseConv2D}.
 *
 * @category Layers
 */
export type SeparableDepthwiseConv2DOptions = Omit<DepthwiseConvOptions, "rate">;

/**
 * A `[kh, 1]` depthwise convolution (no bias, with the stride) followed by a `[1, kw]` one
 * (multiplier 1, with the bias): `<name>/~/depthwise_conv2_d` and `<name>/~/depthwise_conv2_d_1`
 * (`hk.SeparableDepthwiseConv2D`).
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.SeparableDepthwiseConv2D(1, 3).call(x));
 * ```
 *
 * @category Layers
 */
@module("separable_depthwise_conv2_d")
export class SeparableDepthwiseConv2D extends Module {
  /** Output channels per input channel of the first convolution. */
  readonly channelMultiplier: number;
  /** Kernel size `[kh, kw]`. */
  readonly kernelShape: readonly number[];
  /** The `[kh, 1]` convolution. */
  readonly conv1: DepthwiseConv2D;
  /** The `[1, kw]` convolution. */
  readonly conv2: DepthwiseConv2D;

  /**
   * @param channelMultiplier Output channels per input channel of the first convolution.
   * @param kernelShape Kernel size, an int or `[kh, kw]`.
   * @param options Haiku's keyword arguments.
   */
  constructor(
    channelMultiplier: number,
    kernelShape: number | readonly number[],
    options: SeparableDepthwiseConv2DOptions = {},
  ) {
    super(options.name);
    const k = replicate(kernelShape, 2, "`kernelShape` (Haiku's `kernel_shape`)", this.moduleName);
    this.channelMultiplier = channelMultiplier;
    this.kernelShape = k;
    const common = {
      padding: options.padding,
      wInit: options.wInit,
      bInit: options.bInit,
      dataFormat: options.dataFormat ?? "NHWC",
    };
    this.conv1 = new DepthwiseConv2D(channelMultiplier, [k[0]!, 1], {
      ...common,
      stride: options.stride,
      withBias: false,
    });
    this.conv2 = new DepthwiseConv2D(1, [1, k[1]!], { ...common, stride: 1, withBias: options.withBias ?? true });
  }

  /** Applies both convolutions. */
  call(inputs: tf.Tensor): tf.Tensor {
    return this.conv2.call(this.conv1.call(inputs));
  }
}
