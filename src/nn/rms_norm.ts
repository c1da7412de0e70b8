/**
 * Root-mean-square normalisation (`rms_norm.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { paramShape } from "./layer_norm.js";
import { toAbsAxes, toAxesOrSlice } from "./norm_axes.js";
import type { AxesOrSlice, AxisOrAxes } from "./norm_axes.js";
import { moduleWhere } from "../core/module.js";
import { onesInit } from "../initializers/constant.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** Options of {@link RMSNorm} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface RMSNormOptions {
  /** Added to the mean square; default `1e-5`. */
  eps?: number;
  /** Initializer of `scale` (default ones); only with `createScale`. */
  scaleInit?: Initializer;
  /** Whether to learn a `scale`; default `true`. */
  createScale?: boolean;
  /** Axes sizing `scale`; default `-1` (shape `[C]`). */
  paramAxis?: AxisOrAxes;
  /** Module name; default `"rms_norm"`. */
  name?: string;
}

/**
 * Normalises by the root mean square over `axis` (no re-centring) and applies a learnable
 * `scale`: `x * scale * rsqrt(mean(x²) + eps)`.
 *
 * @example
 * ```ts
 * const y = new hk.RMSNorm(-1).call(x); // param rms_norm/scale of shape [C]
 * ```
 *
 * @category Layers
 */
@module("rms_norm")
export class RMSNorm extends Module {
  /** Normalised axes (as given). */
  readonly axis: AxesOrSlice;
  /** Added to the mean square. */
  readonly eps: number;
  /** Whether `scale` is a parameter. */
  readonly createScale: boolean;
  /** Initializer of `scale`. */
  readonly scaleInit: Initializer;
  /** Axes sizing `scale`. */
  readonly paramAxis: AxesOrSlice;

  /**
   * @param axis - axis, list of axes or slice to normalise over.
   * @param opts - `eps`, `scaleInit`, `createScale`, `paramAxis`, `name`.
   */
  constructor(axis: AxisOrAxes, opts: RMSNormOptions = {}) {
    super(opts.name);
    const where = moduleWhere(this);
    this.createScale = opts.createScale ?? true;
    if (!this.createScale && opts.scaleInit != null) {
      throw new InvalidArgumentError(
        where,
        "Cannot set `scaleInit` (Haiku's `scale_init`) if `createScale` (Haiku's `create_scale`) is false",
        "pass `createScale: true`, or drop `scaleInit`.",
      );
    }
    this.axis = toAxesOrSlice(axis, where);
    this.eps = opts.eps ?? 1e-5;
    this.scaleInit = opts.scaleInit ?? onesInit;
    this.paramAxis =
      opts.paramAxis == null ? [-1] : toAxesOrSlice(opts.paramAxis, where, "`paramAxis` (Haiku's `param_axis`)");
  }

  /**
   * Returns the normalised input.
   *
   * @param inputs - tensor `[N, ..., C]`.
   */
  call(inputs: tf.Tensor): tf.Tensor {
    const where = moduleWhere(this);
    if (!(inputs instanceof tf.Tensor)) {
      throw new InvalidArgumentError(
        where,
        `\`inputs\` must be a tf.Tensor, got ${describe(inputs)}`,
        "pass a tf.Tensor.",
      );
    }
    const ndim = inputs.rank;
    const axis = toAbsAxes(this.axis, ndim, where);
    const meanSquared = tf.mean(tf.square(inputs), axis, true);
    let inv = tf.rsqrt(tf.add(meanSquared, tf.scalar(this.eps, meanSquared.dtype)));
    if (this.createScale) {
      const shape = paramShape(
        inputs.shape,
        toAbsAxes(this.paramAxis, ndim, where, "`paramAxis` (Haiku's `param_axis`)"),
      );
      const scale = getParameter("scale", shape, { init: this.scaleInit, dtype: inputs.dtype });
      inv = tf.mul(scale, inv);
    }
    return tf.mul(inputs, inv);
  }
}
