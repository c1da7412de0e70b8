// Sequential, Reshape/Flatten, dropout, BatchApply, expand_apply. Semantics and messages:
// haiku/_src/basic.py and haiku/_src/reshape.py (shape examples from their docstrings); golden
// structures haiku/_src/integration/checkpoints/Sequential.json and Flatten.json (no params).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, test } from "vitest";
import * as hk from "../../src/index.js";
import { expectClose, ramp, shapes } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

const { random } = hk;

describe("Sequential", () => {
  test("golden: Sequential([]) has no params and returns its input", () => {
    const f = hk.transform((x: tf.Tensor) => new hk.Sequential([]).call(x));
    const x = tf.ones([8, 2, 2]);
    expect(f.init(random.key(0), x)).toEqual({});
    const y = f.apply({}, null, x);
    expect(y.shape).toEqual([8, 2, 2]);
    expectClose(y, x.dataSync());
  });

  test("modules and plain functions in order; layers built outside keep outer names", () => {
    const f = hk.withoutApplyRng(
      hk.transform((x: tf.Tensor) =>
        new hk.Sequential([
          new hk.Linear(3, { wInit: hk.initializers.Constant(1) }),
          (y: tf.Tensor) => tf.mul(y, -1),
          tf.relu,
          new hk.Linear(2),
        ]).call(x),
      ),
    );
    const x = tf.tensor2d([[1, 2]]);
    const p = f.init(random.key(0), x);
    expect(shapes(p)).toEqual({ linear: { w: [2, 3], b: [3] }, linear_1: { w: [3, 2], b: [2] } });
    // linear -> [3, 3, 3], negated -> relu -> 0, so the output is linear_1's bias (zeros).
    expectClose(f.apply(p, x), [0, 0]);
  });

  test("extra arguments go to the first layer only", () => {
    const seen: unknown[][] = [];
    const first = (x: tf.Tensor, ...rest: unknown[]) => (seen.push(rest), x);
    const second = (x: tf.Tensor, ...rest: unknown[]) => (seen.push(rest), x);
    const f = hk.transform((x: tf.Tensor) => new hk.Sequential([first, second]).call(x, 1, "a"));
    f.init(random.key(0), tf.ones([1]));
    expect(seen).toEqual([[1, "a"], []]);
  });

  test("rejects non-callable layers", () => {
    const f = hk.transform(() => new hk.Sequential([42 as never]));
    expect(() => f.init(random.key(0))).toThrow(
      /^Sequential 'sequential': `layers\[0\]` is neither a function nor a module.*\. Fix: /,
    );
    expect(() => f.init(random.key(0))).toThrow(InvalidArgumentError);
  });
});

