import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import * as data from "../../src/tree/data_structures.js";
import { InvalidArgumentError } from "../../src/util/errors.js";

// Examples are the docstrings of dm-haiku haiku/_src/filtering.py (partition, filter, map,
// merge, is_subset) and haiku/_src/utils.py (tree_size / tree_bytes).

describe("hk.data traversal and filtering", () => {
  it("traverse yields sorted (module, name, value)", () => {
    const s = { "mlp/~/linear_1": { w: 1, b: 2 }, "mlp/~/linear_0": { w: 3, b: 4 } };
    expect([...data.traverse(s)]).toEqual([
      ["mlp/~/linear_0", "b", 4],
      ["mlp/~/linear_0", "w", 3],
      ["mlp/~/linear_1", "b", 2],
      ["mlp/~/linear_1", "w", 1],
    ]);
  });

  it("partition splits by predicate (filtering.py docstring)", () => {
    const params = { linear: { w: null, b: null } };
    const [weights, biases] = data.partition((_m, n) => n === "w", params);
    expect(weights).toEqual({ linear: { w: null } });
    expect(biases).toEqual({ linear: { b: null } });
    expect(Object.isFrozen(weights)).toBe(true);
    expect(Object.isFrozen(weights["linear"])).toBe(true);
  });

  it("partitionN buckets by module (filtering.py docstring) and validates indices", () => {
    const s = Object.fromEntries([0, 1, 2].map((i) => [`layer_${i}`, { w: i, b: -i }]));
    const idx = new Map<string, number>();
    const parts = data.partitionN((m) => idx.get(m) ?? (idx.set(m, idx.size), idx.size - 1), s, 3);
    expect(parts).toEqual([{ layer_0: { b: -0, w: 0 } }, { layer_1: { b: -1, w: 1 } }, { layer_2: { b: -2, w: 2 } }]);
    expect(() => data.partitionN(() => 3, s, 3)).toThrow(
      /hk\.data\.partitionN: `fn` returned the number 3 for layer_0\/b; .*\[0, 3\)\. Fix: /,
    );
    expect(() => data.partitionN(() => 3, s, 3)).toThrow(InvalidArgumentError);
  });

  it("filter and map (filtering.py docstrings)", () => {
    expect(data.filter((_m, n) => n === "w", { linear: { w: null, b: null } })).toEqual({ linear: { w: null } });
    const mapped = data.map((_m, n, v: number) => (n === "w" ? 2 * v : v), { linear: { w: 1.0, b: 2.0 } });
    expect(mapped).toEqual({ linear: { b: 2.0, w: 2.0 } });
    // Modules left without entries are dropped, as Haiku's defaultdict-based output does.
    expect(data.filter(() => false, { a: { x: 1 } })).toEqual({});
  });

  it("rejects structures that are not two-level", () => {
    expect(() => data.filter(() => true, { linear: 3 } as never)).toThrow(/module "linear" must map entry names/);
    expect(() => [...data.traverse([] as never)]).toThrow(/expected a two-level mapping/);
    expect(() => [...data.traverse([] as never)]).toThrow(InvalidArgumentError);
  });
});

describe("hk.data.merge / isSubset", () => {
  it("merges, last wins (filtering.py docstring)", () => {
    expect(data.merge({ linear: { w: null } }, { linear: { b: null } })).toEqual({ linear: { w: null, b: null } });
    expect(data.merge({ linear: { w: 1 } }, { linear: { w: 2 } })).toEqual({ linear: { w: 2 } });
  });

  it("checkDuplicates rejects shape/dtype conflicts only", () => {
    const a = tf.zeros([2]);
    const b = tf.ones([2]);
    const c = tf.zeros([3]);
    const ok = data.merge({ l: { w: a } }, { l: { w: b } }, { checkDuplicates: true });
    expect((ok["l"] as Record<string, tf.Tensor>)["w"]).toBe(b);
    expect(() => data.merge({ l: { w: a } }, { l: { w: c } }, { checkDuplicates: true })).toThrow(
      /duplicate array found with different shape\/dtype for l\.w: a float32 tensor of shape \[2\] vs a float32 tensor of shape \[3\]/,
    );
    tf.dispose([a, b, c]);
  });

  it("isSubset compares (module, name) pairs (filtering.py docstring)", () => {
    expect(data.isSubset({ subset: { a: {} }, superset: {} })).toBe(true);
    expect(data.isSubset({ subset: { a: { w: 1 } }, superset: { a: { w: 2, b: 3 } } })).toBe(true);
    expect(data.isSubset({ subset: { a: { w: 1, c: 1 } }, superset: { a: { w: 2, b: 3 } } })).toBe(false);
  });
});

describe("hk.data sizes and dict conversions", () => {
  it("treeSize / treeBytes count elements and bytes per dtype", () => {
    const t = {
      l: { w: tf.zeros([3, 4]), b: tf.zeros([4], "int32"), m: tf.zeros([5], "bool") },
      key: new Uint32Array(2),
    };
    // sizes: 12 + 4 + 5 + 2; bytes: 12*4 + 4*4 + 5*1 + 2*4.
    expect(data.treeSize(t)).toBe(23);
    expect(data.treeBytes(t)).toBe(48 + 16 + 5 + 8);
    tf.dispose(Object.values(t.l));
  });

  it("toHaikuDict / toImmutableDict freeze a copy; toMutableDict does not", () => {
    const src = { l: { w: 1, s: { deep: [1] } } };
    const frozen = data.toHaikuDict(src);
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen((frozen["l"] as Record<string, { deep: number[] }>)["s"]?.deep)).toBe(true);
    // The caller's own containers are not frozen by the copy.
    expect(Object.isFrozen(src.l.s.deep)).toBe(false);
    expect(data.toImmutableDict(src)).toEqual(src);
    const mutable = data.toMutableDict(frozen);
    (mutable["l"] as Record<string, unknown>)["w"] = 5;
    expect(mutable["l"]?.["w"]).toBe(5);
    expect((frozen["l"] as Record<string, unknown>)["w"]).toBe(1);
  });
});

describe("hk.data typing with params", () => {
  it("partition then merge round-trips a params-like tree with tensor values", () => {
    const params: Readonly<Record<string, Readonly<Record<string, tf.Tensor>>>> = {
      "encoder/~/linear": { w: tf.ones([2, 2]), b: tf.zeros([2]) },
      head: { w: tf.ones([2, 1]) },
    };
    const [enc, rest] = data.partition((m) => m.startsWith("encoder"), params);
    const back: Readonly<Record<string, Readonly<Record<string, tf.Tensor>>>> = data.merge(rest, enc);
    expect(Object.keys(back).sort()).toEqual(["encoder/~/linear", "head"]);
    expect(back["head"]?.["w"]).toBe(params["head"]?.["w"]);
    expect(data.treeSize(back)).toBe(4 + 2 + 2);
    tf.dispose(Object.values(params).flatMap((m) => Object.values(m)));
  });
});
