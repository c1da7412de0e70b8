/**
 * `ConvND`, `Conv1D`, `Conv2D`, `Conv3D` (Haiku's `conv.py`: `ConvND`, `Conv1D`, `Conv2D`, `Conv3D`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { TruncatedNormal } from "../initializers/random.js";
import { convChannelsLast } from "./conv_ops.js";
import { dilateKernel, replicate, resolvePadding } from "./conv_utils.js";
import { assertTensor } from "../util/assert.js";
import { describe, formatShape } from "../util/describe.js";
import type { ConvPadding, ResolvedPadding } from "./conv_utils.js";
import { getChannelIndex } from "./norm_axes.js";
import { moduleWhere } from "../core/module.js";
import { zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/** Options of the convolution modules (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface ConvOptions {
  /** Window stride, an int or one per spatial dim (default 1). */
  stride?: number | readonly number[];
  /** Kernel dilation rate, an int or one per spatial dim (default 1). */
  rate?: number | readonly number[];
  /** `"SAME"` (default), `"VALID"`, `[low, high]` pair(s) or pad function(s). */
  padding?: ConvPadding;
  /** Whether to add a bias `b` (default true). */
  withBias?: boolean;
  /** Initializer of `w`; default `TruncatedNormal(1 / sqrt(prod(w.shape[:-1])))`. */
  wInit?: Initializer | null;
  /** Initializer of `b`; default zerosInit. */
  bInit?: Initializer | null;
  /**
   * `"NWC"` / `"NHWC"` / `"NDHWC"` (defaults), the channels-first `"NCW"` / `"NCHW"` /
   * `"NCDHW"`, or `"channels_last"` / `"channels_first"`. Channels-first inputs are transposed
   * to channels-last around the tfjs op.
   */
  dataFormat?: string;
  /** Multiplies `w` elementwise; must have `w`'s shape. */
  mask?: tf.Tensor | null;
  /** Number of feature groups (default 1); must divide the input channels. */
  featureGroupCount?: number;
  /** Module name. */
  name?: string;
}

/**
 * Moves the channel axis of a batched channels-first tensor last.
 *
 * @category Layers
 */
function toChannelsLast(x: tf.Tensor): tf.Tensor {
  const perm = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
  return tf.transpose(x, perm);
}

/**
 * Moves the last axis of a batched channels-last tensor to position 1.
 *
 * @category Layers
 */
function toChannelsFirst(x: tf.Tensor): tf.Tensor {
  const perm = [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)];
  return tf.transpose(x, perm);
}

/**
 * Checks `num_spatial_dims` and `output_channels` of {@link ConvND} and `ConvNDTranspose` with
 * Haiku's messages, plus tfjs's limit of 3 spatial dims.
 */
export function checkConvDims(numSpatialDims: number, outputChannels: number, where: string): void {
  if (!Number.isInteger(numSpatialDims) || numSpatialDims <= 0) {
    throw new InvalidArgumentError(
      where,
      `We only support convolution operations for \`numSpatialDims\` (Haiku's \`num_spatial_dims\`) greater than 0, got ${describe(numSpatialDims)}`,
      "pass 1, 2 or 3.",
    );
  }
  if (numSpatialDims > 3) {
    throw new InvalidArgumentError(
      where,
      `tfjs convolves over 1, 2 or 3 spatial dims, got \`numSpatialDims\` (Haiku's \`num_spatial_dims\`) ${numSpatialDims}`,
      "pass 1, 2 or 3.",
    );
  }
  if (!Number.isInteger(outputChannels) || outputChannels <= 0) {
    throw new InvalidArgumentError(
      where,
      `\`outputChannels\` (Haiku's \`output_channels\`) must be a positive integer, got ${describe(outputChannels)}`,
      "pass e.g. 16.",
    );
  }
}

/**
 * Checks that `inputs` is a rank `n + 2` (batched) or `n + 1` (unbatched) tensor and returns it
 * batched, with whether the batch axis was added (to squeeze it off the output).
 */
export function batchedInput(inputs: unknown, n: number, layer: string, where: string): [tf.Tensor, boolean] {
  assertTensor(inputs, where);
  const allowed = [n + 1, n + 2];
  if (!allowed.includes(inputs.rank)) {
    throw new ShapeError(
      where,
      `Input to ${layer} needs to have rank in [${allowed.join(", ")}], but input has shape ${formatShape(inputs.shape)}`,
      "pass [batch, ...spatial, channels] (or drop the batch axis).",
    );
  }
  const unbatched = inputs.rank === n + 1;
  return [unbatched ? tf.expandDims(inputs, 0) : inputs, unbatched];
}

