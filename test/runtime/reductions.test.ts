import * as tf from "@tensorflow/tfjs-core";
import { describe, it } from "vitest";
import { expectNoLeaks, expectSameOnBothBackends, randomTensor } from "./helpers.js";

describe("wasm Sum over leading axes (bias gradients)", () => {
  it("matches cpu for leading-axis reductions, keepDims, negative axes and int32", () => {
    expectSameOnBothBackends(() => {
      const x = randomTensor([4, 5, 6, 3], 81);
      return [
        tf.sum(x, [0, 1, 2]),
        tf.sum(x, 0),
        tf.sum(x, [1, 0], true),
        tf.sum(x, [-4, -3]),
        tf.sum(x, [0, 1, 2, 3]),
        tf.sum(x, [1, 2]), // not leading: the built-in kernel
        tf.sum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], "int32"), 0),
      ];
    });
  });

  it("gives a dense layer's bias gradient like cpu, without leaks", () => {
    expectSameOnBothBackends(() => {
      const x = randomTensor([16, 8], 82);
      const b = randomTensor([8], 83);
      return [tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.add(x, v))))(b)];
    });
    const x = randomTensor([64, 10, 10, 4], 84);
    expectNoLeaks(() => tf.dispose(tf.sum(x, [0, 1, 2])));
    x.dispose();
  });
});

describe("wasm AvgPoolGrad for non-overlapping windows", () => {
  const cases: { shape: number[]; size: number | [number, number]; stride: number | [number, number]; pad: "valid" | "same" }[] = [
    { shape: [3, 8, 8, 4], size: 2, stride: 2, pad: "valid" },
    { shape: [2, 9, 7, 3], size: 2, stride: 2, pad: "valid" }, // last row / column unused
    { shape: [2, 9, 9, 2], size: 3, stride: 3, pad: "same" },
    { shape: [2, 6, 8, 2], size: [2, 4], stride: [2, 4], pad: "valid" },
    { shape: [2, 7, 7, 2], size: 3, stride: 2, pad: "same" }, // overlapping: the built-in kernel
    { shape: [2, 7, 7, 2], size: 2, stride: 2, pad: "same" }, // padded: the built-in kernel
  ];
  for (const { shape, size, stride, pad } of cases) {
    it(`matches cpu for ${JSON.stringify(shape)}, window ${JSON.stringify(size)}, stride ${JSON.stringify(stride)}, ${pad}`, () => {
      expectSameOnBothBackends(() => {
        const x = randomTensor(shape, 85);
        return [tf.grad((v: tf.Tensor) => {
          const pooled = tf.avgPool(v as tf.Tensor4D, size, stride, pad);
          return tf.sum(tf.mul(pooled, randomTensor(pooled.shape, 86)));
        })(x)];
      });
    });
  }
});
