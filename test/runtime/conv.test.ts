import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import {
  conv2DBackpropFilterViaConv,
  conv2DBackpropFilterViaIm2col,
} from "../../src/runtime/kernels/conv2d_backprop_filter.js";
import { expectClose, expectNoLeaks, expectSameOnBothBackends, onBothBackends, randomTensor } from "./helpers.js";

type Pad = "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]];

// Without the filled kernel, tfjs-backend-wasm 4.22 throws "Kernel 'Conv2DBackpropFilter' not
// registered for backend 'wasm'" on the filter gradient.
describe("wasm Conv2DBackpropFilter", () => {
  const cases: { x: number[]; f: number[]; stride: number | [number, number]; pad: Pad }[] = [
    { x: [2, 7, 7, 3], f: [3, 3, 3, 4], stride: 1, pad: "same" },
    { x: [2, 7, 7, 3], f: [3, 3, 3, 4], stride: 1, pad: "valid" },
    { x: [3, 9, 8, 2], f: [3, 2, 2, 5], stride: 2, pad: "same" },
    { x: [3, 9, 8, 2], f: [3, 2, 2, 5], stride: 2, pad: "valid" },
    { x: [2, 10, 11, 1], f: [4, 3, 1, 3], stride: [3, 2], pad: "same" },
    { x: [2, 10, 11, 1], f: [4, 3, 1, 3], stride: [3, 2], pad: "valid" },
    {
      x: [2, 6, 7, 2],
      f: [3, 3, 2, 2],
      stride: 2,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    { x: [4, 5, 5, 3], f: [1, 1, 3, 6], stride: 1, pad: "valid" },
    { x: [2, 5, 5, 2], f: [5, 5, 2, 3], stride: 1, pad: "valid" }, // output 1x1
  ];
  for (const { x, f, stride, pad } of cases) {
    it(`matches cpu: x ${JSON.stringify(x)}, filter ${JSON.stringify(f)}, stride ${JSON.stringify(stride)}, pad ${JSON.stringify(pad)}`, () => {
      expectSameOnBothBackends(() => {
        const input = randomTensor(x, 11);
        const filter = randomTensor(f, 12);
        const loss = (a: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, stride, pad)));
        const [gx, gw] = tf.grads(loss)([input, filter]);
        return [gw!, gx!];
      });
    });
  }

  // The kernel picks one of two forms by filter size; each form is checked on every case here.
  for (const { x, f, stride, pad } of cases) {
    it(`both forms (conv, im2col) match cpu: x ${JSON.stringify(x)}, filter ${JSON.stringify(f)}, stride ${JSON.stringify(stride)}, pad ${JSON.stringify(pad)}`, () => {
      const attrs = { strides: stride, pad, dataFormat: "NHWC", filterShape: f } as unknown as tf.NamedAttrMap;
      const conv = tf.conv2d(randomTensor(x, 11) as tf.Tensor4D, randomTensor(f, 12) as tf.Tensor4D, stride, pad);
      const dyShape = conv.shape;
      conv.dispose();
      const ref = onBothBackends(() => [
        tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropFilter,
            { x: randomTensor(x, 11), dy: randomTensor(dyShape, 13) },
            attrs,
          ) as tf.Tensor,
      ]).cpu[0]!;
      for (const form of [conv2DBackpropFilterViaConv, conv2DBackpropFilterViaIm2col]) {
        const input = randomTensor(x, 11);
        const dy = randomTensor(dyShape, 13);
        const backend = tf.engine().backend;
        const before = backend.numDataIds();
        const info = form({ inputs: { x: input, dy }, backend, attrs }) as tf.TensorInfo;
        expect(info.shape).toEqual(f);
        expectClose(backend.readSync(info.dataId) as Float32Array, ref);
        backend.disposeData(info.dataId);
        expect(backend.numDataIds()).toBe(before);
        tf.dispose([input, dy]);
      }
    });
  }

  it("matches cpu for the kernel called directly with NCHW data", () => {
    expectSameOnBothBackends(() => {
      const x = randomTensor([2, 3, 8, 7], 13);
      const dy = randomTensor([2, 4, 4, 4], 14);
      const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: [2, 2],
        pad: "same",
        dataFormat: "NCHW",
        filterShape: [3, 3, 3, 4],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [dw];
    });
  });

  it("trains the documented CNN's first layer shape (batch 4, 28x28x1, 32 3x3 SAME) like cpu", () => {
    expectSameOnBothBackends(() => {
      const x = randomTensor([4, 28, 28, 1], 15);
      const w = randomTensor([3, 3, 1, 32], 16);
      const gw = tf.grad((k: tf.Tensor) =>
        tf.mean(tf.avgPool(tf.relu(tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, "same")), 2, 2, "valid")),
      )(w);
      return [gw];
    });
  });

  it("gives the full-size first-layer filter gradient (batch 64, 28x28x1, 32 3x3 SAME) like cpu", () => {
    const grad = () => {
      const x = randomTensor([64, 28, 28, 1], 19);
      const dy = randomTensor([64, 28, 28, 32], 20);
      return [
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
          strides: [1, 1],
          pad: "same",
          dataFormat: "NHWC",
          filterShape: [3, 3, 1, 32],
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      ];
    };
    const { wasm, cpu } = onBothBackends(grad);
    // Each value is a float32 sum of 50,176 products (values up to ~220); cpu sums in float64.
    expectClose(wasm[0]!, cpu[0]!, 1e-3);
  });

  it("leaks no tensors or wasm buffers over repeated filter gradients", () => {
    const x = randomTensor([2, 9, 9, 3], 17);
    const w = randomTensor([3, 3, 3, 4], 18);
    const g = tf.grad((k: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 2, "same")));
    expectNoLeaks(() => tf.dispose(g(w)));
    tf.dispose([x, w]);
  });
});
