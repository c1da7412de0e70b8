import type * as tf from "@tensorflow/tfjs-core";

import { leaves } from "./treedef.js";
import type { Leaf, MapLeaves, PathEntry, PyTree } from "./types.js";
import { setOwn } from "./own.js";
import { formatPath, isPlainObject, isTensor, sortedKeys } from "./types.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/** What the walker calls at each leaf of the first tree: the path and the matching values. */
type Visit = (path: readonly PathEntry[], leaf: unknown, rest: readonly unknown[]) => unknown;

/** How errors name the caller and the trees: `hk.tree.map` and `tree 0`, `tree 1`... by default. */
interface Labels {
  readonly where: string;
  readonly names?: readonly string[];
}

function mismatch(
  labels: Labels,
  path: readonly PathEntry[],
  treeIndex: number,
  expected: unknown,
  actual: unknown,
  detail = "",
): ShapeError {
  const first = labels.names?.[0] ?? "tree 0";
  const other = labels.names?.[treeIndex] ?? `tree ${treeIndex}`;
  return new ShapeError(
    labels.where,
    `structure mismatch at \`${formatPath(path)}\`: ${other} should match ${first}, which has ${describe(expected)} there, but it has ${describe(actual)}${detail}`,
    `give every tree the structure of ${first} (object keys, array lengths, null positions).`,
  );
}

function keyDiff(expected: readonly string[], actual: Record<string, unknown>): string {
  const missing = expected.filter((k) => !Object.prototype.hasOwnProperty.call(actual, k));
  const expectedSet = new Set(expected);
  const extra = Object.keys(actual).filter((k) => !expectedSet.has(k));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing keys [${missing.join(", ")}]`);
  if (extra.length > 0) parts.push(`unexpected keys [${extra.join(", ")}]`);
  return parts.length > 0 ? ` (${parts.join("; ")})` : "";
}

/**
 * Walks `tree` in JAX's order, checking that every tree of `rest` has the same containers; at a
 * leaf of `tree` the values of `rest` at that position are passed whole (JAX's "tree is a
 * prefix of rest" rule). Returns a new tree of `visit`'s results, objects in insertion order.
 */
function walk(labels: Labels, x: unknown, rest: readonly unknown[], path: PathEntry[], visit: Visit): unknown {
  if (x === null || x === undefined) {
    for (let j = 0; j < rest.length; j++) {
      const r = rest[j];
      if (r !== null && r !== undefined) throw mismatch(labels, path, j + 1, x, r);
    }
    return x;
  }
  if (Array.isArray(x)) {
    for (let j = 0; j < rest.length; j++) {
      const r = rest[j];
      if (!Array.isArray(r) || r.length !== x.length) throw mismatch(labels, path, j + 1, x, r);
    }
    const out = new Array<unknown>(x.length);
    const sub = new Array<unknown>(rest.length);
    for (let i = 0; i < x.length; i++) {
      for (let j = 0; j < rest.length; j++) sub[j] = (rest[j] as unknown[])[i];
      path.push(i);
      out[i] = walk(labels, x[i], sub.slice(), path, visit);
      path.pop();
    }
    return out;
  }
  if (isPlainObject(x)) {
    const keys = sortedKeys(x);
    for (let j = 0; j < rest.length; j++) {
      const r = rest[j];
      if (!isPlainObject(r)) throw mismatch(labels, path, j + 1, x, r);
      let same = Object.keys(r).length === keys.length;
      for (let i = 0; same && i < keys.length; i++) {
        same = Object.prototype.hasOwnProperty.call(r, keys[i] as string);
      }
      if (!same) throw mismatch(labels, path, j + 1, x, r, keyDiff(keys, r));
    }
    const vals = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const sub = rest.map((r) => (r as Record<string, unknown>)[k]);
      path.push(k);
      vals[i] = walk(labels, x[k], sub, path, visit);
      path.pop();
    }
    // Results keep the first tree's insertion order (Haiku params are in creation order), while
    // `visit` ran in JAX's sorted order above.
    const out: Record<string, unknown> =
      Object.getPrototypeOf(x) === null ? (Object.create(null) as Record<string, unknown>) : {};
    for (const k of Object.keys(x)) setOwn(out, k, vals[keys.indexOf(k)]);
    return out;
  }
  return visit(path, x, rest);
}

/**
 * Applies `fn` to every leaf of `tree` (JAX's `tree_util.tree_map`), passing the leaves at the
 * same position of each tree in `rest` as extra arguments. `fn` is called in JAX's leaf order
 * (object keys sorted); the result has the structure of `tree`, objects in `tree`'s key order,
 * `null` / `undefined` kept. Each tree in `rest` must have `tree`'s structure, or have `tree` as a
 * prefix (then the subtree at a leaf of `tree` is passed whole). A mismatch throws an error that
 * names the path (e.g. `mlp/~/linear_0.w`) and what was expected there.
 *
 * @example
 * ```ts
 * const sgdStep = hk.tree.map((p: tf.Tensor, g: tf.Tensor) => tf.sub(p, tf.mul(0.1, g)), params, grads);
 * ```
 */
export function map<T, R>(
  // `any` lets callers annotate their leaf parameters (tf.Tensor, number...) without casts.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fn: (leaf: any, ...rest: any[]) => R,
  tree: T,
  ...rest: readonly unknown[]
): MapLeaves<T, R> {
  if (typeof fn !== "function") {
    throw new InvalidArgumentError(
      "hk.tree.map",
      `\`fn\` (the first argument) must be a function (leaf, ...rest) => value, got ${describe(fn)}`,
      "call it as map(fn, tree, ...rest).",
    );
  }
  return walk({ where: "hk.tree.map" }, tree, rest, [], (_p, leaf, r) => fn(leaf, ...r)) as MapLeaves<T, R>;
}

