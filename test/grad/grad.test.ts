import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import { grad, valueAndGrad } from "../../src/grad/index.js";
import * as tree from "../../src/tree/index.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

type P = { w: tf.Tensor; b: tf.Tensor };

function close(actual: tf.Tensor, expected: number[], tol = 1e-5): void {
  const a = Array.from(actual.dataSync());
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(tol));
}

// Linear least squares: L = mean_i (x_i . w + b - y_i)^2, so
// dL/dw_j = (2/n) sum_i r_i x_ij, dL/db = (2/n) sum_i r_i with r_i = x_i . w + b - y_i.
const X = [
  [1, 2],
  [3, -1],
  [0.5, 4],
];
const Y = [1, 2, -1];
const W = [0.3, -0.2];
const B = 0.1;
const loss = (p: P, x: tf.Tensor, y: tf.Tensor): tf.Tensor =>
  tf.mean(tf.square(tf.sub(tf.add(tf.squeeze(tf.matMul(x, p.w), [1]), p.b), y)));

function analytic(): { value: number; dw: number[]; db: number } {
  const r = X.map(
    (row, i) => (row[0] as number) * (W[0] as number) + (row[1] as number) * (W[1] as number) + B - (Y[i] as number),
  );
  const n = X.length;
  const value = r.reduce((s, v) => s + v * v, 0) / n;
  const dw = [0, 1].map((j) => (2 / n) * r.reduce((s, v, i) => s + v * ((X[i] as number[])[j] as number), 0));
  const db = (2 / n) * r.reduce((s, v) => s + v, 0);
  return { value, dw, db };
}

function setup(): { p: P; x: tf.Tensor; y: tf.Tensor; free: () => void } {
  const p = { w: tf.tensor2d(W, [2, 1]), b: tf.scalar(B) };
  const x = tf.tensor2d(X);
  const y = tf.tensor1d(Y);
  return { p, x, y, free: () => tf.dispose([p.w, p.b, x, y]) };
}

describe("hk.valueAndGrad / hk.grad", () => {
  it("matches the analytic gradient of least squares, same structure and key order", () => {
    const { p, x, y, free } = setup();
    const before = tf.memory().numTensors;
    const [value, grads] = valueAndGrad(loss)(p, x, y);
    const want = analytic();
    close(value, [want.value]);
    close(grads.w, want.dw);
    close(grads.b, [want.db]);
    expect(grads.w.shape).toEqual([2, 1]);
    expect(Object.keys(grads)).toEqual(["w", "b"]);
    expect(Object.isFrozen(grads)).toBe(true);
    tf.dispose(value);
    tree.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    const g = grad(loss)(p, x, y);
    close(g.w, want.dw);
    tree.dispose(g);
    expect(tf.memory().numTensors).toBe(before);
    free();
  });

  it("gives zeros for leaves that do not affect the value and keeps null subtrees", () => {
    const p = { used: tf.tensor1d([1, 2]), unused: tf.ones([3]), none: null, nested: [tf.scalar(2)] };
    const [v, g] = valueAndGrad((q: typeof p) => tf.sum(tf.mul(q.used, q.used)))(p);
    close(v, [5]);
    close(g.used, [2, 4]);
    close(g.unused, [0, 0, 0]);
    close(g.nested[0] as tf.Tensor, [0]);
    expect(g.none).toBeNull();
    tf.dispose(v);
    tree.dispose(g);
    tree.dispose(p);
  });

  it("passes aux through (hasAux) and keeps its tensors alive", () => {
    const { p, x, y, free } = setup();
    const before = tf.memory().numTensors;
    const fn = (q: P, xx: tf.Tensor, yy: tf.Tensor): [tf.Tensor, { pred: tf.Tensor; step: number }] => {
      const pred = tf.add(tf.squeeze(tf.matMul(xx, q.w), [1]), q.b);
      return [tf.mean(tf.square(tf.sub(pred, yy))), { pred, step: 3 }];
    };
    const [[value, aux], grads] = valueAndGrad(fn, { hasAux: true })(p, x, y);
    const want = analytic();
    close(value, [want.value]);
    close(grads.w, want.dw);
    expect(aux.step).toBe(3);
    close(
      aux.pred,
      X.map((r) => (r[0] as number) * (W[0] as number) + (r[1] as number) * (W[1] as number) + B),
    );
    tf.dispose([value, aux.pred]);
    tree.dispose(grads);
    const [g2, aux2] = grad(fn, { hasAux: true })(p, x, y);
    close(g2.b, [want.db]);
    tf.dispose(aux2.pred);
    tree.dispose(g2);
    expect(tf.memory().numTensors).toBe(before);
    free();
  });

  it("differentiates other argnums, and tuples of them", () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([3, 4]);
    const f = (s: number, u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.mul(u, v), s));
    const gv = grad(f, { argnums: 2 })(2, a, b);
    close(gv, [2, 4]);
    const [gu, gw] = grad(f, { argnums: [1, 2] })(2, a, b);
    close(gu, [6, 8]);
    close(gw, [2, 4]);
    tf.dispose([gv, gu, gw, a, b]);
  });

  it("gives each leaf its own gradient handle when tfjs shares one or a tensor repeats", () => {
    const t = tf.scalar(1.5);
    const p = { a: tf.scalar(2), b: tf.scalar(3), c: t, d: t };
    const before = tf.memory().numTensors;
    const g = grad((q: typeof p) => tf.add(tf.add(q.a, q.b), tf.mul(q.c, 2)))(p);
    close(g.a, [1]);
    close(g.b, [1]);
    close(g.c, [2]);
    close(g.d, [2]);
    const ids = new Set(tree.tensors(g).map((x) => x.id));
    expect(ids.size).toBe(4);
    g.a.dispose();
    close(g.b, [1]);
    tree.dispose(g);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(p);
  });

  it("does not leak over 1000 calls", () => {
    const { p, x, y, free } = setup();
    const vg = valueAndGrad(loss);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      const [v, g] = vg(p, x, y);
      v.dispose();
      tree.dispose(g);
    }
    expect(tf.memory().numTensors).toBe(before);
    free();
  });
});

