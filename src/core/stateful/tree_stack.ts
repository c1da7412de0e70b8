/**
 * Stacking and slicing pytrees along an axis: how the eager loops stand in for `jax.lax.scan`'s
 * and `jax.vmap`'s batching (tfjs has neither).
 */
import * as tf from "@tensorflow/tfjs-core";
import { flatten, unflatten } from "../../tree/index.js";
import { describe } from "../../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../../util/errors.js";

/** The tree's leaves, each checked to be a tensor (`who` names the API in errors). */
function tensorLeaves(tree: unknown, who: string, what: string): [tf.Tensor[], ReturnType<typeof flatten>[1]] {
  const [leaves, def] = flatten<unknown>(tree as never);
  for (const l of leaves) {
    if (!(l instanceof tf.Tensor)) {
      throw new InvalidArgumentError(
        who,
        `every leaf of ${what} must be a tf.Tensor, got ${describe(l)}`,
        "turn numbers into tensors (tf.scalar) before passing them.",
      );
    }
  }
  return [leaves as tf.Tensor[], def];
}

/**
 * `n` trees, the `i`-th holding slice `i` along `axis` of every leaf of `tree` (the leading axis
 * by default). Every leaf must have size `n` on that axis.
 * @internal
 */
export function unstackTree(tree: unknown, n: number, who: string, what: string, axis = 0): unknown[] {
  const [leaves, def] = tensorLeaves(tree, who, what);
  const sliced = leaves.map((l) => {
    const ax = axis < 0 ? axis + l.rank : axis;
    if (ax < 0 || ax >= l.rank || l.shape[ax] !== n) {
      throw new ShapeError(
        who,
        `every leaf of ${what} must have size ${n} on axis ${axis}, got shape [${l.shape.join(", ")}]`,
        "give all mapped inputs the same size on the mapped axis (or pass `length` / `axisSize`).",
      );
    }
    return tf.unstack(l, ax);
  });
  const out: unknown[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      unflatten(
        def,
        sliced.map((s) => s[i]!),
      ),
    );
  return out;
}

/** One tree whose leaves stack the matching leaves of `trees` along `axis` (structures must match). @internal */
export function stackTrees(trees: readonly unknown[], who: string, what: string, axis = 0): unknown {
  const [first, def] = tensorLeaves(trees[0], who, what);
  const all = trees.map((t, i) => {
    const [ls, d] = i === 0 ? [first, def] : tensorLeaves(t, who, what);
    if (d.numLeaves !== def.numLeaves || (i > 0 && !d.equals(def))) {
      throw new ShapeError(
        who,
        `${what} must have the same structure in every step, got ${d.toString()} at step ${i} and ${def.toString()} at step 0`,
        "return the same structure (keys, array lengths, null positions) every time.",
      );
    }
    return ls;
  });
  const stacked = first.map((_, j) => {
    const col = all.map((ls) => ls[j]!);
    const ax = axis < 0 ? axis + col[0]!.rank + 1 : axis;
    return tf.stack(col, ax);
  });
  return unflatten(def, stacked);
}
