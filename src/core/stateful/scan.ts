/**
 * `hk.scan` and `hk.map` (Haiku's `stateful.scan` / `stateful.map`): `jax.lax.scan` with Haiku
 * state threaded through, run as an eager loop.
 */
import * as tf from "@tensorflow/tfjs-core";
import { leaves } from "../../tree/index.js";
import { describe } from "../../util/describe.js";
import {
  NamingSnapshot,
  insideTransform,
  newParams,
  paramNames,
  reserveUpToFull,
  restoreInternalState,
  saveInternalState,
} from "./internal.js";
import { stackTrees, unstackTree } from "./tree_stack.js";
import { InvalidArgumentError, ParameterError } from "../../util/errors.js";

/**
 * Options of {@link scan}.
 *
 * @category Transforms
 */
export interface ScanOptions {
  /** Number of steps; defaults to the leading size of `xs` (required when `xs` has no tensors). */
  length?: number;
  /** Runs from the last slice to the first (outputs stay in `xs` order). Default false. */
  reverse?: boolean;
  /** JAX's unroll factor (a positive integer or a boolean); the eager loop ignores it. */
  unroll?: number | boolean;
}

const WHO = "hk.scan";

function zerosLikeTree(tree: unknown, leading: number[]): unknown {
  if (tree instanceof tf.Tensor) return tf.zeros([...leading, ...tree.shape], tree.dtype);
  if (Array.isArray(tree)) return tree.map((v) => zerosLikeTree(v, leading));
  if (tree !== null && typeof tree === "object" && !ArrayBuffer.isView(tree)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(tree)) out[k] = zerosLikeTree((tree as Record<string, unknown>)[k], leading);
    return out;
  }
  return tree;
}

/**
 * Loops `f(carry, x) -> [carry, y]` over the leading axis of `xs` and returns
 * `[finalCarry, ys]`, with `ys` stacked on a new leading axis (Haiku's `hk.scan`, i.e.
 * `jax.lax.scan` with modules, parameters, state and keys inside). As Haiku:
 * - in `init` the first step runs on its own and creates the parameters; a later step that would
 *   create new parameters is an error (create modules outside `f`, so every step reuses them);
 * - state set in one step is seen by the next, and the final state is the transform's state;
 * - keys: before the loop and after every step the key sequence is topped up to one reserved key
 *   (Haiku's `reserve_up_to_full_rng_block`), so `hk.nextRngKey()` in step `i` gives the keys
 *   Haiku gives.
 * tfjs has no `lax.scan`: the loop runs eagerly, one step after the other.
 *
 * @example
 * ```ts
 * const f = hk.transform((xs: tf.Tensor) => {
 *   const core = new hk.Linear(4);
 *   return hk.scan((h: tf.Tensor, x: tf.Tensor): [tf.Tensor, tf.Tensor] => {
 *     const hNew = tf.tanh(tf.add(core.call(tf.expandDims(x, 0)), h));
 *     return [hNew, hNew];
 *   }, tf.zeros([1, 4]), xs)[1]; // [steps, 1, 4]
 * });
 * ```
 *
 * @category Transforms
 */
