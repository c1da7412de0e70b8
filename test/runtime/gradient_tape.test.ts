// tfjs-core's Engine.gradients keeps the tensors kernels save for the backward pass until the
// backward pass ends; a function that throws mid-forward used to leave them allocated for good.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import { installTapeCleanup } from "../../src/runtime/index.js";

const x = (): tf.Tensor =>
  tf.tensor2d([
    [1, -2],
    [3, 4],
  ]);

describe("gradient tape after an error", () => {
  it("tf.grad, tf.variableGrads and optimizer.minimize free the saved tensors when the function throws", () => {
    installTapeCleanup(); // idempotent: already installed by the runtime
    const input = x();
    const unrelated = tf.scalar(1);
    const v = tf.variable(x());
    const opt = tf.train.sgd(0.1);
    const failing = (a: tf.Tensor): tf.Scalar => {
      tf.sum(tf.relu(tf.matMul(tf.tanh(a), tf.exp(a))));
      throw new Error("forward failed");
    };
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      expect(() => tf.grad(failing)(input)).toThrow("forward failed");
      expect(() => tf.variableGrads(() => failing(v))).toThrow("forward failed");
      expect(() => opt.minimize(() => failing(v))).toThrow("forward failed");
      // The backward pass can fail too: a function whose result does not depend on x.
      expect(() => tf.grad(() => tf.sum(tf.exp(input)))(unrelated)).toThrow(/Cannot compute gradient/);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(v.dataSync())).toEqual([1, -2, 3, 4]);

    // A later gradient is unaffected: d/da sum(a^2) = 2a.
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.square(a)))(input);
    expect(Array.from(g.dataSync())).toEqual([2, -4, 6, 8]);
    tf.dispose([g, input, unrelated, v]);
    opt.dispose();
  });

  it("an inner failure inside an outer gradient leaves the outer tape to the outer computation", () => {
    const input = x();
    const before = tf.memory().numTensors;
    const g = tf.grad((a: tf.Tensor) => {
      expect(() =>
        tf.grad((b: tf.Tensor) => {
          tf.exp(b);
          throw new Error("inner failed");
        })(a),
      ).toThrow("inner failed");
      return tf.sum(tf.mul(a, 3));
    })(input);
    expect(Array.from(g.dataSync())).toEqual([3, 3, 3, 3]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
  });
});
