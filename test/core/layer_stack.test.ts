// hk.layerStack: equivalence with an explicit loop over slices of the stacked params (the
// definition in Haiku's layer_stack.py docstring and layer_stack_test.py
// test_layer_stack_equivalence), gradients, misuse errors and memory.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/index.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

const x = tf.randomNormal([2, 4], 0, 1, "float32", 1);
const layer = (h: tf.Tensor) => tf.tanh(new hk.Linear(4).call(h));

describe("hk.layerStack", () => {
  it("equals the loop over layers with the stacked params sliced per layer", () => {
    const stacked = hk.transform((v: tf.Tensor) => hk.layerStack(3)(layer)(v));
    const one = hk.transform(layer);
    const params = stacked.init(hk.random.key(0), x);
    const { w, b } = params["__layer_stack_no_per_layer/linear"]!;
    expect(w!.shape).toEqual([3, 4, 4]);
    let h = x;
    for (let i = 0; i < 3; i++) {
      h = one.apply({ linear: { w: tf.gather(w!, i), b: tf.gather(b!, i) } }, null, h);
    }
    const y = stacked.apply(params, null, x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(h.dataSync()));
  });

  it("gradients reach every layer's slice", () => {
    const stacked = hk.withoutApplyRng(hk.transform((v: tf.Tensor) => hk.layerStack(2)(layer)(v)));
    const params = stacked.init(hk.random.key(1), x);
    const [, grads] = hk.valueAndGrad((p: hk.Params) => tf.sum(stacked.apply(p, x)))(params);
    const gw = (grads as hk.Params)["__layer_stack_no_per_layer/linear"]!.w!;
    expect(gw.shape).toEqual([2, 4, 4]);
    const perLayer = tf.sum(tf.abs(gw), [1, 2]).dataSync();
    expect(perLayer[0]).toBeGreaterThan(0);
    expect(perLayer[1]).toBeGreaterThan(0);
  });

  it("rejects bad arguments with the fix", () => {
    expect(() => hk.layerStack(0)).toThrow(
      /hk\.layerStack: `numLayers` must be a positive integer, got the number 0\. Fix/,
    );
    expect(() => hk.layerStack(0)).toThrow(hk.InvalidArgumentError);
    const f = hk.transform((v: tf.Tensor, ys: tf.Tensor) =>
      hk.layerStack(3, { withPerLayerInputs: true })((h: tf.Tensor, y: tf.Tensor) => [tf.mul(h, y), null])(v, ys),
    );
    expect(() => f.init(null, x, tf.ones([2]))).toThrow(
      /hk\.layerStack: every leaf of the per-layer inputs must have size 3 on axis 0, got shape \[2\]/,
    );
    expect(() => f.init(null, x, tf.ones([2]))).toThrow(ShapeError);
    const g = hk.transform((a: tf.Tensor, c: tf.Tensor) =>
      hk.layerStack(2)((p: tf.Tensor, q: tf.Tensor) => tf.add(p, q))(a, c),
    );
    expect(() => g.init(null, x, x)).toThrow(/must return an array of 2 values .*Fix: return \[x0, x1\]/);
    expect(() => g.init(null, x, x)).toThrow(InvalidArgumentError);
  });

  it("keeps memory flat over repeated apply", () => {
    const stacked = hk.transform((v: tf.Tensor) => hk.layerStack(3)(layer)(v));
    const params = stacked.init(hk.random.key(0), x);
    stacked.apply(params, null, x).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) stacked.apply(params, hk.random.key(i), x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    hk.tree.dispose(params);
  });
});
