/**
 * `ConvNDTranspose`, `Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose` (Haiku's
 * `conv.py`, `compute_adjusted_padding` and JAX's `lax.conv_transpose`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { TruncatedNormal } from "../initializers/random.js";
import { batchedInput, checkConvDims, checkMaskShape, convBias, inChannelsLast } from "./conv.js";
import { convTransposeChannelsLast } from "./conv_ops.js";
import { replicate } from "./conv_utils.js";
import { getChannelIndex } from "./norm_axes.js";
import { moduleWhere } from "../core/module.js";
import { zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** Options of the transposed convolutions (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface ConvTransposeOptions {
  /** Stride, an int or one per spatial dim (default 1). */
  stride?: number | readonly number[];
  /** Spatial output shape (an int or one per dim); default from `padding` and `stride`. */
  outputShape?: number | readonly number[] | null;
  /**
   * `"SAME"` (default) or `"VALID"` (the padding of the forward conv), or `[low, high]` pairs
   * applied to the dilated input as in `lax.conv_transpose`.
   */
  padding?: string | readonly [number, number] | readonly (readonly [number, number])[];
  /** Whether to add a bias `b` (default true). */
  withBias?: boolean;
  /** Initializer of `w`; default `TruncatedNormal(1 / sqrt(prod(kernel) * Cin))`. */
  wInit?: Initializer | null;
  /** Initializer of `b`; default zerosInit. */
  bInit?: Initializer | null;
  /** Data format (`"NWC"`, `"NHWC"`, `"NDHWC"` defaults; channels-first variants accepted). */
  dataFormat?: string;
  /** Multiplies `w` elementwise; must have `w`'s shape. */
  mask?: tf.Tensor | null;
  /** Module name. */
  name?: string;
}

/** JAX's `_conv_transpose_padding` for one dim. */
function transposePadding(k: number, s: number, padding: "SAME" | "VALID"): [number, number] {
  let padLen: number;
  let padA: number;
  if (padding === "SAME") {
    padLen = k + s - 2;
    padA = s > k - 1 ? k - 1 : Math.ceil(padLen / 2);
  } else {
    padLen = k + s - 2 + Math.max(k - s, 0);
    padA = k - 1;
  }
  return [padA, padLen - padA];
}

/** Haiku's `compute_adjusted_padding`: the transposed-conv padding giving `outputSize`.
 *
 * @category Layers
 */
function computeAdjustedPadding(
  inputSize: number,
  outputSize: number,
  kernelSize: number,
  stride: number,
  padding: "SAME" | "VALID",
  where: string,
): [number, number] {
  let paddingBefore: number;
  if (padding === "VALID") {
    const expected = Math.floor((outputSize - kernelSize + stride) / stride);
    if (inputSize !== expected) {
      throw new ShapeError(
        where,
        `The expected input size with the current set of input parameters is ${expected} which doesn't match the actual input size ${inputSize}`,
        "pass an `outputShape` consistent with the input, stride and padding (or drop it).",
      );
    }
    paddingBefore = 0;
  } else {
    const expected = Math.floor((outputSize + stride - 1) / stride);
    if (inputSize !== expected) {
      throw new ShapeError(
        where,
        `The expected input size with the current set of input parameters is ${expected} which doesn't match the actual input size ${inputSize}`,
        "pass an `outputShape` consistent with the input, stride and padding (or drop it).",
      );
    }
    const needed = Math.max(0, (inputSize - 1) * stride + kernelSize - outputSize);
    paddingBefore = Math.floor(needed / 2);
  }
  const expandedInput = (inputSize - 1) * stride + 1;
  const paddedOut = outputSize + kernelSize - 1;
  const padBefore = kernelSize - 1 - paddingBefore;
  return [padBefore, paddedOut - expandedInput - padBefore];
}

/**
 * General N-D transposed convolution (`hk.ConvNDTranspose`), computed as JAX's
 * `lax.conv_transpose` (the kernel is not flipped): `w: [...kernel, Cout, Cin]`, `b: [Cout]`.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.ConvNDTranspose(2, 8, 3, { stride: 2 }).call(x));
 * ```
 *
 * @category Layers
 */
@module("conv_nd_transpose")
export class ConvNDTranspose extends Module {
  /** Number of spatial dims. */
  readonly numSpatialDims: number;
  /** Output channels. */
  readonly outputChannels: number;
  /** Kernel size per spatial dim. */
  readonly kernelShape: readonly number[];
  /** Stride per spatial dim. */
  readonly stride: readonly number[];
  /** Requested spatial output shape, or null. */
  readonly outputShape: readonly number[] | null;
  /** `"SAME"`, `"VALID"` or explicit pairs. */
  readonly padding: "SAME" | "VALID" | readonly (readonly [number, number])[];
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