describe("Reshape / Flatten", () => {
  const run = (mod: () => { call(x: tf.Tensor): tf.Tensor }, shape: number[]) =>
    hk.transform((x: tf.Tensor) => mod().call(x)).apply({}, null, tf.ones(shape)).shape;

  test("Reshape docstring examples (B, H, W, C, D = 1..5)", () => {
    const s = [1, 2, 3, 4, 5];
    expect(run(() => new hk.Reshape([-1, 5]), s)).toEqual([1, 24, 5]);
    expect(run(() => new hk.Reshape([-1, 5], { preserveDims: 2 }), s)).toEqual([1, 2, 12, 5]);
    expect(run(() => new hk.Reshape([-1, 5], { preserveDims: 3 }), s)).toEqual([1, 2, 3, 4, 5]);
    expect(run(() => new hk.Reshape([-1, 5], { preserveDims: 4 }), s)).toEqual([1, 2, 3, 4, 1, 5]);
    expect(run(() => new hk.Reshape([-1, 5], { preserveDims: -3 }), s)).toEqual([1, 2, 12, 5]);
    expect(run(() => new hk.Reshape([-1, 5], { preserveDims: -3 }), [2, 3, 4, 5])).toEqual([2, 12, 5]);
  });

  test("Flatten docstring examples and golden (no params)", () => {
    expect(run(() => new hk.Flatten(), [3, 2, 4])).toEqual([3, 8]);
    expect(run(() => new hk.Flatten(), [3])).toEqual([3]);
    expect(run(() => new hk.Flatten({ preserveDims: -2 }), [3, 2, 4])).toEqual([3, 8]);
    expect(run(() => new hk.Flatten({ preserveDims: -2 }), [2, 4])).toEqual([8]);
    const f = hk.transform((x: tf.Tensor) => new hk.Flatten().call(x));
    expect(f.init(random.key(0), tf.ones([8, 3, 3, 3]))).toEqual({});
    const x = ramp([2, 2, 3]);
    expect(Array.from(f.apply({}, null, x).dataSync())).toEqual(Array.from(x.dataSync()));
  });

  test("errors as Haiku's", () => {
    const mk = (fn: () => unknown) => () => hk.transform(fn).init(random.key(0));
    expect(mk(() => new hk.Reshape([-1], { preserveDims: 0 }))).toThrow(
      /Reshape 'reshape': Argument `preserveDims` \(Haiku's `preserve_dims`\) should be non-zero/,
    );
    expect(mk(() => new hk.Reshape([-1], { preserveDims: 0 }))).toThrow(InvalidArgumentError);
    expect(mk(() => new hk.Reshape([-1, -1]))).toThrow(
      /-1 can only occur once in `outputShape` \(Haiku's `output_shape`\)/,
    );
    expect(mk(() => new hk.Reshape([-1, -1]))).toThrow(InvalidArgumentError);
    expect(() => run(() => new hk.Reshape([5]), [2, 3])).toThrow(
      /Reshape 'reshape': cannot reshape dims \[3\] of input \[2, 3\]/,
    );
    expect(() => run(() => new hk.Reshape([5]), [2, 3])).toThrow(ShapeError);
  });

  test("gradient flows through Flatten on wasm", () => {
    const x = ramp([2, 3, 2]);
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.square(hk.transform((y: tf.Tensor) => new hk.Flatten().call(y)).apply({}, null, t))),
    )(x);
    expectClose(
      g,
      Array.from(x.dataSync(), (v) => 2 * v),
    );
  });
});

