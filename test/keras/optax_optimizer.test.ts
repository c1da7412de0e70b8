// OptaxOptimizer: hk.optim transformations as a tfjs Optimizer for model.compile / model.fit.
// Its contract is optax's `apply_updates(params, tx.update(grads, state, params))` on the
// trainable variables, so each test compares with hk.optim run by hand on the same numbers.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";

import * as hk from "../../src/index.js";
import { JaxLayer, OptaxOptimizer, setRandomSeed } from "../../src/keras/index.js";

const W0 = [
  [0.5, -1],
  [2, 0.25],
  [-0.75, 1.5],
];
const X = [
  [1, 2, 3],
  [-1, 0.5, 2],
];

/** Loss of a linear map on fixed data, as a function of a weight. */
const lossOf = (w: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.tensor2d(X), w)));

describe("OptaxOptimizer", () => {
  it("updates variables exactly as hk.optim's update + applyUpdates do", () => {
    const tx = hk.optim.adam(0.1);
    const v = tf.variable(tf.tensor2d(W0), true, "optax_w");
    const opt = new OptaxOptimizer(tx);
    // The same steps by hand on a params tree.
    let params = { optax_w: tf.tensor2d(W0) };
    let state = tx.init(params);
    for (let step = 0; step < 4; step++) {
      opt.minimize(() => lossOf(v) as tf.Scalar);
      const grads = { optax_w: tf.grad(lossOf)(params.optax_w) };
      const [updates, next] = tx.update(grads, state, params);
      const p = hk.optim.applyUpdates(params, updates);
      hk.tree.dispose([grads, updates, state, params]);
      params = p as typeof params;
      state = next;
      expect(Array.from(v.dataSync())).toEqual(Array.from(params.optax_w.dataSync()));
    }
    expect(opt.iterations).toBe(4);
    hk.tree.dispose([params, state]);
    opt.dispose();
    v.dispose();
  });

  it("skips null gradients and non-trainable variables, and keeps the tensor count flat", () => {
    const a = tf.variable(tf.ones([2]), true, "optax_a");
    const b = tf.variable(tf.ones([2]), true, "optax_b");
    const frozen = tf.variable(tf.ones([2]), false, "optax_frozen");
    const opt = new OptaxOptimizer(hk.optim.sgd(0.5));
    const step = () =>
      tf.tidy(() => {
        opt.applyGradients({
          optax_a: tf.fill([2], 2),
          optax_b: null as unknown as tf.Tensor,
          optax_frozen: tf.fill([2], 2),
        });
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(a.dataSync())).toEqual([1 - 6 * 0.5 * 2, 1 - 6 * 0.5 * 2]);
    expect(Array.from(b.dataSync())).toEqual([1, 1]);
    expect(Array.from(frozen.dataSync())).toEqual([1, 1]);
    opt.dispose();
    tf.dispose([a, b, frozen]);
  });

  it("trains a JaxLayer with model.fit (optax's Adam inside Keras), with flat memory", async () => {
    setRandomSeed(0);
    const net = hk.transform((inputs: tf.Tensor) => new hk.nets.MLP([16, 1]).call(inputs));
    const layer = new JaxLayer({ callFn: net.apply, initFn: net.init, inputShape: [3] });
    const model = tfl.sequential({ layers: [layer] });
    const opt = new OptaxOptimizer(hk.optim.adam(0.03));
    model.compile({ optimizer: opt, loss: "meanSquaredError" });
    const x = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 7) / 7]));
    const y = tf.sum(tf.mul(x, tf.tensor1d([1, -2, 0.5])), 1, true);
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
    const before = tf.memory().numTensors;
    const hist = await model.fit(x, y, { epochs: 20, batchSize: 16, verbose: 0, shuffle: false });
    expect(tf.memory().numTensors).toBe(before);
    const losses = hist.history["loss"] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.2 * losses[0]!);
    expect(opt.iterations).toBe(21 * 4);
    tf.dispose([x, y]);
    model.dispose();
    opt.dispose();
  });

  it("round-trips its state through getWeights / setWeights (set before the first step)", async () => {
    const tx = hk.optim.adam(0.1);
    const v1 = tf.variable(tf.tensor2d(W0), true, "optax_r1");
    const a = new OptaxOptimizer(tx);
    for (let i = 0; i < 3; i++) a.minimize(() => lossOf(v1) as tf.Scalar);
    const weights = await a.getWeights();
    expect(weights.map((w) => w.name)).toEqual(["iter", "[0].count", "[0].mu.optax_r1", "[0].nu.optax_r1"]);
    // A second variable with the same values, under the same name the state was saved for.
    const snapshot = tf.clone(v1);
    const saved = weights.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    a.minimize(() => lossOf(v1) as tf.Scalar);
    const want = Array.from(v1.dataSync());
    v1.dispose();
    a.dispose();
    const v2 = tf.variable(snapshot, true, "optax_r1");
    const b = new OptaxOptimizer(tx);
    await b.setWeights(saved);
    expect(b.iterations).toBe(3);
    b.minimize(() => lossOf(v2) as tf.Scalar);
    expect(Array.from(v2.dataSync())).toEqual(want);
    tf.dispose([v2, snapshot, ...saved.map((w) => w.tensor)]);
    b.dispose();
  });

  it("frees its state on dispose", () => {
    const v = tf.variable(tf.ones([4]), true, "optax_d");
    const before = tf.memory().numTensors;
    const opt = new OptaxOptimizer(hk.optim.adam(0.1));
    opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });

  it("explains misuse: an uncalled factory, unknown variables, a model loaded with its optimizer", () => {
    expect(() => new OptaxOptimizer(hk.optim.adam as never)).toThrow(
      "OptaxOptimizer: `transformation` must be a gradient transformation ({init, update}) such as hk.optim.adam(1e-3), got function adam. Fix: ",
    );
    expect(() => new OptaxOptimizer(hk.optim.adam as never)).toThrow(hk.InvalidArgumentError);
    const opt = new OptaxOptimizer(hk.optim.sgd(1));
    expect(() => opt.applyGradients({ no_such_variable: tf.ones([1]) })).toThrow(
      'OptaxOptimizer.applyGradients: `variableGradients` has a gradient for "no_such_variable", but no variable has that name. Fix: ',
    );
    expect(() =>
      tf.serialization.SerializationMap.getMap().classNameMap["HaikuTfjsOptaxOptimizer"]![1](
        OptaxOptimizer as never,
        {},
      ),
    ).toThrow("OptaxOptimizer.fromConfig: an OptaxOptimizer cannot be rebuilt from a saved model");
    opt.dispose();
  });
});
