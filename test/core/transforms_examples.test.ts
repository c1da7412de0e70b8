// The TSDoc @example of each transform wrapper, run as written (with the free variables the
// snippets assume, like `x`, defined here), so that the documented code keeps working.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/index.js";

const x = tf.ones([2, 3]);

describe("TSDoc examples of the transform wrappers", () => {
  it("hk.lift", () => {
    const inner = hk.transform((x: tf.Tensor) => new hk.Linear(3).call(x));
    const outer = hk.transform((x: tf.Tensor) => {
      const params = hk.lift(inner.init, { name: "inner" })(hk.runningInit() ? hk.nextRngKey() : null, x);
      return inner.apply(params, null, x);
    });
    const params = outer.init(hk.random.key(0), x); // { "inner/linear": { w, b } }
    expect(Object.keys(params)).toEqual(["inner/linear"]);
    expect(outer.apply(params, null, x).shape).toEqual([2, 3]);
  });

  it("hk.transparentLift", () => {
    const inner = hk.transform((x: tf.Tensor) => new hk.Linear(3).call(x));
    const outer = hk.transform((x: tf.Tensor) =>
      inner.apply(hk.transparentLift(inner.init)(hk.maybeNextRngKey(), x), null, x),
    );
    expect(Object.keys(outer.init(0, x))).toEqual(["linear"]);
  });

  it("hk.liftWithState and hk.LiftedModule", () => {
    const inner = hk.transformWithState((x: tf.Tensor) => new hk.BatchNorm(true, true, 0.9).call(x, true));
    const outer = hk.transformWithState((x: tf.Tensor) => {
      const [fn, updater] = hk.liftWithState(inner.init, { name: "bn_lift" });
      const [params, state] = fn(hk.maybeNextRngKey(), x);
      const [y, newState] = inner.apply(params, state, null, x);
      updater.update(newState);
      return y;
    });
    const [params, state] = outer.init(0, x);
    expect(Object.keys(params)).toEqual(["bn_lift/batch_norm"]);
    expect(Object.keys(state).sort()).toEqual(["bn_lift/batch_norm/~/mean_ema", "bn_lift/batch_norm/~/var_ema"]);
    const inner2 = hk.transformWithState((x: tf.Tensor) => new hk.Linear(2).call(x));
    const outer2 = hk.transformWithState((x: tf.Tensor) => {
      const [p, s] = new hk.LiftedModule(inner2.init, { name: "inner" }).call(hk.maybeNextRngKey(), x);
      return inner2.apply(p, s, null, x)[0];
    });
    expect(Object.keys(outer2.init(0, x)[0])).toEqual(["inner/linear"]);
  });

  it("hk.layerStack", () => {
    const f = hk.transform((x: tf.Tensor) => hk.layerStack(4)((h: tf.Tensor) => tf.relu(new hk.Linear(8).call(h)))(x));
    const params = f.init(hk.random.key(0), tf.ones([2, 8]));
    expect(params["__layer_stack_no_per_layer/linear"]!["w"]!.shape).toEqual([4, 8, 8]);
  });

  it("hk.scan and hk.map", () => {
    const f = hk.transform((xs: tf.Tensor) => {
      const core = new hk.Linear(4);
      return hk.scan(
        (h: tf.Tensor, x: tf.Tensor): [tf.Tensor, tf.Tensor] => {
          const hNew = tf.tanh(tf.add(core.call(tf.expandDims(x, 0)), h));
          return [hNew, hNew];
        },
        tf.zeros([1, 4]),
        xs,
      )[1];
    });
    const xs = tf.ones([5, 3]);
    expect(f.apply(f.init(0, xs), null, xs).shape).toEqual([5, 1, 4]);
    const g = hk.transform((xs: tf.Tensor) => {
      const lin = new hk.Linear(2);
      return hk.map((x: tf.Tensor) => lin.call(tf.expandDims(x, 0)), xs); // [n, 1, 2]
    });
    expect(g.apply(g.init(0, xs), null, xs).shape).toEqual([5, 1, 2]);
  });

  it("hk.cond, hk.switch, hk.foriLoop, hk.whileLoop", () => {
    const f = hk.transform((x: tf.Tensor, i: number) => {
      const small = new hk.Linear(2, { name: "small" });
      const big = new hk.Linear(2, { name: "big" });
      const out = hk.runningInit()
        ? (small.call(x), big.call(x))
        : hk.cond(
            tf.greater(tf.sum(x), 0),
            (v: tf.Tensor) => big.call(v),
            (v: tf.Tensor) => small.call(v),
            x,
          );
      const experts = [new hk.Linear(2), new hk.Linear(2)];
      const routed = hk.runningInit()
        ? experts.map((e) => e.call(x))[0]!
        : hk.switch(
            i,
            experts.map((e) => (v: tf.Tensor) => e.call(v)),
            x,
          );
      const lin = new hk.Linear(2);
      const h = hk.foriLoop(0, 3, (_i: number, v: tf.Tensor) => tf.tanh(lin.call(v)), out);
      const w = hk.runningInit()
        ? lin.call(h)
        : hk.whileLoop(
            (v: tf.Tensor) => tf.less(tf.mean(v), 1),
            (v: tf.Tensor) => tf.add(lin.call(v), 1),
            h,
          );
      return [routed, w] as [tf.Tensor, tf.Tensor];
    });
    const params = f.init(0, x, 1);
    const [routed, w] = f.apply(params, null, x, 1);
    expect(routed.shape).toEqual([2, 2]);
    expect(tf.mean(w).dataSync()[0]).toBeGreaterThanOrEqual(1);
  });

  it("hk.vmap and hk.remat", () => {
    const f = hk.transform((xs: tf.Tensor) => {
      const lin = new hk.Linear(2);
      return hk.vmap((x: tf.Tensor) => lin.call(tf.expandDims(x, 0)), { splitRng: false })(xs); // params shared
    });
    expect(f.apply(f.init(0, x), null, x).shape).toEqual([2, 1, 2]);
    const g = hk.transform((x: tf.Tensor) => {
      const block = hk.remat((h: tf.Tensor) => tf.relu(new hk.Linear(256).call(h)));
      for (let i = 0; i < 8; i++) x = block(x);
      return x;
    });
    expect(g.apply(g.init(0, x), null, x).shape).toEqual([2, 256]);
  });
});
