// hk.remat: the same outputs, state and gradients as without it (Haiku's stateful.remat is
// jax.checkpoint with Haiku state threaded: remat must not change values), with the forward's
// activations dropped (recomputed in the backward pass).
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/index.js";
import { TransformError } from "../../src/util/errors.js";

const x = tf.randomNormal([4, 8], 0, 1, "float32", 5);

/** A deep MLP whose blocks draw keys and set state: remat must replay both exactly. */
const net = (useRemat: boolean) =>
  hk.transformWithState((v: tf.Tensor) => {
    const block = (h: tf.Tensor): tf.Tensor => {
      const y = tf.tanh(new hk.Linear(8).call(h));
      hk.setState("mean", tf.mean(y));
      return tf.add(y, tf.mul(hk.random.normal(hk.nextRngKey(), y.shape), 0.01));
    };
    const b = useRemat ? hk.remat(block) : block;
    let h = v;
    for (let i = 0; i < 6; i++) h = b(h);
    return h;
  });

describe("hk.remat", () => {
  it("gives the same outputs, state and gradients as the plain function", () => {
    const plain = net(false);
    const rem = net(true);
    const [params, state] = plain.init(hk.random.key(0), x);
    const [params2] = rem.init(hk.random.key(0), x);
    expect(Object.keys(params2)).toEqual(Object.keys(params));
    const run = (t: typeof plain) =>
      hk.valueAndGrad((p: hk.Params) => {
        const [y, s] = t.apply(p, state, hk.random.key(3), x);
        return tf.add(tf.sum(tf.square(y)), tf.sum(s["~"]!["mean"] as tf.Tensor));
      })(params);
    const [v1, g1] = run(plain);
    const [v2, g2] = run(rem);
    expect(v2.dataSync()[0]).toBeCloseTo(v1.dataSync()[0]!, 5);
    for (const m of Object.keys(params)) {
      for (const n of ["w", "b"]) {
        const a = (g1 as hk.Params)[m]![n]!.dataSync();
        const b = (g2 as hk.Params)[m]![n]!.dataSync();
        a.forEach((val, i) => expect(b[i]).toBeCloseTo(val, 5));
      }
    }
    const [, s1] = plain.apply(params, state, hk.random.key(3), x);
    const [, s2] = rem.apply(params, state, hk.random.key(3), x);
    expect(Object.keys(s2)).toEqual(Object.keys(s1));
  });

  it("does not keep the forward's activations alive under a gradient", () => {
    const [params, state] = net(false).init(hk.random.key(0), x);
    const aliveAfterForward = (useRemat: boolean): number => {
      const t = net(useRemat);
      let alive = 0;
      const [v, g] = hk.valueAndGrad((p: hk.Params) => {
        const before = tf.memory().numTensors;
        const [y] = t.apply(p, state, hk.random.key(3), x);
        alive = tf.memory().numTensors - before;
        return tf.sum(y);
      })(params);
      v.dispose();
      hk.tree.dispose(g);
      return alive;
    };
    const plain = aliveAfterForward(false);
    const rem = aliveAfterForward(true);
    expect(rem).toBeLessThan(plain);
  });

  it("runs the function directly outside gradients and refuses to run outside a transform", () => {
    const [params, state] = net(true).init(hk.random.key(0), x);
    const [y1] = net(true).apply(params, state, hk.random.key(3), x);
    const [y2] = net(false).apply(params, state, hk.random.key(3), x);
    expect(Array.from(y1.dataSync())).toEqual(Array.from(y2.dataSync()));
    expect(() => hk.remat((v: tf.Tensor) => v)(x)).toThrow(
      /hk\.remat\(\) should not be used outside of hk\.transform\(\)/,
    );
    expect(() => hk.remat((v: tf.Tensor) => v)(x)).toThrow(TransformError);
  });

  it("keeps memory flat over training steps", () => {
    const t = net(true);
    const [params, state] = t.init(hk.random.key(0), x);
    const step = () => {
      const [v, g] = hk.valueAndGrad((p: hk.Params) => {
        const [y, s] = t.apply(p, state, hk.random.key(3), x);
        hk.tree.dispose(s);
        return tf.sum(y);
      })(params);
      v.dispose();
      hk.tree.dispose(g);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });
});
