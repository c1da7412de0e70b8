import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { expectClose, expectNoLeaks, expectSameOnBothBackends, randomTensor } from "./helpers.js";

type Pad = "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]];

// Without the filled kernels tfjs-backend-wasm 4.22 throws "Kernel '<name>' not registered for
// backend 'wasm'" in each of these gradients.
describe("wasm DepthwiseConv2dNativeBackpropInput / BackpropFilter", () => {
  const cases: { x: number[]; f: number[]; stride: number | [number, number]; pad: Pad }[] = [
    { x: [2, 7, 7, 3], f: [3, 3, 3, 1], stride: 1, pad: "same" },
    { x: [2, 7, 7, 3], f: [3, 3, 3, 1], stride: 1, pad: "valid" },
    { x: [2, 8, 9, 2], f: [3, 3, 2, 2], stride: 2, pad: "same" }, // channel multiplier 2
    { x: [2, 8, 9, 2], f: [3, 2, 2, 3], stride: 2, pad: "valid" },
    { x: [3, 10, 11, 4], f: [4, 3, 4, 1], stride: [3, 2], pad: "same" },
    { x: [1, 9, 9, 2], f: [5, 5, 2, 1], stride: 1, pad: "same" },
    {
      x: [2, 6, 7, 2],
      f: [3, 3, 2, 1],
      stride: 2,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    { x: [2, 5, 5, 3], f: [1, 1, 3, 2], stride: 1, pad: "valid" },
  ];
  for (const { x, f, stride, pad } of cases) {
    it(`matches cpu: x ${JSON.stringify(x)}, filter ${JSON.stringify(f)}, stride ${JSON.stringify(stride)}, pad ${JSON.stringify(pad)}`, () => {
      expectSameOnBothBackends(() => {
        const input = randomTensor(x, 41);
        const filter = randomTensor(f, 42);
        const loss = (a: tf.Tensor, k: tf.Tensor) =>
          tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, k as tf.Tensor4D, stride, pad)));
        const [gx, gk] = tf.grads(loss)([input, filter]);
        return [gx!, gk!];
      });
    });
  }

  it("handles dilation (stride 1): equal to cpu's undilated kernels with a zero-inserted filter", () => {
    // tfjs' cpu kernels ignore dilation, so the reference is the equivalent undilated problem:
    // a 3x3 filter at dilation 2 is a 5x5 filter with zeros between its taps.
    const f = Array.from(randomTensor([3, 3, 2, 2], 44).dataSync());
    const big = tf.buffer([5, 5, 2, 2]);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let c = 0; c < 2; c++)
          for (let m = 0; m < 2; m++) {
            big.set(f[((i * 3 + j) * 2 + c) * 2 + m]!, 2 * i, 2 * j, c, m);
          }
    const run = (filter: tf.Tensor, filterShape: number[], dilations: number) => {
      const x = randomTensor([2, 9, 9, 2], 43);
      const dy = randomTensor([2, 9, 9, 4], 45);
      const attrs = { strides: [1, 1], dilations: [dilations, dilations], pad: "same" };
      const dx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, {
        ...attrs,
        inputShape: [2, 9, 9, 2],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dw = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, {
        ...attrs,
        filterShape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return { dx: Float32Array.from(dx.dataSync()), dw: Float32Array.from(dw.dataSync()) };
    };
    const wasm = tf.tidy(() => run(tf.tensor(f, [3, 3, 2, 2]), [3, 3, 2, 2], 2));
    tf.setBackend("cpu");
    const cpu = tf.tidy(() => run(big.toTensor(), [5, 5, 2, 2], 1));
    tf.setBackend("wasm");
    expectClose(wasm.dx, cpu.dx);
    const sampled = new Float32Array(36);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) {
          sampled[(i * 3 + j) * 4 + k] = cpu.dw[(2 * i * 5 + 2 * j) * 4 + k]!;
        }
    expectClose(wasm.dw, sampled);
  });

  it("leaks no tensors or wasm buffers over repeated depthwise gradients", () => {
    const x = randomTensor([2, 8, 8, 2], 46);
    const k = randomTensor([3, 3, 2, 2], 47);
    const g = tf.grads((a: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, f as tf.Tensor4D, 2, "same")),
    );
    expectNoLeaks(() => tf.dispose(g([x, k])));
    tf.dispose([x, k]);
  });
});

