import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import * as tree from "../../src/tree/index.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

describe("hk.tree order (JAX's jax.tree_util)", () => {
  it("sorts object keys and keeps array order, depth first", () => {
    // jax.tree_util.tree_leaves({'b': [1, 2], 'a': 3, 'c': {'z': 4, 'y': 5}}) == [3, 1, 2, 5, 4]
    // (dict keys are sorted when flattening: jax/_src/tree_util.py, dict registered with
    // sorted keys in jaxlib's pytree.cc).
    const t = { b: [1, 2], a: 3, c: { z: 4, y: 5 } };
    expect(tree.leaves(t)).toEqual([3, 1, 2, 5, 4]);
    const [ls, def] = tree.flatten(t);
    expect(ls).toEqual([3, 1, 2, 5, 4]);
    expect(def.numLeaves).toBe(5);
    expect(def.toString()).toBe('PyTreeDef({"a": *, "b": [*, *], "c": {"y": *, "z": *}})');
  });

  it('sorts keys as Python does ("10" < "9", uppercase before lowercase)', () => {
    expect(tree.leaves({ "9": "nine", "10": "ten", b: "b", B: "B", a: "a" })).toEqual(["ten", "nine", "B", "a", "b"]);
  });

  it("sorts by code point, not UTF-16 unit (astral after U+FFxx)", () => {
    // Python: sorted(['\U0001F600', '\uFF01']) == ['\uFF01', '\U0001F600'].
    expect(tree.leaves({ "\u{1F600}": 1, "\uFF01": 2 })).toEqual([2, 1]);
  });

  it("treats null / undefined as empty subtrees kept in the structure", () => {
    const t = { a: null, b: [undefined, 1], c: 2 };
    const [ls, def] = tree.flatten(t);
    expect(ls).toEqual([1, 2]);
    expect(def.numLeaves).toBe(2);
    const back = tree.unflatten(def, [10, 20]);
    expect(back).toEqual({ a: null, b: [undefined, 10], c: 20 });
    expect(Object.keys(back as object)).toEqual(["a", "b", "c"]);
  });

  it("keeps tensors, typed arrays (PRNG keys), numbers, booleans and strings as leaves", () => {
    const x = tf.zeros([2]);
    const key = new Uint32Array([0, 42]);
    const ls = tree.leaves({ x, key, n: 1, f: false, s: "str" });
    expect(ls).toEqual([false, key, 1, "str", x]);
    expect(ls[1]).toBe(key);
    x.dispose();
  });

  it("unflatten restores insertion order and the values", () => {
    const t = { w: 1, b: 2, "mlp/~/linear_0": { w: 3, b: 4 } };
    const [ls, def] = tree.flatten(t);
    // Sorted keys: b, mlp/~/linear_0 (b, w), w.
    expect(ls).toEqual([2, 4, 3, 1]);
    const back = tree.unflatten(def, ls) as Record<string, unknown>;
    expect(back).toEqual(t);
    expect(Object.keys(back)).toEqual(["w", "b", "mlp/~/linear_0"]);
    expect(Object.keys(back["mlp/~/linear_0"] as object)).toEqual(["w", "b"]);
  });

  it("structure equality ignores key order and null vs undefined", () => {
    expect(tree.structure({ a: 1, b: [2] }).equals(tree.structure({ b: [5], a: 7 }))).toBe(true);
    expect(tree.structure({ a: null }).equals(tree.structure({ a: undefined }))).toBe(true);
    expect(tree.structure({ a: 1 }).equals(tree.structure({ a: [1] }))).toBe(false);
    expect(tree.structure([1, 2]).equals(tree.structure([1, 2, 3]))).toBe(false);
  });

  it("unflatten rejects a wrong number of leaves with a clear error", () => {
    const def = tree.structure({ a: 1, b: 2 });
    expect(() => tree.unflatten(def, [1])).toThrow(
      /hk\.tree\.unflatten: `treedef` .* holds 2 leaves but `leaves` has 1\. Fix: /,
    );
    expect(() => tree.unflatten(def, [1])).toThrow(ShapeError);
    expect(() => tree.unflatten({} as tree.TreeDef, [1])).toThrow(/`treedef` must be a TreeDef/);
    expect(() => tree.unflatten({} as tree.TreeDef, [1])).toThrow(InvalidArgumentError);
  });
});

