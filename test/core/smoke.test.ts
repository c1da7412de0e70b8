import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import { Linear, ones, shapes } from "./helpers.js";

@hk.module
class MLP extends hk.Module {
  readonly l0 = new Linear(3);
  call(x: tf.Tensor) {
    return new Linear(1).call(tf.relu(this.l0.call(x)));
  }
}

describe("slice", () => {
  it("names", () => {
    const f = hk.transform((x: tf.Tensor) => new MLP().call(x));
    const p = f.init(0, tf.ones([2, 4]));
    expect(shapes(p)).toEqual({ "mlp/~/linear": { w: [4, 3], b: [3] }, "mlp/linear": { w: [3, 1], b: [1] } });
    const y = f.apply(p, null, tf.ones([2, 4]));
    expect(Array.from(y.dataSync())).toEqual([12, 12]);
    void ones;
  });
});
