// JaxLayer with Haiku transforms: the examples of Keras' JaxLayer docstring
// (keras/src/utils/jax_layer.py, "Usage with Haiku modules" and "Conforming to the required
// signature"), plus BatchNorm state and save/load, at small sizes.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";

import * as hk from "../../src/index.js";
import { JaxLayer, registerJaxFunction, setRandomSeed } from "../../src/keras/index.js";
import { saveAndLoad } from "./helpers.js";
import * as random from "../../src/random/index.js";

const C = 3; // classes
const S = 8; // image side

/** Images whose class says which third of the rows is bright, with noise (learnable quickly). */
function images(n: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const labels = Array.from({ length: n }, (_, i) => i % C);
    const rows = tf.tensor2d(
      labels.map((c) => Array.from({ length: S }, (_, r) => (Math.floor((r * C) / S) === c ? 1 : 0))),
    );
    const pattern = tf.tile(tf.reshape(rows, [n, S, 1, 1]), [1, 1, S, 1]);
    const x = tf.add(pattern, tf.randomNormal([n, S, S, 1], 0, 0.3, "float32", seed));
    return { x, y: tf.oneHot(tf.tensor1d(labels, "int32"), C) };
  });
}

const data = (t: tf.Tensor): number[] => Array.from(t.dataSync());

// Keras docstring `MyHaikuModule` (Conv2D 32 / AvgPool / Flatten / Linear 200 / dropout 0.3 /
// Linear 10 / softmax), with 4 filters, 16 hidden units and 3 classes.
const cnn = hk.transform((inputs: tf.Tensor, training: boolean) => {
  let x = new hk.Conv2D(4, [3, 3]).call(inputs);
  x = tf.relu(x);
  x = new hk.AvgPool([1, 2, 2, 1], [1, 2, 2, 1], "VALID").call(x);
  x = new hk.Flatten().call(x);
  x = new hk.Linear(16).call(x);
  if (training) x = hk.dropout(hk.nextRngKey(), 0.3, x);
  x = tf.relu(x);
  x = new hk.Linear(C).call(x);
  return tf.softmax(x);
});
registerJaxFunction("haiku_test.cnn.init", cnn.init);
registerJaxFunction("haiku_test.cnn.apply", cnn.apply);

const bnNet = hk.transformWithState((inputs: tf.Tensor, training: boolean) => {
  let x = new hk.Flatten().call(inputs);
  x = new hk.Linear(8).call(x);
  x = new hk.BatchNorm(true, true, 0.9).call(x, training);
  x = tf.relu(x);
  return tf.softmax(new hk.Linear(C).call(x));
});
registerJaxFunction("haiku_test.bn.init", bnNet.init);
registerJaxFunction("haiku_test.bn.apply", bnNet.apply);

