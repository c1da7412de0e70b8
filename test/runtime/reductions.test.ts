import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import { setHeapKernelsEnabled } from "../../src/wasm/heap_loops.js";
import { expectNoLeaks, expectSameOnBothBackends, onBothBackends, randomTensor } from "./helpers.js";

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
        tf.sum(
          tf.tensor2d(
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
            [3, 2],
            "int32",
          ),
          0,
        ),
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
  const cases: {
    shape: number[];
    size: number | [number, number];
    stride: number | [number, number];
    pad: "valid" | "same";
  }[] = [
    { shape: [3, 8, 8, 4], size: 2, stride: 2, pad: "valid" },
    { shape: [2, 9, 7, 3], size: 2, stride: 2, pad: "valid" }, // last row / column unused
    { shape: [2, 9, 9, 2], size: 3, stride: 3, pad: "same" },
    { shape: [2, 6, 8, 2], size: [2, 4], stride: [2, 4], pad: "valid" },
    { shape: [2, 7, 7, 2], size: 3, stride: 2, pad: "valid" }, // overlapping: the built-in kernel
    { shape: [2, 7, 7, 2], size: 3, stride: 2, pad: "same" }, // overlapping, padded: exact adjoint
    { shape: [2, 7, 7, 2], size: 2, stride: 2, pad: "same" }, // padded: exact adjoint
  ];
  for (const { shape, size, stride, pad } of cases) {
    it(`matches cpu for ${JSON.stringify(shape)}, window ${JSON.stringify(size)}, stride ${JSON.stringify(stride)}, ${pad}`, () => {
      expectSameOnBothBackends(() => {
        const x = randomTensor(shape, 85);
        return [
          tf.grad((v: tf.Tensor) => {
            const pooled = tf.avgPool(v as tf.Tensor4D, size, stride, pad);
            return tf.sum(tf.mul(pooled, randomTensor(pooled.shape, 86)));
          })(x),
        ];
      });
    });
  }
});

describe("wasm Identity (tf.clone, tensors saved for the backward pass)", () => {
  it("shares the buffer instead of copying it; both handles stay valid on their own", () => {
    const buffers = () => tf.backend().numDataIds();
    const x = randomTensor([64, 28, 28, 4], 85);
    const before = buffers();
    const y = tf.clone(x);
    expect(buffers()).toBe(before); // no second buffer (the built-in kernel copies)
    const want = Array.from(x.dataSync());
    x.dispose();
    expect(buffers()).toBe(before); // still held by y
    expect(Array.from(y.dataSync())).toEqual(want);
    y.dispose();
    expect(buffers()).toBe(before - 1);
  });

  it("keeps gradients that save their inputs right (relu, mul, conv), like cpu", () => {
    expectSameOnBothBackends(() => {
      const x = randomTensor([2, 6, 6, 3], 86);
      const k = randomTensor([3, 3, 3, 4], 87);
      const f = (a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(tf.relu(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, "same")), tf.mean(a)));
      return tf.grads(f)([x, k]);
    });
  });
});

describe("the runtime's WebAssembly SIMD loops (Sum over leading axes, AvgPoolGrad rows)", () => {
  afterEach(() => setHeapKernelsEnabled(true));

  /** Values of `fn` with the SIMD loops on and off (the JavaScript fallbacks). */
  function simdAndFallback(fn: () => tf.Tensor[]): [Float32Array[], Float32Array[]] {
    const run = () => tf.tidy(() => fn().map((t) => Float32Array.from(t.dataSync())));
    const simd = run();
    setHeapKernelsEnabled(false);
    const js = run();
    setHeapKernelsEnabled(true);
    return [simd, js];
  }

  it("sums in float64 like the cpu backend: the same bits, also with columns left over after fours", () => {
    const shapes = [
      [7, 3, 11],
      [64, 28, 28, 32],
      [1000, 5],
      [3, 4],
    ];
    const { wasm, cpu } = onBothBackends(() =>
      shapes.map((s, i) => tf.sum(randomTensor(s, 90 + i), i === 1 ? [0, 1, 2] : 0)),
    );
    wasm.forEach((w, i) => expect(w, `shape ${JSON.stringify(shapes[i])}`).toEqual(cpu[i]));
    const [simd, js] = simdAndFallback(() => shapes.map((s, i) => tf.sum(randomTensor(s, 90 + i), 0)));
    simd.forEach((v, i) => expect(v).toEqual(js[i]));
  });

  it("spreads average-pool gradients over 32 channels like cpu, with unused last rows and columns zero", () => {
    const grad = () => {
      const x = randomTensor([2, 9, 7, 32], 95);
      return [
        tf.grad((v: tf.Tensor) =>
          tf.sum(tf.mul(tf.avgPool(v as tf.Tensor4D, 2, 2, "valid"), randomTensor([2, 4, 3, 32], 96))),
        )(x),
      ];
    };
    const { wasm, cpu } = onBothBackends(grad);
    expect(wasm[0]).toEqual(cpu[0]); // 2x2 windows: the scale 1/4 is exact, so the bits agree
    const [simd, js] = simdAndFallback(grad);
    expect(simd[0]).toEqual(js[0]);
  });

  it("frees the accumulators and outputs they allocate", () => {
    const x = randomTensor([64, 10, 10, 8], 97);
    expectNoLeaks(() => tf.dispose(tf.sum(x, [0, 1, 2])));
    expectNoLeaks(() => tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(tf.avgPool(v as tf.Tensor4D, 2, 2, "valid")))(x)));
    x.dispose();
  });
});
