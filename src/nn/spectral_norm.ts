/**
 * Spectral normalisation (`spectral_norm.py`): divide a matrix by its largest singular value,
 * estimated by power iteration with the vector `u0` kept in state.
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getState, module, setState } from "../core/index.js";
import type { Params } from "../core/index.js";
import { RandomNormal } from "../initializers/index.js";
import { mapParamsTree } from "./params_tree.js";
import { moduleWhere } from "../core/module.js";
import { onesInit } from "../initializers/constant.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe, formatShape } from "../util/describe.js";

/** Options of {@link SpectralNorm}.
 *
 * @category Layers
 */
export interface SpectralNormOptions {
  /** Stabilises the L2 normalisations; default `1e-4`. */
  eps?: number;
  /** Power-iteration steps per call; default `1`. */
  nSteps?: number;
  /** Module name; default `"spectral_norm"`. */
  name?: string;
}

/**
 * Options of {@link SpectralNorm.call}.
 *
 * @category Layers
 */
export interface SpectralNormCallOptions {
  /** Whether to store the new `u0` and `sigma`; default `true`. */
  updateStats?: boolean;
  /** Throw for inputs of rank > 2 instead of flattening their leading axes; default `false`. */
  errorOnNonMatrix?: boolean;
}

/** `x * rsqrt(sum(x²) + eps)` (Haiku's `_l2_normalize` over all axes). */
function l2Normalize(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x)), tf.scalar(eps, x.dtype))));
}

// JAX's stop_gradient: the identity forward, zero gradient backward.
const stopGradient = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * Divides its input by an estimate of its largest singular value (one power-iteration step per
 * call by default); state `u0` (`[1, C]`, `RandomNormal` init, so `init` needs an rng) and
 * `sigma` (the estimate). Inputs of rank > 2 are viewed as `[-1, C]`.
 *
 * @example
 * ```ts
 * const f = hk.transformWithState((w: tf.Tensor) => new hk.SpectralNorm().call(w));
 * const [, state] = f.init(hk.random.key(0), w);
 * const [wBar, newState] = f.apply({}, state, null, w);
 * ```
 *
 * @category Layers
 */
@module("spectral_norm")
export class SpectralNorm extends Module {
  /** Stabilises the L2 normalisations. */
  readonly eps: number;
  /** Power-iteration steps per call. */
  readonly nSteps: number;

  /** @param opts - `eps`, `nSteps`, `name`. */
  constructor(opts: SpectralNormOptions = {}) {
    super(opts.name);
    this.eps = opts.eps ?? 1e-4;
    this.nSteps = opts.nSteps ?? 1;
    if (!Number.isInteger(this.nSteps) || this.nSteps < 1) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        `\`nSteps\` (Haiku's \`n_steps\`) must be a positive integer, got ${describe(this.nSteps)}`,
        "pass e.g. `{ nSteps: 1 }`.",
      );
    }
  }

  /**
   * Returns `value / sigma`, with `sigma` its estimated largest singular value.
   *
   * @param value - a matrix (or higher-rank tensor viewed as `[-1, C]`).
   * @param opts - `updateStats`, `errorOnNonMatrix`.
   */
  call(value: tf.Tensor, opts: SpectralNormCallOptions = {}): tf.Tensor {
    const where = moduleWhere(this);
    if (!(value instanceof tf.Tensor))
      throw new InvalidArgumentError(
        where,
        `\`value\` must be a tf.Tensor, got ${describe(value)}`,
        "pass the weight matrix as a tf.Tensor.",
      );
    if (value.rank <= 1) {
      throw new ShapeError(
        where,
        `Spectral normalization is not well defined for scalar or vector inputs, got shape ${formatShape(value.shape)}`,
        "pass a tensor of rank >= 2 (a weight matrix).",
      );
    }
    let matrix = value;
    if (value.rank > 2) {
      if (opts.errorOnNonMatrix)
        throw new ShapeError(
          where,
          `Input is ${value.rank}D but \`errorOnNonMatrix\` (Haiku's \`error_on_non_matrix\`) is true`,
          "pass a rank-2 matrix, or set `errorOnNonMatrix: false` to reshape higher-rank inputs.",
        );
      matrix = tf.reshape(value, [-1, value.shape[value.rank - 1]!]);
    }
    const cols = matrix.shape[1]!;
    let u0 = getState<tf.Tensor>("u0", { shape: [1, cols], dtype: value.dtype, init: RandomNormal() });
    let v0 = u0;
    for (let i = 0; i < this.nSteps; i++) {
      v0 = l2Normalize(tf.matMul(u0, matrix, false, true), this.eps);
      u0 = l2Normalize(tf.matMul(v0, matrix), this.eps);
    }
    u0 = stopGradient(u0);
    v0 = stopGradient(v0);
    const sigma = tf.reshape(tf.matMul(tf.matMul(v0, matrix), u0, false, true), []);
    const out = tf.reshape(tf.div(matrix, sigma), value.shape);
    if (opts.updateStats ?? true) {
      setState("u0", u0);
      setState("sigma", sigma);
    }
    return out;
  }

  /** The stored singular vector estimate `u0` (`[1, C]`). */
  readU0(): tf.Tensor {
    return getState<tf.Tensor>("u0");
  }

  /** The stored singular value estimate (ones until the first update). */
  readSigma(): tf.Tensor {
    return getState<tf.Tensor>("sigma", { shape: [], init: onesInit });
  }
}

/**
 * Options of {@link SNParamsTree}.
 *
 * @category Layers
 */
export interface SNParamsTreeOptions extends SpectralNormOptions {
  /** Parameters whose `"module/param"` name matches this regex (at its start) are left alone. */
  ignoreRegex?: string;
}

/**
 * Spectral normalisation of every parameter of a Haiku params tree (one {@link SpectralNorm}
 * per leaf, named from its path with `/` -> `__` and `~` -> `_tilde`, as Haiku).
 *
 * @example
 * ```ts
 * const sn = hk.transformWithState((p: hk.Params) => new hk.SNParamsTree({ ignoreRegex: ".*b$" }).call(p));
 * ```
 *
 * @category Layers
 */
@module("sn_params_tree")
export class SNParamsTree extends Module {
  /** Stabilises the L2 normalisations. */
  readonly eps: number;
  /** Power-iteration steps per call. */
  readonly nSteps: number;
  /** Regex of parameter names left alone ("" normalises everything). */
  readonly ignoreRegex: string;

  /** @param opts - `eps`, `nSteps`, `ignoreRegex`, `name`. */
  constructor(opts: SNParamsTreeOptions = {}) {
    super(opts.name);
    this.eps = opts.eps ?? 1e-4;
    this.nSteps = opts.nSteps ?? 1;
    this.ignoreRegex = opts.ignoreRegex ?? "";
  }

  /**
   * Returns the tree with every (not ignored) parameter spectrally normalised.
   *
   * @param tree - a two-level `{module: {param: tensor}}` mapping.
   * @param opts - `updateStats`.
   */
  call(tree: Params, opts: { updateStats?: boolean } = {}): Params {
    return mapParamsTree(tree, this.ignoreRegex, (fullName, value) =>
      new SpectralNorm({
        eps: this.eps,
        nSteps: this.nSteps,
        name: fullName.replaceAll("/", "__").replaceAll("~", "_tilde"),
      }).call(value, { updateStats: opts.updateStats ?? true }),
    );
  }
}
