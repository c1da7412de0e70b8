// The gradient audit of issue 11, item 6: every gradient kernel the wasm backend runs, on padded,
// strided, odd-sized, all-negative and oscillating inputs, against the cpu backend
// (test/runtime/gradient_cases.ts). It found, and the runtime fixes: MaxPoolGrad / MaxPool3DGrad
// (SAME padding taken as 0, not -inf; JAX values in test/golden/maxpool_grad.test.ts),
// Conv3DBackpropInputV2 / FilterV2 (wrong for most filters), and the forward Conv2D / depthwise
// kernels under SAME padding where XNNPACK's own SAME differs from TensorFlow's (which also broke
// conv2dTranspose's input gradient), and on both backends AvgPoolGrad / AvgPool3DGrad (full-window
// divisor under SAME padding) and the resize gradients (halfPixelCenters ignored, and more on cpu).
import * as tf from "@tensorflow/tfjs-core";
import { describe, it } from "vitest";
import { gradientCases } from "./gradient_cases.js";
import { expectClose, expectNoLeaks, onBothBackends } from "./helpers.js";

/**
 * The gradient of `sum(f(x) * w)` for a linear `f`, from f alone: dx_i = sum_j w_j f(e_i)_j,
 * evaluated on the cpu backend. A reference that needs no gradient kernel.
 */
function adjoint(f: (x: tf.Tensor) => tf.Tensor, shape: number[], w: (yShape: number[]) => tf.Tensor): Float32Array {
  tf.setBackend("cpu");
  try {
    return tf.tidy(() => {
      const size = shape.reduce((a, b) => a * b, 1);
      const out = new Float32Array(size);
      const weights = w(f(tf.zeros(shape)).shape).dataSync();
      for (let i = 0; i < size; i++) {
        const y = f(tf.reshape(tf.cast(tf.oneHot(tf.tensor1d([i], "int32"), size), "float32"), shape)).dataSync();
        let s = 0;
        for (let j = 0; j < y.length; j++) s += weights[j]! * y[j]!;
        out[i] = s;
      }
      return out;
    });
  } finally {
    tf.setBackend("wasm");
  }
}

describe("wasm gradient kernels equal cpu's", () => {
  for (const c of gradientCases()) {
    it(c.name, () => {
      const { wasm, cpu } = onBothBackends(c.run);
      wasm.forEach((w, i) => expectClose(w, cpu[i]!, 1e-4));
    });
  }
});

// tfjs 4.22's resize and average-pool gradients were wrong on both backends (halfPixelCenters
// ignored; a SAME window's gradient divided by the full window; cpu's bilinear gradient failed on
// non-square images and its nearest gradient gave NaN for batch > 1 with alignCorners), so these
// are checked on both against the adjoint computed from the forward op alone.
describe("resize gradients equal the adjoint of the forward resize, on wasm and cpu", () => {
  const cases: [number[], [number, number], boolean, boolean][] = [
    [[1, 3, 4, 2], [5, 7], false, false],
    [[2, 5, 4, 1], [3, 2], true, false],
    [[1, 4, 4, 2], [7, 5], false, true],
    [[1, 4, 4, 2], [7, 5], true, false],
    [[1, 6, 6, 1], [3, 3], false, true],
  ];
  const weights = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(0.3 * i)),
      shape,
    );
  for (const [shape, size, alignCorners, halfPixel] of cases) {
    for (const [name, resize] of [
      ["bilinear", tf.image.resizeBilinear],
      ["nearest", tf.image.resizeNearestNeighbor],
    ] as const) {
      it(`${name} ${JSON.stringify(shape)} -> ${JSON.stringify(size)}, alignCorners ${alignCorners}, halfPixelCenters ${halfPixel}`, () => {
        expectGradIsAdjoint((x: tf.Tensor) => resize(x as tf.Tensor4D, size, alignCorners, halfPixel), shape, weights);
      });
    }
  }
});