/** Throws Haiku's error when a weight `mask` is given and does not have the weight's shape. */
export function checkMaskShape(mask: tf.Tensor | null, wShape: readonly number[], where: string): void {
  if (mask !== null && (mask.rank !== wShape.length || mask.shape.some((d, i) => d !== wShape[i]))) {
    throw new ShapeError(
      where,
      `Mask needs to have the same shape as weights. Shapes are: ${formatShape(mask.shape)}, ${formatShape(wShape)}`,
      "pass a `mask` of the kernel's shape.",
    );
  }
}

/**
 * The bias `b` of an N-D convolution: `[C]` for channels-last outputs, `[C, 1, ...]` (one 1 per
 * spatial dim) for channels-first ones, as Haiku shapes it.
 */
export function convBias(
  outputChannels: number,
  numSpatialDims: number,
  channelIndex: 1 | -1,
  dtype: tf.DataType,
  init: Initializer,
): tf.Tensor {
  const shape = channelIndex === -1 ? [outputChannels] : [outputChannels, ...new Array<number>(numSpatialDims).fill(1)];
  return getParameter("b", shape, { dtype, init });
}

/**
 * Runs a channels-last op `op(x, b)` on a batched input in either layout. Channels-first inputs
 * are transposed around `op`, and their `[C, 1, ...]` bias is added after transposing back, since
 * it only broadcasts against the channels-first output.
 */
export function inChannelsLast(
  x: tf.Tensor,
  channelIndex: 1 | -1,
  b: tf.Tensor | null,
  op: (x: tf.Tensor, b: tf.Tensor | null) => tf.Tensor,
): tf.Tensor {
  if (channelIndex === -1) return op(x, b);
  const y = toChannelsFirst(op(toChannelsLast(x), null));
  return b ? tf.add(y, b) : y;
}

/**
 * General N-D convolution (`hk.ConvND`). Parameters: `w: [...kernel, Cin / groups, Cout]`
 * (HWIO) and `b: [Cout]` (`[Cout, 1, ...]` for channels-first). Accepts a batched rank `N+2`
 * input or an unbatched rank `N+1` one.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.ConvND(2, 16, 3, { stride: 2 }).call(x));
 * ```
 *
 * @category Layers
 */
@module("conv_nd")
export class ConvND extends Module {
  /** Number of spatial dims. */
  readonly numSpatialDims: number;
  /** Output channels. */
  readonly outputChannels: number;
  /** Kernel size per spatial dim. */
  readonly kernelShape: readonly number[];
  /** Stride per spatial dim. */
  readonly stride: readonly number[];
  /** Dilation per spatial dim. */
  readonly kernelDilation: readonly number[];
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
  /** Weight mask, or null. */
  readonly mask: tf.Tensor | null;
  /** Feature groups. */
  readonly featureGroupCount: number;

  /**
   * @param numSpatialDims Number of spatial dims (1, 2 or 3 in tfjs).
   * @param outputChannels Number of output channels.
   * @param kernelShape Kernel size, an int or one per spatial dim.
   * @param options Haiku's keyword arguments.
   */
  constructor(
    numSpatialDims: number,
    outputChannels: number,
    kernelShape: number | readonly number[],
    options: ConvOptions = {},
  ) {
    super(options.name);
    const where = moduleWhere(this);
    checkConvDims(numSpatialDims, outputChannels, where);
    this.numSpatialDims = numSpatialDims;
    this.outputChannels = outputChannels;
    this.kernelShape = replicate(kernelShape, numSpatialDims, "`kernelShape` (Haiku's `kernel_shape`)", where);
    this.stride = replicate(options.stride ?? 1, numSpatialDims, "`stride`", where);
    this.kernelDilation = replicate(options.rate ?? 1, numSpatialDims, "`rate`", where);
    this.withBias = options.withBias ?? true;
    this.wInit = options.wInit ?? null;
    this.bInit = options.bInit ?? zerosInit;
    this.mask = options.mask ?? null;
    this.featureGroupCount = options.featureGroupCount ?? 1;
    if (!Number.isInteger(this.featureGroupCount) || this.featureGroupCount < 1) {
      throw new InvalidArgumentError(
        where,
        `\`featureGroupCount\` (Haiku's \`feature_group_count\`) must be a positive integer, got ${describe(this.featureGroupCount)}`,
        "pass 1 (a dense convolution) or a divisor of the channels.",
      );
    }
    if (outputChannels % this.featureGroupCount !== 0) {
      throw new InvalidArgumentError(
        where,
        `\`outputChannels\` ${outputChannels} must be a multiple of \`featureGroupCount\` (Haiku's \`feature_group_count\`) ${this.featureGroupCount}`,
        "choose sizes where the groups divide the output channels.",
      );
    }
    this.dataFormat = options.dataFormat ?? "channels_last";
    this.channelIndex = getChannelIndex(this.dataFormat, moduleWhere(this));
    this.padding = resolvePadding(options.padding ?? "SAME", this.kernelShape, this.kernelDilation, where);
  }

