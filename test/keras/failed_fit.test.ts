// A training step that throws inside `model.fit` must leave memory and weights as they were, as
// hk.valueAndGrad does. Before the fixes it leaked the gradient tape's saved tensors
// (tfjs-core Engine.gradients) and the epoch's index tensor (tfjs-layers LayersModel.fitLoop).
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";

import { JaxLayer } from "../../src/keras/index.js";
import { Linear } from "../../src/nn/linear.js";
import { Flatten } from "../../src/nn/reshape.js";
import { getState, setState, transformWithState } from "../../src/core/index.js";

type Mode = "ok" | "throw" | "badState" | "badOutputs";

function makeModel(): { model: tfl.LayersModel; setMode: (m: Mode) => void } {
  let mode: Mode = "ok";
  const net = transformWithState((x: tf.Tensor) => {
    // A call counter in the state: a failed step must not advance it.
    const calls = getState<tf.Tensor>("calls", { shape: [], dtype: "float32", init: (s, d) => tf.zeros(s, d) });
    setState("calls", tf.add(calls, 1));
    const h = tf.relu(new Linear(16).call(new Flatten().call(x)));
    return tf.softmax(new Linear(4).call(h));
  });
  const callFn = (params: unknown, state: unknown, inputs: tf.Tensor): unknown => {
    const [out, newState] = net.apply(params as never, state as never, null, inputs);
    if (mode === "throw") throw new Error("callFn failed after its forward pass");
    // A state with another structure: JaxLayer rejects it ("Structure mismatch").
    if (mode === "badState") return [out, { extra: { count: tf.scalar(1) } }];
    // A valid new state with outputs a layer cannot return: the state must not be written either.
    if (mode === "badOutputs") return ["not a tensor", newState];
    return [out, newState];
  };
  const initFn = (rng: unknown, inputs: tf.Tensor): unknown => net.init(rng as never, inputs);
  const model = tfl.sequential({ layers: [new JaxLayer({ callFn, initFn, inputShape: [3, 2] })] });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  return { model, setMode: (m) => (mode = m) };
}

function data(n: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, n * 6), [n, 3, 2])));
  const y = tf.tidy(() =>
    tf.cast(
      tf.oneHot(
        tf.tensor1d(
          Array.from({ length: n }, (_, i) => i % 4),
          "int32",
        ),
        4,
      ),
      "float32",
    ),
  );
  return { x, y };
}

const weightValues = (m: tfl.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

describe("a failing JaxLayer training step inside model.fit", () => {
  const errors = {
    throw: "callFn failed after its forward pass",
    badState: /^JaxLayer '.+': Structure mismatch/,
    badOutputs: /the outputs of `callFn` must be a tf.Tensor/,
  };
  for (const mode of ["throw", "badState", "badOutputs"] as const) {
    it(`(${mode}) keeps numTensors flat and the weights unchanged over repeated failures, then fits again`, async () => {
      const { model, setMode } = makeModel();
      const { x, y } = data(8);
      await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 }); // creates the optimizer's slots
      const before = tf.memory().numTensors;
      const weights = weightValues(model);
      setMode(mode);
      for (let i = 0; i < 5; i++) {
        await expect(model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 })).rejects.toThrow(errors[mode]);
        expect(tf.memory().numTensors).toBe(before);
      }
      expect(weightValues(model)).toEqual(weights);

      setMode("ok");
      const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
      const losses = history.history["loss"] as number[];
      expect(losses).toHaveLength(2);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(weightValues(model)).not.toEqual(weights);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it("frees the epoch's indices when a later batch or a callback fails, and keeps the caller's tensors", async () => {
    const { model, setMode } = makeModel();
    const { x, y } = data(12);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const before = tf.memory().numTensors;
    let batches = 0;
    // 3 batches an epoch: fails in the second batch of the second epoch, once the BaseLogger holds a
    // running total and the History the first epoch's loss.
    const failInSecondEpoch = { onBatchBegin: async () => void (++batches === 5 && setMode("throw")) };
    await expect(
      model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, callbacks: failInSecondEpoch }),
    ).rejects.toThrow("callFn failed");
    expect(tf.memory().numTensors).toBe(before);
    // A Sequential trains through its inner LayersModel, which holds the History.
    const inner = (model as unknown as { model: tfl.LayersModel }).model;
    const partial = inner.history.history["loss"] as unknown[];
    expect(partial).toHaveLength(1); // the finished first epoch, resolved to a number
    expect(typeof partial[0]).toBe("number");
    setMode("ok");
    const kept: tf.Tensor[] = [];
    const throwingCallback = {
      onEpochBegin: async () => void kept.push(tf.scalar(7)), // a user's tensor made during fit stays alive
      onBatchEnd: async () => {
        throw new Error("callback failed");
      },
    };
    await expect(model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: throwingCallback })).rejects.toThrow(
      "callback failed",
    );
    expect(kept[0]!.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, y, ...kept]);
    model.dispose();
  });
});