describe("average-pool gradients equal the adjoint of the forward pool, on wasm and cpu", () => {
  const cases: [number[], number | number[], number | number[], "same" | "valid"][] = [
    [[1, 3, 3, 1], 2, 2, "same"], // corner window covers one cell: it gets all of its gradient
    [[2, 7, 6, 3], 3, 2, "same"],
    [[1, 5, 5, 2], 3, 1, "same"],
    [[2, 6, 7, 2], [2, 3], [1, 2], "same"],
    [[1, 5, 5, 1], 4, 3, "same"],
    [[1, 7, 7, 2], 2, 2, "valid"],
    [[1, 5, 4, 3, 2], 3, 2, "same"],
    [[1, 5, 5, 5, 1], 2, 2, "same"],
  ];
  const weights = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(0.3 * i)),
      shape,
    );
  for (const [shape, size, stride, pad] of cases) {
    it(`${shape.length === 4 ? "avgPool" : "avgPool3d"} ${JSON.stringify(shape)}, window ${JSON.stringify(size)}, stride ${JSON.stringify(stride)}, ${pad}`, () => {
      const f = (x: tf.Tensor) =>
        shape.length === 4
          ? tf.avgPool(x as tf.Tensor4D, size as [number, number], stride as [number, number], pad)
          : tf.avgPool3d(x as tf.Tensor5D, size as [number, number, number], stride as [number, number, number], pad);
      expectGradIsAdjoint(f, shape, weights);
    });
  }
});

describe("the replaced gradient kernels", () => {
  it("leak no tensors or wasm buffers (MaxPoolGrad, MaxPool3DGrad, Conv3D backprops, SAME conv)", () => {
    const x = tf.tensor(
      Float32Array.from({ length: 2 * 5 * 5 * 5 * 2 }, (_, i) => Math.sin(i)),
      [2, 5, 5, 5, 2],
    );
    const f = tf.ones([3, 3, 3, 2, 2]);
    const x2 = tf.reshape(x, [2, 25, 5, 2]);
    const k2 = tf.ones([2, 1, 2, 3]);
    expectNoLeaks(() => {
      tf.tidy(() => {
        tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool3d(v as tf.Tensor5D, 2, 2, "same")))(x);
        tf.grads((v: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv3d(v as tf.Tensor5D, w as tf.Tensor5D, 2, "same")))([
          x,
          f,
        ]);
        tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 3, 2, "same")))(x2);
        tf.grads((v: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv2d(v as tf.Tensor4D, w as tf.Tensor4D, [3, 2], "same")))(
          [x2, k2],
        );
      });
    });
    tf.dispose([x, f, x2, k2]);
  });

  it("a SAME conv2d whose strided axis needs no padding matches cpu (wasm's XNNPACK SAME shifted it)", () => {
    // Input 21 x 24, window 2, stride 3: TensorFlow's SAME pads nothing; a 1x3 window with
    // stride [2, 1]; both came out shifted by a cell on wasm before the fix.
    const { wasm, cpu } = onBothBackends(() => {
      const v = (shape: number[]) =>
        tf.tensor(
          Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(1.3 * i)),
          shape,
        );
      return [
        tf.conv2d(v([1, 21, 24, 2]) as tf.Tensor4D, v([2, 2, 2, 2]) as tf.Tensor4D, 3, "same"),
        tf.conv2d(v([1, 12, 5, 2]) as tf.Tensor4D, v([1, 3, 2, 3]) as tf.Tensor4D, [2, 1], "same"),
        tf.depthwiseConv2d(v([1, 21, 24, 2]) as tf.Tensor4D, v([2, 2, 2, 2]) as tf.Tensor4D, 3, "same"),
        tf.fused.conv2d({
          x: v([1, 8, 8, 2]) as tf.Tensor4D,
          filter: v([3, 1, 2, 2]) as tf.Tensor4D,
          strides: [1, 2],
          pad: "same",
          bias: v([2]),
          activation: "relu",
        }),
      ];
    });
    wasm.forEach((w, i) => expectClose(w, cpu[i]!, 1e-5));
  });
});

/**
 * Asserts that the gradient of `sum(f(x) * weights)` on wasm and on cpu is `f`'s adjoint applied
 * to the weights (computed from the forward op alone, since cpu cannot serve as the reference).
 */
function expectGradIsAdjoint(
  f: (x: tf.Tensor) => tf.Tensor,
  shape: number[],
  weights: (shape: number[]) => tf.Tensor,
): void {
  const want = adjoint(f, shape, weights);
  const { wasm, cpu } = onBothBackends(() => {
    const x = tf.tensor(
      Float32Array.from({ length: want.length }, (_, i) => Math.sin(1.3 * i + 1)),
      shape,
    );
    return [
      tf.grad((v: tf.Tensor) => {
        const y = f(v);
        return tf.sum(tf.mul(y, weights(y.shape)));
      })(x),
    ];
  });
  expectClose(wasm[0]!, want, 1e-5);
  expectClose(cpu[0]!, want, 1e-5);
}