export function scan<C, X, Y>(f: (carry: C, x: X) => [C, Y], init: C, xs: X, opts: ScanOptions = {}): [C, Y] {
  const frame = insideTransform(WHO + "()", "use a plain loop");
  if (typeof f !== "function")
    throw new InvalidArgumentError(
      WHO,
      `\`f\` must be a function (carry, x) => [carry, y], got ${describe(f)}`,
      "pass the step function first.",
    );
  const unroll = opts.unroll ?? 1;
  if (!(typeof unroll === "boolean" || (Number.isInteger(unroll) && unroll >= 1))) {
    throw new InvalidArgumentError(
      WHO,
      `\`unroll\` must be a positive integer or a boolean, got ${describe(unroll)}`,
      "omit it or pass 1.",
    );
  }
  const xsLeaves = leaves<unknown>(xs as never);
  let length: number;
  if (opts.length !== undefined) length = opts.length;
  else {
    const first = xsLeaves[0];
    if (!(first instanceof tf.Tensor) || first.rank === 0) {
      throw new InvalidArgumentError(
        WHO,
        `\`length\` is needed when \`xs\` has no tensor with a leading axis, got xs ${describe(xs)}`,
        "pass `{ length }`.",
      );
    }
    length = first.shape[0]!;
  }
  if (!Number.isInteger(length) || length < 0) {
    throw new InvalidArgumentError(
      WHO,
      `\`length\` must be a non-negative integer, got ${describe(length)}`,
      "pass the number of steps.",
    );
  }
  const n = length;
  const slices: unknown[] = xsLeaves.length > 0 ? unstackTree(xs, n, WHO, "xs") : new Array<unknown>(n).fill(xs);
  const order = Array.from({ length: n }, (_, k) => (opts.reverse ? n - 1 - k : k));
  const ys = new Array<unknown>(n);
  const step = (carry: C, i: number): C => {
    const r = f(carry, slices[i] as X);
    if (!Array.isArray(r) || r.length !== 2) {
      throw new InvalidArgumentError(
        WHO,
        `\`f\` must return [carry, y], got ${describe(r)}`,
        "return a pair (y may be null).",
      );
    }
    ys[i] = r[1];
    return r[0] as C;
  };

  let carry = init;
  let start = 0;
  if (!frame.frozen) {
    // Haiku's init runs the first step outside the loop: the state (and params) it creates
    // change the carry's structure.
    if (n === 0) {
      const [, y0] = f(init, unstackFirst(xs) as X);
      return [init, zerosLikeTree(y0, [0]) as Y];
    }
    carry = step(carry, order[0]!);
    start = 1;
    if (n === 1) return [carry, stackTrees(ys, WHO, "the outputs y") as Y];
  } else if (n === 0) {
    // jax.lax.scan traces `f` once for the output shapes; nothing it does is kept.
    const saved = saveInternalState(frame);
    const names = new NamingSnapshot(frame);
    const [, y0] = f(init, unstackFirst(xs) as X);
    names.restore();
    restoreInternalState(frame, saved);
    return [init, zerosLikeTree(y0, [0]) as Y];
  }

  reserveUpToFull(frame);
  const names = new NamingSnapshot(frame);
  const before = frame.frozen ? new Set<string>() : paramNames(frame);
  try {
    for (let k = start; k < n; k++) {
      names.reset();
      carry = step(carry, order[k]!);
      const created = newParams(frame, before);
      if (created.length > 0) {
        throw new ParameterError(
          WHO,
          `new parameters were created in step ${k} (after the first), got [${created.join(", ")}]. Every step must use the parameters the first step created`,
          "create the modules outside the scanned function (e.g. `const core = new hk.Linear(4)` before `hk.scan`) and call them inside.",
        );
      }
      reserveUpToFull(frame);
    }
  } finally {
    names.restore();
  }
  return [carry, stackTrees(ys, WHO, "the outputs y") as Y];
}

/** `xs` with its leading axis dropped (slice 0 of every leaf), for shape-only traces. */
function unstackFirst(xs: unknown): unknown {
  const walk = (v: unknown): unknown => {
    if (v instanceof tf.Tensor) return tf.zeros(v.shape.slice(1), v.dtype);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) out[k] = walk((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return walk(xs);
}

/**
 * Applies `f` to every slice of `xs` along the leading axis and stacks the results (Haiku's
 * `hk.map`, i.e. `jax.lax.map`, built on {@link scan} with the same parameter, state and key
 * rules).
 *
 * @example
 * ```ts
 * const f = hk.transform((xs: tf.Tensor) => {
 *   const lin = new hk.Linear(2);
 *   return hk.map((x: tf.Tensor) => lin.call(tf.expandDims(x, 0)), xs); // [n, 1, 2]
 * });
 * ```
 *
 * @category Transforms
 */
export function map<X, Y>(f: (x: X) => Y, xs: X): Y {
  insideTransform("hk.map()", "use a plain loop");
  return scan((_: null, x: X): [null, Y] => [null, f(x)], null, xs)[1];
}
