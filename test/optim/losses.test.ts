// Misuse of hk.optim.losses and the new schedules: clear errors, no leaked tensors.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";

const L = hk.optim.losses;

describe("hk.optim.losses misuse", () => {
  it("names the function, the argument and the fix for a wrong dtype", () => {
    const logits = tf.tensor2d([[1, 2]]);
    const labels = tf.tensor1d([0.0]);
    expect(() => L.softmaxCrossEntropyWithIntegerLabels(logits, labels)).toThrow(
      /hk\.optim\.losses\.softmaxCrossEntropyWithIntegerLabels: `labels` must be a int32 tensor, got a float32 tensor of shape \[1\]\. Fix: pass class indices as an int32 tensor/,
    );
    expect(() => L.squaredError([1, 2] as unknown as tf.Tensor)).toThrow(
      /hk\.optim\.losses\.squaredError: `predictions` must be a float32 tensor, got an array of length 2/,
    );
    tf.dispose([logits, labels]);
  });

  it("checks the labels' shape and the axis", () => {
    const logits = tf.tensor2d([[1, 2, 3]]);
    const labels = tf.tensor1d([0, 1], "int32");
    expect(() => L.softmaxCrossEntropyWithIntegerLabels(logits, labels)).toThrow(
      /`labels` must have the shape of `logits` without axis -1 \(\[1\]\), got shape \[2\]/,
    );
    expect(() => L.softmaxCrossEntropy(logits, logits, { axis: 2 })).toThrow(
      /`axis` must be an integer in \[-2, 1\] for an input of rank 2, got the number 2/,
    );
    tf.dispose([logits, labels]);
  });

  it("throws InvalidArgumentError and leaks nothing when it throws", () => {
    const p = tf.tensor1d([1, 2]);
    const s = tf.scalar(1);
    const before = tf.memory().numTensors;
    expect(() => L.huberLoss(p, undefined, { delta: -1 })).toThrow(hk.InvalidArgumentError);
    expect(() => L.smoothLabels(s, 0.1)).toThrow(/`labels` must have a category axis/);
    expect(() => L.cosineSimilarity(p, p, { axis: 3 })).toThrow(/`axis` must be an integer/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p, s]);
  });

  it("keeps memory flat over repeated loss and gradient evaluations", () => {
    const logits = tf.tensor2d([[1e4, -1e4, 0]]);
    const labels = tf.tensor1d([1], "int32");
    const ones = tf.onesLike(logits);
    const g = tf.grad((x: tf.Tensor) =>
      tf.add(tf.sum(L.softmaxCrossEntropyWithIntegerLabels(x, labels)), tf.sum(L.sigmoidBinaryCrossEntropy(x, ones))),
    );
    tf.dispose(g(logits));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const grad = g(logits);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose(grad);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels, ones]);
  });
});

describe("hk.optim schedules misuse", () => {
  it("rejects negative scales and bad boundaries as optax does", () => {
    expect(() => hk.optim.piecewiseConstantSchedule(0.1, { 10: -1 })).toThrow(
      /hk\.optim\.piecewiseConstantSchedule: expects non-negative scale factors, got the number -1 at step 10/,
    );
    expect(() => hk.optim.piecewiseInterpolateSchedule("quadratic" as "linear", 1)).toThrow(
      /`interpolateType` must be either 'cosine' or 'linear'/,
    );
    expect(() => hk.optim.cosineOnecycleSchedule(0, 1)).toThrow(/positive `transitionSteps`, got the number 0/);
    expect(() => hk.optim.sgdrSchedule([])).toThrow(/`cycles` must be a non-empty array/);
  });
});
