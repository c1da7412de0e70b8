/**
 * `Reshape` and `Flatten` (Haiku's `reshape.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, module } from "../core/index.js";
import { assertTensor } from "../util/assert.js";
import { describe, formatShape } from "../util/describe.js";
import { moduleWhere } from "../core/module.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/** Options of {@link Reshape}.
 *
 * @category Layers
 */
export interface ReshapeOptions {
  /**
   * Leading dims kept as they are (default 1, the batch). Negative: the number of trailing dims
   * replaced by `outputShape`, so one module fits batched and unbatched inputs. Must not be 0.
   */
  preserveDims?: number;
  /** Module name; default `"reshape"`. */
  name?: string;
}

/**
 * Reshapes all but the first `preserveDims` dims to `outputShape` (which may hold one `-1`).
 * Inputs of rank <= `preserveDims` come back unchanged.
 *
 * @example
 * ```ts
 * new hk.Reshape([-1, 5], { preserveDims: 2 }).call(tf.ones([1, 2, 3, 4, 5])).shape; // [1, 2, 12, 5]
 * ```
 *
 * @category Layers
 */
@module("reshape")
export class Reshape extends Module {
  /** Target shape of the reshaped dims. */
  readonly outputShape: readonly number[];
  /** See {@link ReshapeOptions.preserveDims}. */
  readonly preserveDims: number;

  /**
   * @param outputShape Shape for the non-preserved dims; one entry may be `-1`.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputShape: readonly number[], options: ReshapeOptions = {}) {
    super(options.name);
    const preserveDims = options.preserveDims ?? 1;
    if (!Number.isInteger(preserveDims) || preserveDims === 0) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        `Argument \`preserveDims\` (Haiku's \`preserve_dims\`) should be non-zero (and an integer), got ${describe(preserveDims)}`,
        "pass e.g. 1 (keep the batch axis).",
      );
    }
    if (!Array.isArray(outputShape) || outputShape.some((d) => !Number.isInteger(d) || d < -1)) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        `\`outputShape\` (Haiku's \`output_shape\`) must be an array of non-negative integers and at most one -1, got ${describe(outputShape)}`,
        "pass e.g. `[-1, 4]`.",
      );
    }
    if (outputShape.filter((d) => d === -1).length > 1) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        `-1 can only occur once in \`outputShape\` (Haiku's \`output_shape\`), got ${JSON.stringify(outputShape)}`,
        "give all dimensions but one.",
      );
    }
    this.outputShape = Object.freeze([...outputShape]);
    this.preserveDims = preserveDims;
  }

  /** Reshapes `inputs`, keeping its first `preserveDims` dims. */
  call(inputs: tf.Tensor): tf.Tensor {
    assertTensor(inputs, moduleWhere(this));
    if (inputs.rank <= this.preserveDims) return inputs;
    // Python slicing: shape[:p] / shape[p:] with negative p counting from the end.
    const kept = inputs.shape.slice(0, this.preserveDims);
    const dims = inputs.shape.slice(this.preserveDims);
    let target = [...this.outputShape];
    const n = dims.reduce((a, b) => a * b, 1);
    if (target.includes(-1)) {
      const m = Math.abs(target.reduce((a, b) => a * b, 1));
      target = target.map((d) => (d === -1 ? (m === 0 ? 0 : Math.floor(n / m)) : d));
    }
    const size = target.reduce((a, b) => a * b, 1);
    if (size !== n) {
      throw new ShapeError(
        moduleWhere(this),
        `cannot reshape dims ${formatShape(dims)} of input ${formatShape(inputs.shape)} (${n} elements) to ${formatShape(this.outputShape)}; the sizes must match`,
        "choose an `outputShape` with the same number of elements (or use -1 once).",
      );
    }
    return tf.reshape(inputs, [...kept, ...target]);
  }
}

/**
 * Options of {@link Flatten}.
 *
 * @category Layers
 */
export interface FlattenOptions {
  /** Leading dims kept (default 1); negative counts trailing dims to flatten. */
  preserveDims?: number;
  /** Module name; default `"flatten"`. */
  name?: string;
}

/**
 * Flattens all but the first `preserveDims` dims (`[B, H, W, C]` -> `[B, H*W*C]`). Inputs of
 * rank <= `preserveDims` come back unchanged; `preserveDims: -2` flattens the last two dims.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Flatten().call(x));
 * ```
 *
 * @category Layers
 */
@module("flatten")
export class Flatten extends Reshape {
  /** @param options Haiku's keyword arguments. */
  constructor(options: FlattenOptions = {}) {
    super([-1], { preserveDims: options.preserveDims ?? 1, name: options.name });
  }
}