describe("hk.valueAndGrad errors (no leaks, clear messages)", () => {
  it("rejects integer, number and key leaves with their path", () => {
    const w = tf.ones([2]);
    const i = tf.tensor1d([1, 2], "int32");
    const before = tf.memory().numTensors;
    const f = (q: unknown) => tf.sum(w);
    expect(() => grad(f)({ "mlp/~/linear_0": { w, count: i } })).toThrow(
      /leaf `mlp\/~\/linear_0.count` of argument 0 is a int32 tensor/,
    );
    expect(() => grad(f)({ "mlp/~/linear_0": { w, count: i } })).toThrow(InvalidArgumentError);
    expect(() => grad(f)({ lr: 0.1, w })).toThrow(/leaf `lr` of argument 0 is the number 0.1, not a tensor/);
    expect(() => grad(f)({ lr: 0.1, w })).toThrow(InvalidArgumentError);
    expect(() => grad(f)({ key: new Uint32Array(2), w })).toThrow(/leaf `key` .*Uint32Array/);
    expect(() => grad(f)({ key: new Uint32Array(2), w })).toThrow(InvalidArgumentError);
    expect(() => grad(f, { argnums: 3 })(w)).toThrow(
      /^hk\.grad: `argnums` contains the number 3 but the function was called with 1 argument\(s\)\. Fix: /,
    );
    expect(() => grad(f, { argnums: 3 })(w)).toThrow(InvalidArgumentError);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, i]);
  });

  it("rejects non-scalar and non-tensor values, malformed aux, and cleans up after fn throws", () => {
    const p = { w: tf.ones([3]) };
    const before = tf.memory().numTensors;
    expect(() => valueAndGrad((q: typeof p) => tf.mul(q.w, 2))(p)).toThrow(
      /must return a scalar float32 tensor \(shape \[\]\), got float32\[3\]/,
    );
    expect(() => valueAndGrad((q: typeof p) => tf.mul(q.w, 2))(p)).toThrow(ShapeError);
    expect(() => valueAndGrad((() => 3) as unknown as (q: typeof p) => tf.Tensor)(p)).toThrow(/got the number 3/);
    expect(() => valueAndGrad((() => 3) as unknown as (q: typeof p) => tf.Tensor)(p)).toThrow(ShapeError);
    expect(() => valueAndGrad(((q: typeof p) => tf.sum(q.w)) as never, { hasAux: true })(p)).toThrow(
      /must return \[value, aux\]/,
    );
    expect(() => valueAndGrad(((q: typeof p) => tf.sum(q.w)) as never, { hasAux: true })(p)).toThrow(ShapeError);
    expect(() =>
      valueAndGrad((q: typeof p) => {
        tf.exp(tf.mul(q.w, 3));
        throw new Error("user bug");
      })(p),
    ).toThrow(/user bug/);
    expect(() =>
      valueAndGrad((q: typeof p): [tf.Tensor, tf.Tensor] => [tf.mul(q.w, 2), tf.mul(q.w, 3)], { hasAux: true })(p),
    ).toThrow(/scalar/);
    expect(tf.memory().numTensors).toBe(before);
    // A later call still works and is clean.
    const [v, g] = valueAndGrad((q: typeof p) => tf.sum(tf.exp(q.w)))(p);
    close(g.w, [Math.E, Math.E, Math.E]);
    tf.dispose(v);
    tree.dispose(g);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(p);
  });
});

describe("hk.valueAndGrad ownership", () => {
  it("returns its own handles when fn returns an input tensor as value or aux", () => {
    const p = { a: tf.scalar(3), w: tf.tensor1d([1, 2]) };
    const [[v, aux], g] = valueAndGrad(
      (q: typeof p): [tf.Tensor, { w: tf.Tensor; same: tf.Tensor }] => [q.a, { w: q.w, same: q.a }],
      {
        hasAux: true,
      },
    )(p);
    expect(v).not.toBe(p.a);
    expect(aux.w).not.toBe(p.w);
    expect(aux.same).not.toBe(v);
    close(g.a, [1]);
    close(g.w, [0, 0]);
    // Disposing everything returned leaves the inputs intact.
    tf.dispose([v, aux.w, aux.same]);
    tree.dispose(g);
    close(p.a, [3]);
    close(p.w, [1, 2]);
    tree.dispose(p);
  });

  it("aux tensors are ordinary results: an enclosing tf.tidy frees them when not returned", () => {
    const p = { w: tf.tensor1d([1, 2]) };
    const vg = valueAndGrad(
      (q: typeof p): [tf.Tensor, { h: tf.Tensor; n: number }] => [tf.sum(q.w), { h: tf.exp(q.w), n: 1 }],
      { hasAux: true },
    );
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const kept = tf.tidy(() => {
        const [[, aux], g] = vg(p);
        expect(aux.n).toBe(1);
        return g.w;
      });
      close(kept, [1, 1]);
      kept.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(p);
  });
});
