// hk.scan & co.: the rules Haiku's stateful.py enforces (assert_no_new_parameters in scan,
// while_loop refusing init, RUNNING_INIT_HINT for params created in branches, the
// "outside of hk.transform" errors), names decoupled per step, zero-length scans and memory.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/index.js";
import { InvalidArgumentError, ParameterError, TransformError } from "../../src/util/errors.js";

const xs = tf.ones([3, 2]);

describe("stateful control flow", () => {
  it("scan: a module created inside the step fails in init as in Haiku (New parameters were created: linear_1)", () => {
    // Haiku 0.0.17 raises `AssertionError: New parameters were created: [('linear_1', 'b'), ('linear_1', 'w')]`.
    const f = hk.transform((v: tf.Tensor) =>
      hk.scan((c: tf.Tensor, x: tf.Tensor) => [c, new hk.Linear(2).call(tf.expandDims(x, 0))], tf.zeros([]), v),
    );
    expect(() => f.init(0, xs)).toThrow(
      /hk\.scan: new parameters were created in step 1 \(after the first\), got \[linear_1\/b, linear_1\/w\].*Fix: create the modules outside/,
    );
    expect(() => f.init(0, xs)).toThrow(ParameterError);
  });

  it("scan: names allocated in a step do not leak out of the loop", () => {
    const f = hk.transform((v: tf.Tensor) => {
      const lin = new hk.Linear(2);
      hk.scan((c: null, x: tf.Tensor): [null, tf.Tensor] => [c, lin.call(tf.expandDims(x, 0))], null, v);
      return new hk.Linear(2).call(v); // linear_1, as after any single call
    });
    const p = f.init(0, xs);
    expect(Object.keys(p)).toEqual(["linear", "linear_1"]);
    hk.tree.dispose(p);
  });

  it("scan in apply: every step names its modules as the first did (Haiku traces the step once)", () => {
    const f = hk.transform((v: tf.Tensor) => {
      if (hk.runningInit()) return new hk.Linear(2).call(tf.slice(v, [0, 0], [1, 2]));
      return hk.scan(
        (c: null, x: tf.Tensor): [null, tf.Tensor] => [c, new hk.Linear(2).call(tf.expandDims(x, 0))],
        null,
        v,
      )[1];
    });
    const params = f.init(0, xs);
    expect(f.apply(params, null, xs).shape).toEqual([3, 1, 2]);
    hk.tree.dispose(params);
  });

  it("scan: zero steps return the carry and empty outputs", () => {
    const f = hk.transform((v: tf.Tensor) =>
      hk.scan((c: tf.Tensor, x: tf.Tensor) => [tf.add(c, 1), tf.mul(x, 2)], tf.zeros([]), v),
    );
    for (const mode of ["init", "apply"]) {
      const params = f.init(null, tf.zeros([0, 2]));
      if (mode === "apply") {
        const [c, ys] = f.apply(params, null, tf.zeros([0, 2]));
        expect(c.dataSync()[0]).toBe(0);
        expect(ys.shape).toEqual([0, 2]);
      }
    }
  });

  it("scan validates length and unroll", () => {
    const f = (opts: hk.ScanOptions) =>
      hk.transform(() => hk.scan((c: null, _x: null): [null, null] => [c, null], null, null, opts));
    expect(() => f({}).init(null)).toThrow(
      /hk\.scan: `length` is needed when `xs` has no tensor.*Fix: pass `\{ length \}`/,
    );
    expect(() => f({}).init(null)).toThrow(InvalidArgumentError);
    expect(() => f({ length: 2, unroll: 0 }).init(null)).toThrow(
      /hk\.scan: `unroll` must be a positive integer or a boolean, got the number 0/,
    );
    expect(() => f({ length: 2, unroll: 0 }).init(null)).toThrow(hk.InvalidArgumentError);
  });

  it("whileLoop refuses init and state changes in condFn", () => {
    const f = hk.transform(() =>
      hk.whileLoop(
        () => false,
        (v: number) => v,
        0,
      ),
    );
    expect(() => f.init(null)).toThrow(/hk\.whileLoop: `hk\.whileLoop` does not support initialization.*Fix/);
    expect(() => f.init(null)).toThrow(hk.TransformError);
    const g = hk.transform(() =>
      hk.whileLoop(
        () => (hk.nextRngKey(), false),
        (v: number) => v,
        0,
      ),
    );
    expect(() => g.apply({}, 0)).toThrow(
      /hk\.whileLoop: `hk\.whileLoop` does not support `hk\.setState`, `hk\.nextRngKey` \(et al\) in `condFn`/,
    );
    expect(() => g.apply({}, 0)).toThrow(TransformError);
  });

  it("cond: params created in a branch at init give Haiku's hint", () => {
    const f = hk.transform((v: tf.Tensor) =>
      hk.cond(
        true,
        (x: tf.Tensor) => new hk.Linear(2).call(x),
        (x: tf.Tensor) => x,
        v,
      ),
    );
    expect(() => f.init(0, xs)).toThrow(
      /hk\.cond: parameters were created inside a branch during init.*hk\.runningInit/,
    );
    expect(() => f.init(0, xs)).toThrow(hk.ParameterError);
    const g = hk.transform((v: tf.Tensor) =>
      hk.cond(
        tf.ones([2]),
        (x: tf.Tensor) => x,
        (x: tf.Tensor) => x,
        v,
      ),
    );
    expect(() => g.init(null, xs)).toThrow(/hk\.cond: `pred` must be a scalar.*got a float32 tensor of shape \[2\]/);
    expect(() => g.init(null, xs)).toThrow(hk.InvalidArgumentError);
  });

  it("refuses to run outside a transform", () => {
    expect(() => hk.scan((c: null, x: null): [null, null] => [c, x], null, null, { length: 1 })).toThrow(
      /hk\.scan\(\) should not be used outside of hk\.transform\(\).*Fix/,
    );
    expect(() => hk.scan((c: null, x: null): [null, null] => [c, x], null, null, { length: 1 })).toThrow(
      TransformError,
    );
    expect(() => hk.foriLoop(0, 1, (_i: number, v: number) => v, 0)).toThrow(
      /hk\.foriLoop\(\) should not be used outside/,
    );
    expect(() => hk.foriLoop(0, 1, (_i: number, v: number) => v, 0)).toThrow(TransformError);
    expect(() =>
      hk.cond(
        true,
        () => 1,
        () => 2,
      ),
    ).toThrow(/hk\.cond\(\) should not be used outside/);
    expect(() =>
      hk.cond(
        true,
        () => 1,
        () => 2,
      ),
    ).toThrow(TransformError);
  });

  it("keeps memory flat over repeated apply", () => {
    const f = hk.transformWithState((v: tf.Tensor) => {
      const lin = new hk.Linear(2);
      const [c] = hk.scan(
        (h: tf.Tensor, x: tf.Tensor): [tf.Tensor, tf.Tensor] => {
          hk.setState("h", h);
          return [tf.tanh(tf.add(lin.call(tf.expandDims(x, 0)), h)), h];
        },
        tf.zeros([1, 2]),
        v,
      );
      return hk.foriLoop(0, 2, (_i: number, h: tf.Tensor) => lin.call(h), c);
    });
    const [params, state0] = f.init(0, xs);
    let state = state0;
    const step = () => {
      const [y, s] = f.apply(params, state, null, xs);
      y.dispose();
      hk.tree.dispose(state);
      state = s;
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a step that throws leaves no tensors behind and the params untouched", () => {
    const f = hk.transform((v: tf.Tensor, failAt: number) => {
      const lin = new hk.Linear(2);
      return hk.scan(
        (c: tf.Tensor, x: tf.Tensor): [tf.Tensor, tf.Tensor] => {
          const y = lin.call(tf.expandDims(x, 0));
          if (tf.sum(c).dataSync()[0]! >= failAt) throw new Error("step failed");
          return [tf.add(c, 1), y];
        },
        tf.zeros([]),
        v,
      )[1];
    });
    const params = f.init(0, xs, 10);
    const w = Array.from(params["linear"]!["w"]!.dataSync());
    expect(() => f.apply(params, null, xs, 1)).toThrow("step failed");
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) expect(() => f.apply(params, null, xs, 1)).toThrow("step failed");
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(params["linear"]!["w"]!.dataSync())).toEqual(w);
  });
});