describe("JaxLayer with hk.transform", () => {
  it("reads the argument names of init / apply", () => {
    const layer = new JaxLayer({ callFn: cnn.apply, initFn: cnn.init });
    expect(layer.callFnArguments).toEqual(["params", "rng", "inputs", "training"]);
    expect(layer.initFnArguments).toEqual(["rng", "inputs", "training"]);
    const withState = new JaxLayer({ callFn: bnNet.apply, initFn: bnNet.init });
    expect(withState.callFnArguments).toEqual(["params", "state", "rng", "inputs", "training"]);
    expect(withState.callFnHasState).toBe(true);
  });

  it("accepts withoutApplyRng's apply and sits after other tfjs-layers layers", () => {
    const mlp = hk.withoutApplyRng(hk.transform((inputs: tf.Tensor) => new hk.Linear(2).call(inputs)));
    const layer = new JaxLayer({ callFn: mlp.apply, initFn: mlp.init });
    expect(layer.callFnArguments).toEqual(["params", "inputs"]);
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 5, inputShape: [3] }), layer] });
    expect(model.outputs[0]?.shape).toEqual([null, 2]);
    expect(layer.trainableWeights.map((w) => w.shape)).toEqual([[2], [5, 2]]); // linear/b, linear/w
    const out = model.predict(tf.ones([4, 3])) as tf.Tensor;
    expect(out.shape).toEqual([4, 2]);
    out.dispose();
    model.dispose();
  });

  it("trains the Keras docstring CNN (conv, pool, flatten, linear, dropout) in tf.sequential", async () => {
    setRandomSeed(0); // the initial params (Keras draws init keys from the global generator)
    const layer = new JaxLayer({ callFn: cnn.apply, initFn: cnn.init, inputShape: [S, S, 1], seed: 3 });
    const model = tfl.sequential({ layers: [layer] });
    expect(layer.trainableWeights.map((w) => w.originalName.slice(layer.name.length + 1))).toEqual([
      "params/conv2_d/b",
      "params/conv2_d/w",
      "params/linear/b",
      "params/linear/w",
      "params/linear_1/b",
      "params/linear_1/w",
    ]);
    expect(model.outputs[0]?.shape).toEqual([null, C]);
    const lines: string[] = [];
    model.summary(undefined, undefined, (m: string) => lines.push(m));
    // conv 3x3x1x4 (SAME padding, Haiku's default) -> 8x8x4, avg-pooled -> 4x4x4 = 64 features
    const nParams = 3 * 3 * 4 + 4 + 64 * 16 + 16 + 16 * C + C;
    expect(lines.join("\n")).toContain(`Total params: ${nParams}`);

    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    const { x, y } = images(48, 1);
    const hist = await model.fit(x, y, { epochs: 6, batchSize: 16, verbose: 0, shuffle: false });
    const losses = hist.history["loss"] as number[];
    expect(losses[losses.length - 1]).toBeLessThan((losses[0] as number) * 0.8);
    expect(layer.rngCounter).toBe(6 * 3); // one key per training batch, for the dropout

    // Inference: no rng needed (dropout only in training), and deterministic.
    const p1 = model.predict(x) as tf.Tensor;
    const p2 = model.predict(x) as tf.Tensor;
    expect(data(p1)).toEqual(data(p2));

    const loaded = await saveAndLoad(model);
    const p3 = loaded.predict(x) as tf.Tensor;
    expect(data(p3)).toEqual(data(p1));
    tf.dispose([x, y, p1, p2, p3]);
    model.dispose();
    loaded.dispose();
  });

  it("runs the Keras wrapper example: two inputs, an rngs dict, deterministic = !training", async () => {
    interface P {
      w1: tf.Tensor;
      w2: tf.Tensor;
      out: tf.Tensor;
    }
    const dropoutRate = 0.5;
    // Keras: `my_model_fn(params, rngs, input1, input2, deterministic)`.
    const myModelFn = (
      params: P,
      rngs: { dropout: random.PRNGKey | null },
      input1: tf.Tensor,
      input2: tf.Tensor,
      deterministic: boolean,
    ) => {
      let x = tf.relu(tf.add(tf.matMul(input1, params.w1), tf.matMul(input2, params.w2)));
      if (!deterministic) {
        const keep = random.bernoulli(rngs.dropout as random.PRNGKey, 1 - dropoutRate, x.shape);
        x = tf.where(keep, tf.div(x, 1 - dropoutRate), tf.zerosLike(x));
      }
      return tf.matMul(x, params.out);
    };
    // Keras: `my_model_wrapper_fn(params, rng, inputs, training)`; rng is None at inference.
    const myModelWrapperFn = (params: P, rng: random.PRNGKey | null, inputs: tf.Tensor[], training: boolean) => {
      const [input1, input2] = inputs as [tf.Tensor, tf.Tensor];
      const [rng1, rng2] = rng ? (random.split(rng) as [random.PRNGKey, random.PRNGKey]) : [null, null];
      const rngs = { dropout: rng1, preprocessing: rng2 };
      return myModelFn(params, rngs, input1, input2, !training);
    };
    const [k1, k2, k3] = random.split(random.key(0), 3) as [random.PRNGKey, random.PRNGKey, random.PRNGKey];
    const initialParams: P = {
      w1: tf.mul(random.normal(k1, [4, 16]), 0.5),
      w2: tf.mul(random.normal(k2, [6, 16]), 0.5),
      out: tf.mul(random.normal(k3, [16, 1]), 0.25),
    };
    const build = (): [tfl.LayersModel, JaxLayer] => {
      const in1 = tfl.input({ shape: [4] });
      const in2 = tfl.input({ shape: [6] });
      const layer = new JaxLayer({ callFn: myModelWrapperFn, params: initialParams, seed: 7 });
      const out = layer.apply([in1, in2]) as tfl.SymbolicTensor;
      return [tfl.model({ inputs: [in1, in2], outputs: out }), layer];
    };
    const [model, layer] = build();
    const [twin, twinLayer] = build();
    const a = tf.randomNormal([32, 4], 0, 1, "float32", 1);
    const b = tf.randomNormal([32, 6], 0, 1, "float32", 2);
    // Same seed, same params: the same dropout masks in training; none at inference.
    const t1 = layer.apply([a, b], { training: true }) as tf.Tensor;
    const t2 = twinLayer.apply([a, b], { training: true }) as tf.Tensor;
    const i1 = model.predict([a, b]) as tf.Tensor;
    const i2 = model.predict([a, b]) as tf.Tensor;
    expect(data(t1)).toEqual(data(t2));
    expect(data(t1)).not.toEqual(data(i1));
    expect(data(i1)).toEqual(data(i2));

    const target = tf.add(tf.sum(a, 1, true), tf.sum(b, 1, true));
    model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    // No shuffling: with the layer's seeded dropout keys the whole run is deterministic (a
    // shuffled run with dropout 0.5 sometimes has its lowest loss in the first epoch).
    const hist = await model.fit([a, b], target, { epochs: 12, batchSize: 8, verbose: 0, shuffle: false });
    const losses = hist.history["loss"] as number[];
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean(losses.slice(-3))).toBeLessThan(0.8 * mean(losses.slice(0, 3)));
    tf.dispose([a, b, target, t1, t2, i1, i2, initialParams.w1, initialParams.w2, initialParams.out]);
    model.dispose();
    twin.dispose();
  });
});