describe("wasm UnsortedSegmentSum (gather's gradient)", () => {
  it("trains an embedding table like cpu (repeated ids accumulate)", () => {
    expectSameOnBothBackends(() => {
      const table = randomTensor([10, 4], 51);
      const ids = tf.tensor1d([3, 1, 3, 9, 0, 3, 7], "int32");
      const target = randomTensor([7, 4], 52);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.gather(t, ids), target))))(table);
      return [g];
    });
  });

  it("matches cpu for gather along axis 1 and for 2-D ids", () => {
    expectSameOnBothBackends(() => {
      const table = randomTensor([3, 6, 2], 53);
      const ids = tf.tensor2d(
        [
          [5, 0],
          [5, 2],
        ],
        [2, 2],
        "int32",
      );
      const g1 = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, ids, 1))))(table);
      const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, ids))))(randomTensor([6, 3], 54));
      return [g1, g2];
    });
  });

  it("drops out-of-range segment ids and sums int32 data, like cpu", () => {
    expectSameOnBothBackends(() => [
      tf.unsortedSegmentSum(randomTensor([5, 3], 55), tf.tensor1d([0, 2, 2, 7, -1], "int32"), 4),
      tf.unsortedSegmentSum(
        tf.tensor2d(
          [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
          [3, 2],
          "int32",
        ),
        tf.tensor1d([1, 1, 0], "int32"),
        2,
      ),
    ]);
  });

  it("leaks no tensors or wasm buffers over repeated embedding gradients", () => {
    const table = randomTensor([50, 8], 56);
    const ids = tf.tensor1d([1, 4, 1, 49], "int32");
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)));
    expectNoLeaks(() => tf.dispose(g(table)));
    tf.dispose([table, ids]);
  });
});

describe("wasm Einsum", () => {
  const cases: { eq: string; shapes: number[][] }[] = [
    {
      eq: "ij,jk->ik",
      shapes: [
        [3, 4],
        [4, 5],
      ],
    },
    {
      eq: "bij,bjk->bik",
      shapes: [
        [2, 3, 4],
        [2, 4, 5],
      ],
    },
    { eq: "ij->ji", shapes: [[3, 4]] },
    { eq: "ij->", shapes: [[3, 4]] },
    { eq: "i,i->", shapes: [[6], [6]] },
    { eq: "i,j->ij", shapes: [[3], [4]] },
    {
      eq: "bhqd,bhkd->bhqk",
      shapes: [
        [2, 2, 3, 4],
        [2, 2, 5, 4],
      ],
    },
  ];
  for (const { eq, shapes } of cases) {
    it(`matches cpu for '${eq}'`, () => {
      expectSameOnBothBackends(() => [tf.einsum(eq, ...shapes.map((s, i) => randomTensor(s, 60 + i)))]);
    });
  }

  it("leaks no tensors or wasm buffers, including when an operand is returned unchanged", () => {
    const a = randomTensor([3, 4], 70);
    const b = randomTensor([4, 5], 71);
    expectNoLeaks(() => {
      tf.dispose(tf.einsum("ij,jk->ik", a, b));
      tf.dispose(tf.einsum("ij->ij", a));
    });
    expect(Array.from(tf.einsum("ij->ij", a).dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
  });
});

describe("a whole training step on wasm", () => {
  it("conv + depthwise + pooling + embedding + dense gradients equal cpu's and leak nothing", () => {
    const step = () => {
      const x = randomTensor([4, 8, 8, 1], 90);
      const ids = tf.tensor1d([1, 3, 3, 0], "int32");
      const params = [[3, 3, 1, 4], [3, 3, 4, 2], [5, 6], [4 * 4 * 8 + 6, 3], [3]].map((s, i) =>
        randomTensor(s, 91 + i),
      );
      return tf.grads((k: tf.Tensor, d: tf.Tensor, e: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
        const c = tf.relu(tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, "same"));
        const dc = tf.depthwiseConv2d(c, d as tf.Tensor4D, 1, "same");
        const p = tf.reshape(tf.avgPool(dc, 2, 2, "valid"), [4, 4 * 4 * 8]);
        const h = tf.concat([p, tf.gather(e, ids)], 1);
        return tf.mean(tf.square(tf.add(tf.matMul(h, w), b)));
      })(params);
    };
    expectSameOnBothBackends(step);
    expectNoLeaks(() => {
      tf.tidy(() => {
        step();
      });
    });
  });
});
