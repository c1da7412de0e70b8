/**
 * `Bias` (Haiku's `bias.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { assertTensor } from "../util/assert.js";
import { formatShape } from "../util/describe.js";
import { moduleWhere } from "../core/module.js";
import { zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/** Options of {@link Bias} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface BiasOptions {
  /** Expected input shape without the batch dim; default: taken from the input. */
  outputSize?: readonly number[] | null;
  /**
   * Input dims the bias varies over (others broadcast, leading ones dropped): default all but
   * the batch dim; `[]` for a scalar bias; `[-1]` for a per-channel bias.
   */
  biasDims?: readonly number[] | null;
  /** Initializer of `b`; default zerosInit. */
  bInit?: Initializer | null;
  /** Module name; default `"bias"`. */
  name?: string;
}

/**
 * Haiku's `calculate_bias_shape`: the bias shape for `inputShape` (batch first) and `biasDims`.
 */
export function calculateBiasShape(
  inputShape: readonly number[],
  biasDims: readonly number[] | null,
  where = "hk.Bias",
): number[] {
  const rank = inputShape.length;
  if (biasDims === null) return inputShape.slice(1);
  if (biasDims.length === 0) return [];
  const shape = new Array<number>(rank).fill(1);
  for (let dim of biasDims) {
    if (dim < 0) dim = ((dim % rank) + rank) % rank;
    if (dim === 0)
      throw new InvalidArgumentError(
        where,
        `Cannot apply bias across the minibatch dimension (\`biasDims\` (Haiku's \`bias_dims\`) ${JSON.stringify(biasDims)})`,
        "use axes after the batch axis, e.g. `[-1]`.",
      );
    if (dim >= rank) {
      throw new InvalidArgumentError(
        where,
        `Dimension ${dim} (\`biasDims\` (Haiku's \`bias_dims\`) ${JSON.stringify(biasDims)}) out of range for input of rank ${rank}`,
        "pass axes that the input has.",
      );
    }
    shape[dim] = inputShape[dim]!;
  }
  let start = rank;
  for (let d = 1; d < rank; d++) {
    if (shape[d] !== 1) {
      start = d;
      break;
    }
  }
  return shape.slice(start);
}

/**
 * Adds a learned bias `b`, by default over every non-batch dim (`b: inputs.shape[1:]`), and
 * optionally multiplies it first (`multiplier = -1` subtracts the same bias).
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Bias({ biasDims: [-1] }).call(x));
 * ```
 *
 * @category Layers
 */
@module("bias")
export class Bias extends Module {
  /** Expected non-batch input shape, or null. */
  readonly outputSize: readonly number[] | null;
  /** Dims the bias varies over, or null for all non-batch dims. */
  readonly biasDims: readonly number[] | null;
  /** `b`'s initializer. */
  readonly bInit: Initializer;
  /** The bias shape of the last call (`null` before). */
  biasShape: number[] | null = null;
  /** The last input's non-batch shape (`null` before). */
  inputSize: number[] | null = null;

  /** @param options Haiku's keyword arguments. */
  constructor(options: BiasOptions = {}) {
    super(options.name);
    this.outputSize = options.outputSize ?? null;
    this.biasDims = options.biasDims ?? null;
    this.bInit = options.bInit ?? zerosInit;
  }

  /** Returns `inputs + b` (or `inputs + b * multiplier`). */
  call(inputs: tf.Tensor, multiplier?: number | tf.Tensor | null): tf.Tensor {
    assertTensor(inputs, moduleWhere(this));
    if (inputs.rank < 2) {
      throw new ShapeError(
        moduleWhere(this),
        `Input must have rank >= 2 (batch first), got shape ${formatShape(inputs.shape)}`,
        "pass [batch, ...features].",
      );
    }
    const rest = inputs.shape.slice(1);
    if (
      this.outputSize !== null &&
      (this.outputSize.length !== rest.length || this.outputSize.some((d, i) => d !== rest[i]))
    ) {
      throw new ShapeError(
        moduleWhere(this),
        `Input shape must be ${formatShape([-1, ...this.outputSize])} not ${formatShape(inputs.shape)}`,
        "pass inputs of the shape the bias was created for.",
      );
    }
    this.biasShape = calculateBiasShape(inputs.shape, this.biasDims, moduleWhere(this));
    this.inputSize = rest;
    let b = getParameter("b", this.biasShape, { dtype: inputs.dtype, init: this.bInit });
    if (multiplier !== undefined && multiplier !== null) b = tf.mul(b, multiplier);
    return tf.add(inputs, b);
  }
}