/**
 * Like {@link map}, with the leaf's path (as {@link formatPath} prints it, e.g.
 * `mlp/~/linear_0.w`) and its raw entries as the first two arguments (JAX's
 * `tree_map_with_path`).
 */
export function mapWithPath<T, R>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fn: (path: string, leaf: any, ...rest: any[]) => R,
  tree: T,
  ...rest: readonly unknown[]
): MapLeaves<T, R> {
  return walk({ where: "hk.tree.mapWithPath" }, tree, rest, [], (p, leaf, r) =>
    fn(formatPath(p), leaf, ...r),
  ) as MapLeaves<T, R>;
}

/** The leaves of `tree` with their paths, in JAX's order: `[["mlp/~/linear_0.b", b], ...]`. */
export function leavesWithPath<L = Leaf>(tree: PyTree<L>): [path: PathEntry[], leaf: L][] {
  const out: [PathEntry[], L][] = [];
  walk({ where: "hk.tree.leavesWithPath" }, tree, [], [], (p, leaf) => {
    out.push([p.slice(), leaf as L]);
    return leaf;
  });
  return out;
}

/**
 * Checks that `b` has the structure of `a` (same containers, keys, array lengths, leaf
 * positions) and throws an error naming the first differing path otherwise. `what` names the
 * caller in the message.
 */
export function assertSameStructure(a: unknown, b: unknown, what = "hk.tree.assertSameStructure"): void {
  walk({ where: what, names: ["the first tree", "the second tree"] }, a, [b], [], (p, leaf, r) => {
    const other = r[0];
    if (other === null || other === undefined || Array.isArray(other) || isPlainObject(other)) {
      throw new ShapeError(
        what,
        `structure mismatch at \`${formatPath(p)}\`: expected a leaf (like ${describe(leaf)}) but got ${describe(other)}`,
        "pass two trees with the same structure.",
      );
    }
    return leaf;
  });
}

/**
 * {@link map} for library code: errors name the caller (`where`, e.g. `hk.optim.adam`) and the
 * trees (`names[i]` for the i-th tree, e.g. `["updates", "state.mu"]`) instead of `tree 0`.
 */
export function mapLabeled<R>(
  where: string,
  names: readonly string[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fn: (leaf: any, ...rest: any[]) => R,
  tree: unknown,
  ...rest: readonly unknown[]
): unknown {
  return walk({ where, names }, tree, rest, [], (_p, leaf, r) => fn(leaf, ...r));
}

/**
 * Disposes every tensor leaf of `tree` (other leaves are ignored; already disposed tensors are
 * fine). Use it on trees you replace, e.g. the old params and optimizer state after a step.
 * Tensors that also appear in `keep` are spared: `dispose(oldState, newState)` frees what a step
 * replaced even when the new tree reuses some of the old tensors (e.g. unchanged state entries).
 *
 * @example
 * ```ts
 * const [out, newState] = f.apply(params, state, null, x);
 * hk.tree.dispose(state, newState);
 * ```
 */
export function dispose(tree: unknown, keep?: unknown): void {
  const spare = keep === undefined ? null : new Set(tensors(keep));
  disposeRec(tree, spare);
}

function disposeRec(x: unknown, spare: Set<tf.Tensor> | null): void {
  if (x === null || x === undefined) return;
  if (isTensor(x)) {
    if (spare === null || !spare.has(x)) x.dispose();
  } else if (Array.isArray(x)) {
    for (const c of x) disposeRec(c, spare);
  } else if (isPlainObject(x)) {
    for (const k in x) disposeRec(x[k], spare);
  }
}

/** The tensor leaves of `tree` in JAX's order (non-tensor leaves skipped). */
export function tensors(tree: unknown): tf.Tensor[] {
  return leaves(tree as PyTree<unknown>).filter(isTensor);
}
