/**
 * `Linear` (Haiku's `basic.py`, class `Linear`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { TruncatedNormal } from "../initializers/random.js";
import { assertTensor } from "../util/assert.js";
import { moduleWhere } from "../core/module.js";
import { zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/**
 * Haiku's default `w` initializer, `TruncatedNormal(1 / sqrt(fan_in))`, made only when a weight is
 * created: `apply` never needs it, and building an initializer per call is wasted work there.
 */
const defaultWInit: Initializer = (shape, dtype) => TruncatedNormal(1 / Math.sqrt(shape[0]!))(shape, dtype);

/** Options of {@link Linear} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface LinearOptions {
  /** Whether to add a bias `b` (default true). */
  withBias?: boolean;
  /** Initializer of `w`; default `TruncatedNormal(1 / sqrt(inputSize))`. */
  wInit?: Initializer | null;
  /** Initializer of `b`; default zeros. */
  bInit?: Initializer | null;
  /** Module name; default `"linear"`. */
  name?: string;
}

/**
 * A linear layer `y = x @ w + b` with parameters `w: [inputSize, outputSize]` and
 * `b: [outputSize]`, created on first call with the input's dtype. Any input of rank >= 1 works:
 * the last axis is contracted.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Linear(10).call(x));
 * const params = f.init(hk.random.key(0), tf.ones([8, 1]));   // { linear: { w: [1, 10], b: [10] } }
 * ```
 *
 * @category Layers
 */
@module("linear")
export class Linear extends Module {
  /** Output dimensionality. */
  readonly outputSize: number;
  /** Whether `b` exists. */
  readonly withBias: boolean;
  /** `w`'s initializer, or `null` for the default. */
  readonly wInit: Initializer | null;
  /** `b`'s initializer. */
  readonly bInit: Initializer;
  /** The last input's feature size (`null` until the first call). */
  inputSize: number | null = null;

  /**
   * @param outputSize Output dimensionality.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputSize: number, options: LinearOptions = {}) {
    super(options.name);
    if (!Number.isInteger(outputSize) || outputSize < 0) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        `\`outputSize\` (Haiku's \`output_size\`) must be a non-negative integer, got ${describe(outputSize)}`,
        "pass the number of output features, e.g. `new hk.Linear(10)`.",
      );
    }
    this.outputSize = outputSize;
    this.withBias = options.withBias ?? true;
    this.wInit = options.wInit ?? null;
    this.bInit = options.bInit ?? zerosInit;
  }

  /** Computes `inputs @ w + b` over the last axis of `inputs`. */
  call(inputs: tf.Tensor): tf.Tensor {
    assertTensor(inputs, moduleWhere(this));
    if (inputs.rank === 0) {
      throw new ShapeError(
        moduleWhere(this),
        "Input must not be scalar, got a scalar tensor",
        "pass an input of rank >= 1, e.g. [batch, features].",
      );
    }
    const inputSize = inputs.shape[inputs.rank - 1]!;
    this.inputSize = inputSize;
    const dtype = inputs.dtype;
    const w = getParameter("w", [inputSize, this.outputSize], {
      dtype,
      init: this.wInit ?? defaultWInit,
    }) as tf.Tensor2D;
    const x2 = (inputs.rank === 2 ? inputs : tf.reshape(inputs, [-1, inputSize])) as tf.Tensor2D;
    let out: tf.Tensor;
    if (this.withBias) {
      const b = getParameter("b", [this.outputSize], { dtype, init: this.bInit });
      // matMul + add, not tf.fused.matMul: no faster on wasm in our measurements, and wasm's
      // fused kernel rejects a bias whose buffer was created with another shape.
      out = tf.add(tf.matMul(x2, w), b);
    } else {
      out = tf.matMul(x2, w);
    }
    return inputs.rank === 2 ? out : tf.reshape(out, [...inputs.shape.slice(0, -1), this.outputSize]);
  }
}