  /** Convolves `inputs` (`[N, ...spatial, C]`, or unbatched `[...spatial, C]`). */
  call(inputs: tf.Tensor): tf.Tensor {
    const where = moduleWhere(this);
    const n = this.numSpatialDims;
    const [x, unbatched] = batchedInput(inputs, n, "ConvND", where);
    const cAxis = this.channelIndex === -1 ? x.rank - 1 : 1;
    const cin = x.shape[cAxis]!;
    if (cin % this.featureGroupCount !== 0) {
      throw new ShapeError(
        where,
        `Inputs channels ${cin} should be a multiple of \`featureGroupCount\` (Haiku's \`feature_group_count\`) ${this.featureGroupCount}`,
        "pass inputs whose channels the groups divide.",
      );
    }
    const wShape = [...this.kernelShape, cin / this.featureGroupCount, this.outputChannels];
    checkMaskShape(this.mask, wShape, where);
    const wInit = this.wInit ?? TruncatedNormal(1 / Math.sqrt(wShape.slice(0, -1).reduce((a, b) => a * b, 1)));
    let w = getParameter("w", wShape, { dtype: inputs.dtype, init: wInit });
    if (this.mask !== null) w = tf.mul(w, this.mask);
    w = dilateKernel(w, this.kernelDilation);
    const b = this.withBias ? convBias(this.outputChannels, n, this.channelIndex, inputs.dtype, this.bInit) : null;
    const out = inChannelsLast(x, this.channelIndex, b, (xl, bl) =>
      convChannelsLast(xl, w, this.stride, this.padding, this.featureGroupCount, bl),
    );
    return unbatched ? tf.squeeze(out, [0]) : out;
  }
}

/**
 * Options of {@link Conv1D} (`dataFormat` `"NWC"` or `"NCW"`).
 *
 * @category Layers
 */
export type Conv1DOptions = ConvOptions;
/**
 * Options of {@link Conv2D} (`dataFormat` `"NHWC"` or `"NCHW"`).
 *
 * @category Layers
 */
export type Conv2DOptions = ConvOptions;
/**
 * Options of {@link Conv3D} (`dataFormat` `"NDHWC"` or `"NCDHW"`).
 *
 * @category Layers
 */
export type Conv3DOptions = ConvOptions;

/**
 * 1-D convolution (`hk.Conv1D`): `w: [k, Cin, Cout]`, `b: [Cout]`, input `[N, W, C]`.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Conv1D(8, 3).call(x));
 * ```
 *
 * @category Layers
 */
@module("conv1_d")
export class Conv1D extends ConvND {
  /**
   * @param outputChannels Number of output channels.
   * @param kernelShape Kernel size.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputChannels: number, kernelShape: number | readonly number[], options: Conv1DOptions = {}) {
    super(1, outputChannels, kernelShape, { ...options, dataFormat: options.dataFormat ?? "NWC" });
  }
}

/**
 * 2-D convolution (`hk.Conv2D`): `w: [kh, kw, Cin, Cout]` (HWIO), `b: [Cout]`, input NHWC
 * (or NCHW with `dataFormat: "NCHW"`).
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Conv2D(32, [3, 3], { stride: 1, padding: "SAME" }).call(x));
 * ```
 *
 * @category Layers
 */
@module("conv2_d")
export class Conv2D extends ConvND {
  /**
   * @param outputChannels Number of output channels.
   * @param kernelShape Kernel size, an int or `[kh, kw]`.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputChannels: number, kernelShape: number | readonly number[], options: Conv2DOptions = {}) {
    super(2, outputChannels, kernelShape, { ...options, dataFormat: options.dataFormat ?? "NHWC" });
  }
}

/**
 * 3-D convolution (`hk.Conv3D`): `w: [kd, kh, kw, Cin, Cout]`, `b: [Cout]`, input NDHWC.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Conv3D(4, 3).call(x));
 * ```
 *
 * @category Layers
 */
@module("conv3_d")
export class Conv3D extends ConvND {
  /**
   * @param outputChannels Number of output channels.
   * @param kernelShape Kernel size, an int or `[kd, kh, kw]`.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputChannels: number, kernelShape: number | readonly number[], options: Conv3DOptions = {}) {
    super(3, outputChannels, kernelShape, { ...options, dataFormat: options.dataFormat ?? "NDHWC" });
  }
}
