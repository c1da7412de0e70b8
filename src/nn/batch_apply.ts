/**
 * `BatchApply` and `expandApply` (Haiku's `basic.py`: `BatchApply`, `expand_apply`).
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tree from "../tree/index.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe } from "../util/describe.js";

function mergeLeading(x: unknown, numDims: number): unknown {
  if (!(x instanceof tf.Tensor) || x.rank < numDims) return x;
  const lead = x.shape.slice(0, numDims).reduce((a: number, b: number) => a * b, 1);
  return tf.reshape(x, [lead, ...x.shape.slice(numDims)]);
}

/**
 * Temporarily merges the leading `numDims` dims of every tensor argument into one, calls `f`,
 * and splits the leading dim of every tensor in the result back (Haiku's `hk.BatchApply`; not a
 * module). Tensors of rank < `numDims` pass unchanged. Handy for applying a `[B, ...]` module to
 * a `[T, B, ...]` sequence.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.BatchApply((y: tf.Tensor) => new hk.Linear(4).call(y)).call(x));
 * // x: [T, B, 3] -> [T, B, 4]
 * ```
 *
 * @typeParam F The wrapped function's type.
 *
 * @category Layers
 */
export class BatchApply<F extends (...args: never[]) => unknown> {
  /** Number of leading dims merged. */
  readonly numDims: number;
  readonly #f: F;

  /**
   * @param f The function to apply to the merged inputs.
   * @param numDims How many leading dims to merge (default 2).
   */
  constructor(f: F, numDims = 2) {
    if (typeof f !== "function")
      throw new InvalidArgumentError(
        "hk.BatchApply",
        `\`f\` must be a function, got ${describe(f)}`,
        "pass the function (or module) to apply, `new hk.BatchApply(f)`.",
      );
    if (!Number.isInteger(numDims) || numDims < 1) {
      throw new InvalidArgumentError(
        "hk.BatchApply",
        `\`numDims\` (Haiku's \`num_dims\`) must be a positive integer, got ${describe(numDims)}`,
        "pass the number of leading axes to merge, e.g. 2.",
      );
    }
    this.#f = f;
    this.numDims = numDims;
  }

  /** Merges, calls `f`, splits. */
  call(...args: Parameters<F>): ReturnType<F> {
    const example = (tree.leaves(args as never) as unknown[]).find(
      (l): l is tf.Tensor => l instanceof tf.Tensor && l.rank >= this.numDims,
    );
    if (example === undefined) {
      throw new ShapeError(
        "hk.BatchApply",
        `BatchApply requires at least one input with ndim >= ${this.numDims}`,
        "pass a tensor with the leading axes to merge.",
      );
    }
    const lead = example.shape.slice(0, this.numDims);
    const merged = tree.map((x: unknown) => mergeLeading(x, this.numDims), args as never) as unknown as Parameters<F>;
    const out = this.#f(...merged);
    return tree.map(
      (y: unknown) => (y instanceof tf.Tensor ? tf.reshape(y, [...lead, ...y.shape.slice(1)]) : y),
      out as never,
    ) as ReturnType<F>;
  }
}

/**
 * Wraps `f` so that every tensor argument gets a size-1 axis at `axis` (0 or -1) and every
 * tensor in the result loses it again (Haiku's `hk.expand_apply`) — e.g. to run a
 * `[T, B, ...]` function on a single step.
 *
 * @example
 * ```ts
 * const step = hk.expandApply((seq: tf.Tensor) => tf.cumsum(seq, 0));
 * ```
 *
 * @typeParam F The wrapped function's type.
 *
 * @category Layers
 */
export function expandApply<F extends (...args: never[]) => unknown>(f: F, axis: 0 | -1 = 0): F {
  if (axis !== 0 && axis !== -1) {
    throw new InvalidArgumentError(
      "hk.expandApply",
      `expand_apply currently only supports \`axis\` 0 or -1, got ${describe(axis)}`,
      "pass 0 or -1.",
    );
  }
  const wrapper = (...args: Parameters<F>): ReturnType<F> => {
    const expanded = tree.map(
      (x: unknown) => (x instanceof tf.Tensor ? tf.expandDims(x, axis) : x),
      args as never,
    ) as unknown as Parameters<F>;
    const out = f(...expanded);
    return tree.map(
      (y: unknown) => (y instanceof tf.Tensor ? tf.squeeze(y, [axis === 0 ? 0 : y.rank - 1]) : y),
      out as never,
    ) as ReturnType<F>;
  };
  return wrapper as unknown as F;
}
