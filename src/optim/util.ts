import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/**
 * `tree.map` whose errors name the optimizer function and the trees (`names`, e.g.
 * `["updates", "state.mu"]`), and explain a disposed-tensor failure (the usual cause: an old state
 * or params tree was disposed and then passed again).
 *
 * @internal
 */
export function mapN<R>(
  where: string,
  names: readonly string[],
  fn: (...leaves: tf.Tensor[]) => R,
  first: unknown,
  ...rest: unknown[]
): unknown {
  try {
    return tree.mapLabeled(where, names, fn, first, ...rest);
  } catch (e) {
    const trees = [first, ...rest];
    for (let i = 0; i < trees.length; i++) {
      for (const [path, leaf] of tree.leavesWithPath(trees[i] as tree.PyTree<unknown>)) {
        if (leaf instanceof tf.Tensor && leaf.isDisposed) {
          throw new InvalidArgumentError(
            where,
            `the tensor at \`${tree.formatPath(path)}\` of ${names[i] ?? `tree ${i}`} is already disposed`,
            "pass the state returned by the previous update and the current params; dispose old trees only after the step that replaces them.",
            { cause: e },
          );
        }
      }
    }
    throw e;
  }
}

/**
 * Maps `fn` leaf by leaf, returning `k` trees (one per output of `fn`). Each leaf's computation
 * runs under its own `tf.tidy`, so its intermediates are freed before the next leaf starts:
 * lower peak memory and cache-warm buffer reuse, as tfjs' own optimizers do per variable.
 *
 * @internal
 */
export function mapMulti(
  where: string,
  names: readonly string[],
  k: number,
  fn: (...leaves: tf.Tensor[]) => tf.Tensor[],
  first: unknown,
  ...rest: unknown[]
): unknown[] {
  const packed = mapN(where, names, (...ls) => tf.tidy(() => fn(...ls)), first, ...rest);
  const out: unknown[] = [];
  for (let i = 0; i < k; i++) out.push(tree.map((_leaf: unknown, pack: tf.Tensor[]) => pack[i], first, packed));
  return out;
}

/**
 * Checks that every leaf of `params` is a float32 tensor (for `init`), naming the path otherwise.
 *
 * @internal
 */
export function checkFloatTree(where: string, params: unknown): void {
  for (const [path, leaf] of tree.leavesWithPath(params as tree.PyTree<unknown>)) {
    if (!(leaf instanceof tf.Tensor) || leaf.dtype !== "float32") {
      throw new InvalidArgumentError(
        where,
        `leaf \`${tree.formatPath(path)}\` of \`params\` must be a float32 tensor (optimizers work on float32 leaves only), got ${describe(leaf)}`,
        "keep integer or non-tensor values out of the tree you optimize (e.g. split them off with hk.data.partition).",
      );
    }
  }
}

/**
 * Checks the state's kind before an update, so a state from another transformation (or a missing
 * one) fails with a clear message instead of deep inside tfjs.
 *
 * @internal
 */
export function checkState(where: string, state: unknown, keys: readonly string[]): Record<string, unknown> {
  if (!tree.isPlainObject(state) || keys.some((k) => !(k in state))) {
    throw new ShapeError(
      where,
      `\`state\` must be the state returned by this transformation's init/update (an object with keys [${keys.join(", ")}]), got ${describe(state)}`,
      "pass the state that this transformation's init(params) or previous update returned, not another optimizer's.",
    );
  }
  return state;
}

/** The `safe_increment` of optax/_src/numerics.py: +1, saturating at int32's maximum. @internal */
export function safeIncrement(count: number): number {
  return count < 2147483647 ? count + 1 : count;
}

/**
 * Bias correction divisor `1 - decay ** count` as optax's `tree_bias_correction`
 * (optax/tree_utils/_tree_math.py) in float32: decay is rounded to float32, the power and the
 * subtraction are rounded to float32 (computed exactly in float64 first).
 *
 * @internal
 */
export function biasCorrection(decay: number, count: number): number {
  return Math.fround(1 - Math.fround(Math.pow(Math.fround(decay), count)));
}

/** Validates a hyper-parameter: a finite number (or a schedule where allowed). @internal */
export function checkNumber(
  where: string,
  name: string,
  v: unknown,
  opts: { min?: number; schedule?: boolean } = {},
): void {
  if (opts.schedule === true && typeof v === "function") return;
  if (typeof v !== "number" || !Number.isFinite(v) || (opts.min !== undefined && v < opts.min)) {
    const atLeast = opts.min !== undefined ? ` >= ${opts.min}` : "";
    const orSchedule = opts.schedule === true ? " or a schedule (count) => number" : "";
    throw new InvalidArgumentError(
      where,
      `${argName(name)} must be a finite number${atLeast}${orSchedule}, got ${describe(v)}`,
      `pass a finite number${atLeast}${opts.schedule === true ? " or a function of the step count" : ""}.`,
    );
  }
}

/**
 * Throws unless `params` was passed to `update` (optax's `NO_PARAMS_MSG`): transformations that
 * read the parameters (weight decay, trust ratios, parameter scales) call it first.
 *
 * @internal
 */
export function requireParams(where: string, params: unknown): void {
  if (params === undefined) {
    throw new InvalidArgumentError(
      where,
      "this transformation needs the current params, but `params` was not passed to `update`",
      "call opt.update(grads, state, params).",
    );
  }
}

/**
 * ``\`learningRate\` (optax's \`learning_rate\`)`` for an argument name, so searches for optax's
 * messages still help; a phrase that is not an identifier (a schedule's value) stays as is.
 *
 * @internal
 */
function argName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return snake === name ? `\`${name}\`` : `\`${name}\` (optax's \`${snake}\`)`;
}