describe("JaxLayer with hk.transformWithState (BatchNorm)", () => {
  it("updates BatchNorm state during fit and not during predict; save/load reproduces predictions", async () => {
    const layer = new JaxLayer({ callFn: bnNet.apply, initFn: bnNet.init, inputShape: [S, S, 1], seed: 1 });
    const model = tfl.sequential({ layers: [layer] });
    // Haiku's BatchNorm keeps two ExponentialMovingAverage modules (haiku/_src/batch_norm.py,
    // moving_averages.py: state `counter`, `hidden`, `average`), named `batch_norm/~/mean_ema`.
    const names = (ws: tfl.LayerVariable[]) => ws.map((w) => w.originalName.slice(layer.name.length + 1));
    expect(names(layer.nonTrainableWeights)).toEqual([
      "state/batch_norm/_/mean_ema/average",
      "state/batch_norm/_/mean_ema/counter",
      "state/batch_norm/_/mean_ema/hidden",
      "state/batch_norm/_/var_ema/average",
      "state/batch_norm/_/var_ema/counter",
      "state/batch_norm/_/var_ema/hidden",
    ]);
    expect(names(layer.trainableWeights).slice(0, 2)).toEqual(["params/batch_norm/offset", "params/batch_norm/scale"]);
    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
    const { x, y } = images(32, 2);

    const snapshot = (): number[][] => layer.nonTrainableWeights.map((w) => data(w.read()));
    const before = snapshot();
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const afterFit = snapshot();
    afterFit.forEach((v, i) => expect(v).not.toEqual(before[i]));
    // The EMA counters count training batches: 2 epochs x 2 batches.
    expect([afterFit[1], afterFit[4]]).toEqual([[4], [4]]);

    const p1 = model.predict(x) as tf.Tensor;
    model.evaluate(x, y);
    expect(snapshot()).toEqual(afterFit);

    const loaded = await saveAndLoad(model);
    const p2 = loaded.predict(x) as tf.Tensor;
    expect(data(p2)).toEqual(data(p1));
    expect((loaded.layers[0] as JaxLayer).nonTrainableWeights.map((w) => data(w.read()))).toEqual(afterFit);

    // No tensor leaks across further epochs and predictions.
    const n0 = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    tf.dispose(model.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(n0);

    tf.dispose([x, y, p1, p2]);
    model.dispose();
    loaded.dispose();
  });
});