describe("hk.tree.map", () => {
  it("maps over several trees, calling fn in JAX's order", () => {
    const calls: number[] = [];
    const out = tree.map(
      (a: number, b: number) => {
        calls.push(a);
        return a + b;
      },
      { z: 1, a: [2, 3] },
      { z: 10, a: [20, 30] },
    );
    expect(out).toEqual({ z: 11, a: [22, 33] });
    expect(Object.keys(out)).toEqual(["z", "a"]);
    expect(calls).toEqual([2, 3, 1]);
  });

  it("passes a whole subtree of rest where tree has a leaf (prefix rule)", () => {
    const out = tree.map((a: number, sub: unknown) => [a, sub], { x: 1 }, { x: { deep: 2 } });
    expect(out).toEqual({ x: [1, { deep: 2 }] });
  });

  it("names the path, expected and actual on structure mismatch", () => {
    const params = { "mlp/~/linear_0": { w: 1, b: 2 } };
    expect(() => tree.map((a: number, b: number) => a + b, params, { "mlp/~/linear_0": { w: 1 } })).toThrow(
      /structure mismatch at `mlp\/~\/linear_0`.*missing keys \[b\]/,
    );
    expect(() => tree.map((a: number, b: number) => a + b, { l: [1, 2] }, { l: [1] })).toThrow(
      /at `l`: tree 1 .* an array of length 2 .* an array of length 1/,
    );
    expect(() => tree.map((a: number) => a, { a: null }, { a: 3 })).toThrow(/at `a`.*null.*the number 3/);
    expect(() => tree.map((a: number) => a, { a: null }, { a: 3 })).toThrow(ShapeError);
    expect(() => tree.map((a: number) => a, { a: [{ q: 1 }] }, { a: [5] })).toThrow(/at `a\[0\]`/);
    expect(() => tree.map("nope" as never, {})).toThrow(
      /^hk\.tree\.map: `fn` \(the first argument\) must be a function .* Fix: /,
    );
    expect(() => tree.map("nope" as never, {})).toThrow(InvalidArgumentError);
  });

  it("mapWithPath passes formatted paths", () => {
    const out = tree.mapWithPath((p: string, v: number) => `${p}=${v}`, { "mlp/~/linear_0": { w: 1 }, l: [2] });
    expect(out).toEqual({ "mlp/~/linear_0": { w: "mlp/~/linear_0.w=1" }, l: ["l[0]=2"] });
    expect(tree.leavesWithPath({ b: [7], a: 1 })).toEqual([
      [["a"], 1],
      [["b", 0], 7],
    ]);
  });

  it("assertSameStructure reports leaf vs subtree", () => {
    expect(() => tree.assertSameStructure({ a: 1 }, { a: { b: 1 } }, "opt.update")).toThrow(
      /opt\.update: structure mismatch at `a`: expected a leaf/,
    );
    expect(() => tree.assertSameStructure({ a: 1 }, { a: 2 })).not.toThrow();
  });
});

describe("hk.tree.dispose", () => {
  it("disposes every tensor leaf and leaves other leaves alone", () => {
    const before = tf.memory().numTensors;
    const t = { a: tf.ones([2]), b: [tf.zeros([3]), 4, null], k: new Uint32Array(2) };
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(tree.tensors(t)).toHaveLength(2);
    tree.dispose(t);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => tree.dispose(t)).not.toThrow();
  });

  it("spares tensors that also appear in keep", () => {
    const shared = tf.ones([2]);
    const old = { a: shared, b: tf.zeros([2]) };
    const next = { a: shared, c: [tf.ones([1])] };
    tree.dispose(old, next);
    expect(shared.isDisposed).toBe(false);
    expect(old.b.isDisposed).toBe(true);
    tree.dispose(next);
    expect(shared.isDisposed).toBe(true);
  });

  it("map over tensors inside tidy does not leak", () => {
    const p = { w: tf.ones([4, 4]), b: tf.zeros([4]) };
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const q = tf.tidy(() => tree.map((x: tf.Tensor) => tf.add(x, 1), p));
      tree.dispose(q);
    }
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(p);
  });
});
