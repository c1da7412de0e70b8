// hk.lift misuse and memory. Behaviour from Haiku's lift.py (pack_into_dict's reuse check,
// LiftWithStateUpdater's "must be used" / "only once", add_state_to_init_fn) and lift_test.py.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import { Linear, disposeTree } from "./helpers.js";
import { ParameterError, TransformError } from "../../src/util/errors.js";

const x = tf.ones([1, 3]);
const inner = hk.transform((v: tf.Tensor) => new Linear(2).call(v));
const innerS = hk.transformWithState((v: tf.Tensor) => {
  hk.setState("n", tf.sum(v));
  return new Linear(2).call(v);
});

describe("hk.lift", () => {
  it("rejects a second lift under the same name unless allowReuse (lift_test: test_lift_raises_with_reuse)", () => {
    const f = (allowReuse: boolean) =>
      hk.transform((v: tf.Tensor) => {
        const a = hk.lift(inner.init, { name: hk.forceName("same"), allowReuse })(null, v);
        const b = hk.lift(inner.init, { name: hk.forceName("same"), allowReuse })(null, v);
        return [a, b];
      });
    expect(() => f(false).init(null, x)).toThrow(
      /hk\.lift "same": key 'same\/linear' already exists.*Fix: .*allowReuse/,
    );
    expect(() => f(false).init(null, x)).toThrow(ParameterError);
    const p = f(true).init(null, x);
    expect(Object.keys(p)).toEqual(["same/linear"]);
    disposeTree(p);
  });

  it("names the lift like a module: lifted, lifted_1, outer/lifted", () => {
    const f = hk.transform((v: tf.Tensor) => {
      hk.lift(inner.init)(null, v);
      hk.lift(inner.init)(null, v);
      hk.nameScope("outer", () => hk.lift(inner.init)(null, v));
    });
    const p = f.init(null, x);
    expect(Object.keys(p)).toEqual(["lifted/linear", "lifted_1/linear", "outer/lifted/linear"]);
    disposeTree(p);
  });

  it("tells to use liftWithState for a stateful init", () => {
    const f = hk.transform((v: tf.Tensor) => hk.lift(innerS.init as never)(null, v));
    expect(() => f.init(null, x)).toThrow(/hk\.lift: .*use `hk\.liftWithState`/);
    expect(() => f.init(null, x)).toThrow(hk.NonEmptyStateError);
  });

  it("requires a transform", () => {
    expect(() => hk.lift(inner.init)).toThrow(/hk\.lift must be used as part of an `hk\.transform`.*Fix/);
    expect(() => hk.lift(inner.init)).toThrow(TransformError);
  });

  it("the liftWithState updater must be used exactly once, in the same call", () => {
    const unused = hk.transformWithState((v: tf.Tensor) => {
      const [fn] = hk.liftWithState(innerS.init);
      return fn(null, v);
    });
    expect(() => unused.init(null, x)).toThrow(/LiftWithStateUpdater must be used.*Fix: call `\.update\(state\)`/);
    expect(() => unused.init(null, x)).toThrow(TransformError);
    const twice = hk.transformWithState((v: tf.Tensor) => {
      const [fn, up] = hk.liftWithState(innerS.init);
      fn(null, v);
      up.ignoreUpdate();
      up.ignoreUpdate();
    });
    expect(() => twice.init(null, x)).toThrow(/must only be used once/);
    expect(() => twice.init(null, x)).toThrow(TransformError);
    let leaked: hk.LiftWithStateUpdater | undefined;
    const first = hk.transformWithState((v: tf.Tensor) => {
      const [fn, up] = hk.liftWithState(innerS.init);
      fn(null, v);
      up.ignoreUpdate();
      leaked = up;
    });
    disposeTree(first.init(null, x));
    expect(() => leaked!.ignoreUpdate()).toThrow(/must only be used once/);
    expect(() => leaked!.ignoreUpdate()).toThrow(TransformError);
  });

  it("keeps memory flat over repeated apply", () => {
    const outer = hk.transformWithState((v: tf.Tensor) => {
      const [fn, up] = hk.liftWithState(innerS.init, { name: "in" });
      const [p, s] = fn(null, v);
      const [y, s2] = innerS.apply(p, s, null, v);
      up.update(s2);
      return y;
    });
    let [params, state] = outer.init(null, x);
    const step = () => {
      const [y, s] = outer.apply(params, state, null, x);
      y.dispose();
      disposeTree(state);
      state = s;
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(params);
    disposeTree(state);
  });
});