describe("dropout", () => {
  // basic.py dropout_impl: keep = bernoulli(rng, 1 - rate, shape); keep * x / keep_rate.
  test("known answer from JAX's bernoulli", () => {
    const k = random.key(42);
    const x = ramp([4, 5], 1, 0.3);
    const y = hk.dropout(k, 0.3, x);
    const keep = random.bernoulliValues(k, 0.7, [4, 5]);
    const xd = x.dataSync();
    expectClose(
      y,
      Array.from(xd, (v, i) => (keep[i] ? Math.fround(v / Math.fround(0.7)) : 0)),
      1e-7,
    );
    let kept = 0;
    for (const b of keep) kept += b;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(20);
  });

  test("broadcast_dims share one mask along those dims", () => {
    const k = random.key(3);
    const y = hk.dropout(k, 0.5, tf.ones([3, 4]), [1]);
    const keep = random.bernoulliValues(k, 0.5, [3, 1]);
    expectClose(
      y,
      Array.from({ length: 12 }, (_, i) => (keep[Math.floor(i / 4)] ? 2 : 0)),
    );
  });

  test("rate 0 returns x itself; rate outside [0, 1) and bad keys are refused", () => {
    const x = tf.ones([2]);
    expect(hk.dropout(random.key(0), 0, x)).toBe(x);
    expect(() => hk.dropout(random.key(0), 1, x)).toThrow(
      /^hk\.dropout: `rate` must be in \[0, 1\), got the number 1\. Fix: /,
    );
    expect(() => hk.dropout(random.key(0), 1, x)).toThrow(InvalidArgumentError);
    expect(() => hk.dropout(random.key(0), -0.1, x)).toThrow(/`rate` must be in \[0, 1\)/);
    expect(() => hk.dropout(random.key(0), -0.1, x)).toThrow(InvalidArgumentError);
    expect(() => hk.dropout(null as never, 0.5, x)).toThrow(
      /^hk\.dropout: `rng` must be a PRNG key \(Uint32Array\(2\)\), got null\. Fix: /,
    );
    expect(() => hk.dropout(random.key(0), 0.5, x, [3])).toThrow(
      /Broadcast dimension does not exist. Got dimension the number 3 for shape \[2\]/,
    );
    expect(() => hk.dropout(random.key(0), 0.5, x, [3])).toThrow(ShapeError);
  });

  test("inside a transform with nextRngKey; gradient on wasm is mask / keep_rate", () => {
    const f = hk.transform((x: tf.Tensor) => hk.dropout(hk.nextRngKey(), 0.25, x));
    const x = ramp([3, 3], 1);
    const k = random.split(random.key(5), 2)[1]!;
    const keep = random.bernoulliValues(k, 0.75, [3, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(f.apply({}, random.key(5), t)))(x);
    expectClose(
      g,
      Array.from(keep, (b) => (b ? 1 / 0.75 : 0)),
      1e-6,
    );
  });

  test("leaks no tensors", () => {
    const x = tf.ones([8, 8]);
    tf.dispose(hk.dropout(random.key(1), 0.5, x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(hk.dropout(random.key(i), 0.5, x));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("BatchApply / expandApply", () => {
  test("BatchApply merges [T, B] for a Linear and splits the result", () => {
    const f = hk.transform((x: tf.Tensor) => new hk.BatchApply((y: tf.Tensor) => new hk.Linear(4).call(y)).call(x));
    const x = ramp([5, 2, 3]);
    const p = f.init(random.key(0), x);
    expect(shapes(p)).toEqual({ linear: { w: [3, 4], b: [4] } });
    const y = f.apply(p, null, x);
    expect(y.shape).toEqual([5, 2, 4]);
    const flat = hk.transform((z: tf.Tensor) => new hk.Linear(4).call(z)).apply(p, null, tf.reshape(x, [10, 3]));
    expectClose(y, flat.dataSync());
  });

  test("BatchApply passes low-rank and non-tensor args through, maps output trees", () => {
    const seen: number[][] = [];
    const ba = new hk.BatchApply((a: tf.Tensor, s: tf.Tensor, k: number) => {
      seen.push(a.shape, s.shape, [k]);
      return { out: tf.add(a, s), k };
    });
    const r = ba.call(tf.ones([2, 3, 4]), tf.ones([4]), 7);
    expect(seen).toEqual([[6, 4], [4], [7]]);
    expect(r.out.shape).toEqual([2, 3, 4]);
    expect(r.k).toBe(7);
    expect(() => ba.call(tf.ones([4]), tf.ones([4]), 1)).toThrow(
      /BatchApply requires at least one input with ndim >= 2/,
    );
    expect(() => ba.call(tf.ones([4]), tf.ones([4]), 1)).toThrow(ShapeError);
  });

  test("expandApply adds and removes a unit axis (0 or -1)", () => {
    const f = hk.expandApply((x: tf.Tensor) => (expect(x.shape).toEqual([1, 2, 3]), tf.cumsum(x, 0)));
    expect(f(tf.ones([2, 3])).shape).toEqual([2, 3]);
    const g = hk.expandApply((x: tf.Tensor) => (expect(x.shape).toEqual([2, 3, 1]), x), -1);
    expect(g(tf.ones([2, 3])).shape).toEqual([2, 3]);
    expect(() => hk.expandApply((x: tf.Tensor) => x, 1 as never)).toThrow(
      /^hk\.expandApply: expand_apply currently only supports `axis` 0 or -1, got the number 1\. Fix: /,
    );
    expect(() => hk.expandApply((x: tf.Tensor) => x, 1 as never)).toThrow(InvalidArgumentError);
  });
});
