import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

describe("runtime", () => {
  it("selects the wasm backend by default", () => {
    expect(tf.getBackend()).toBe("wasm");
  });
  it("registers gradients so tf.grad of tf.sum works", () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, x)));
    expect(Array.from(g(tf.tensor1d([1, 2, 3])).dataSync())).toEqual([2, 4, 6]);
  });
});