  /**
   * @param numSpatialDims Number of spatial dims (1, 2 or 3).
   * @param outputChannels Number of output channels.
   * @param kernelShape Kernel size, an int or one per spatial dim.
   * @param options Haiku's keyword arguments.
   */
  constructor(
    numSpatialDims: number,
    outputChannels: number,
    kernelShape: number | readonly number[],
    options: ConvTransposeOptions = {},
  ) {
    super(options.name);
    const where = moduleWhere(this);
    checkConvDims(numSpatialDims, outputChannels, where);
    this.numSpatialDims = numSpatialDims;
    this.outputChannels = outputChannels;
    this.kernelShape = replicate(kernelShape, numSpatialDims, "`kernelShape` (Haiku's `kernel_shape`)", where);
    this.stride = replicate(options.stride ?? 1, numSpatialDims, "`stride`", where);
    const padding = options.padding ?? "SAME";
    this.outputShape = null;
    if (options.outputShape !== undefined && options.outputShape !== null) {
      this.outputShape = replicate(
        options.outputShape,
        numSpatialDims,
        "`outputShape` (Haiku's `output_shape`)",
        where,
      );
      if (typeof padding !== "string") {
        throw new InvalidArgumentError(
          where,
          "When specifying `outputShape` (Haiku's `output_shape`), ensure that padding is 'VALID' or 'SAME'",
          'pass `padding: "SAME"` or `"VALID"`.',
        );
      }
    }
    if (typeof padding === "string") {
      const p = padding.toUpperCase();
      if (p !== "SAME" && p !== "VALID") {
        throw new InvalidArgumentError(
          where,
          `\`padding\` must be 'VALID' or 'SAME', got ${describe(padding)}`,
          'pass `padding: "SAME"` or `"VALID"`.',
        );
      }
      this.padding = p;
    } else {
      const pairs = (typeof padding[0] === "number" ? [padding] : padding) as readonly (readonly [number, number])[];
      const all = pairs.length === 1 ? new Array(numSpatialDims).fill(pairs[0]) : pairs;
      if (
        all.length !== numSpatialDims ||
        !all.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))
      ) {
        throw new InvalidArgumentError(
          where,
          `\`padding\` must be "SAME", "VALID" or ${numSpatialDims} [low, high] pairs of non-negative integers, got ${JSON.stringify(padding)}`,
          'pass "SAME" or "VALID".',
        );
      }
      this.padding = all;
    }
    this.withBias = options.withBias ?? true;
    this.wInit = options.wInit ?? null;
    this.bInit = options.bInit ?? zerosInit;
    this.mask = options.mask ?? null;
    this.dataFormat = options.dataFormat ?? "channels_last";
    this.channelIndex = getChannelIndex(this.dataFormat, moduleWhere(this));
  }

  /** Computes the transposed convolution of `inputs` (batched or unbatched). */
  call(inputs: tf.Tensor): tf.Tensor {
    const where = moduleWhere(this);
    const n = this.numSpatialDims;
    const [x, unbatched] = batchedInput(inputs, n, "ConvNDTranspose", where);
    const cin = x.shape[this.channelIndex === -1 ? x.rank - 1 : 1]!;
    const wShape = [...this.kernelShape, this.outputChannels, cin];
    checkMaskShape(this.mask, wShape, where);
    const fanIn = this.kernelShape.reduce((a, b) => a * b, 1) * cin;
    const wInit = this.wInit ?? TruncatedNormal(1 / Math.sqrt(fanIn));
    let w = getParameter("w", wShape, { dtype: inputs.dtype, init: wInit });
    if (this.mask !== null) w = tf.mul(w, this.mask);
    const spatial = this.channelIndex === 1 ? x.shape.slice(2) : x.shape.slice(1, -1);
    let pads: (readonly [number, number])[];
    const padding = this.padding;
    if (this.outputShape !== null) {
      const p = padding as "SAME" | "VALID";
      pads = spatial.map((size, i) =>
        computeAdjustedPadding(size, this.outputShape![i]!, this.kernelShape[i]!, this.stride[i]!, p, where),
      );
    } else if (typeof padding === "string") {
      pads = this.kernelShape.map((k, i) => transposePadding(k, this.stride[i]!, padding));
    } else {
      pads = [...padding];
    }
    const b = this.withBias ? convBias(this.outputChannels, n, this.channelIndex, inputs.dtype, this.bInit) : null;
    const out = inChannelsLast(x, this.channelIndex, b, (xl, bl) =>
      convTransposeChannelsLast(xl, w, this.stride, pads, bl),
    );
    return unbatched ? tf.squeeze(out, [0]) : out;
  }
}

/**
 * 1-D transposed convolution (`hk.Conv1DTranspose`): `w: [k, Cout, Cin]`.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Conv1DTranspose(4, 3, { stride: 2 }).call(x));
 * ```
 *
 * @category Layers
 */
@module("conv1_d_transpose")
export class Conv1DTranspose extends ConvNDTranspose {
  /**
   * @param outputChannels Number of output channels.
   * @param kernelShape Kernel size.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputChannels: number, kernelShape: number | readonly number[], options: ConvTransposeOptions = {}) {
    super(1, outputChannels, kernelShape, { ...options, dataFormat: options.dataFormat ?? "NWC" });
  }
}

/**
 * 2-D transposed convolution (`hk.Conv2DTranspose`): `w: [kh, kw, Cout, Cin]`, `b: [Cout]`.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Conv2DTranspose(16, 4, { stride: 2 }).call(x));
 * ```
 *
 * @category Layers
 */
@module("conv2_d_transpose")
export class Conv2DTranspose extends ConvNDTranspose {
  /**
   * @param outputChannels Number of output channels.
   * @param kernelShape Kernel size, an int or `[kh, kw]`.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputChannels: number, kernelShape: number | readonly number[], options: ConvTransposeOptions = {}) {
    super(2, outputChannels, kernelShape, { ...options, dataFormat: options.dataFormat ?? "NHWC" });
  }
}

/**
 * 3-D transposed convolution (`hk.Conv3DTranspose`): `w: [kd, kh, kw, Cout, Cin]`.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Conv3DTranspose(4, 3).call(x));
 * ```
 *
 * @category Layers
 */
@module("conv3_d_transpose")
export class Conv3DTranspose extends ConvNDTranspose {
  /**
   * @param outputChannels Number of output channels.
   * @param kernelShape Kernel size, an int or `[kd, kh, kw]`.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputChannels: number, kernelShape: number | readonly number[], options: ConvTransposeOptions = {}) {
    super(3, outputChannels, kernelShape, { ...options, dataFormat: options.dataFormat ?? "NDHWC" });
  }
}
