import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import { expectClose, expectNoLeaks, expectSameOnBothBackends, onBothBackends, randomTensor } from "./helpers.js";

// Counts the wasm Transpose kernel's runs: the fast matmul path materialises transposed operands
// with it, the slow built-in path never calls it.
function countTransposes(run: () => void): number {
  const original = tf.getKernel(tf.Transpose, "wasm")!;
  let count = 0;
  tf.unregisterKernel(tf.Transpose, "wasm");
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      count++;
      return original.kernelFunc(args);
    },
  });
  try {
    run();
  } finally {
    tf.unregisterKernel(tf.Transpose, "wasm");
    tf.registerKernel(original);
  }
  return count;
}

describe("wasm BatchMatMul with transposed operands", () => {
  afterEach(() => {
    expect(tf.getBackend()).toBe("wasm");
  });

  const cases: { a: number[]; b: number[] }[] = [
    { a: [5, 4], b: [4, 6] },
    { a: [3, 5, 4], b: [3, 4, 6] },
    { a: [2, 3, 5, 4], b: [3, 4, 6] }, // batch broadcast
    { a: [1, 5, 4], b: [3, 4, 6] }, // batch 1 against 3
    { a: [3, 5, 4], b: [4, 6] }, // batched A, unbatched B: folded into one tall product
    { a: [2, 3, 5, 4], b: [1, 4, 6] },
    { a: [1, 4], b: [4, 6] },
    { a: [5, 4], b: [4, 1] },
    { a: [2, 8], b: [8, 64] }, // small A, wide B: computed as (Bᵀ·Aᵀ)ᵀ when transposed
    { a: [1, 2, 8], b: [1, 8, 64] },
    { a: [3, 128, 64], b: [3, 64, 128] }, // large batched entries: one XNNPACK product each
  ];
  for (const { a, b } of cases) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matches cpu for ${JSON.stringify(a)} x ${JSON.stringify(b)}, tA=${transposeA}, tB=${transposeB}`, () => {
          expectSameOnBothBackends(() => {
            const swap = (t: tf.Tensor) => {
              const perm = t.shape.map((_, i) => i);
              const r = perm.length;
              perm[r - 2] = r - 1;
              perm[r - 1] = r - 2;
              return tf.transpose(t, perm);
            };
            const x = randomTensor(a, 1);
            const y = randomTensor(b, 2);
            const xs = transposeA ? swap(x) : x;
            const ys = transposeB ? swap(y) : y;
            const out = tf.matMul(xs, ys, transposeA, transposeB);
            const [gx, gy] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
              tf.sum(tf.square(tf.matMul(p, q, transposeA, transposeB))),
            )([xs, ys]);
            return [out, gx!, gy!];
          });
        });
      }
    }
  }

  for (const [sa, sb] of [
    [
      [2, 1, 5, 4],
      [1, 3, 4, 6],
    ],
    [
      [2, 1, 128, 64],
      [1, 2, 64, 128],
    ],
  ]) {
    it(`broadcasts batch axes of both operands (${JSON.stringify(sa)} x ${JSON.stringify(sb)}), unlike both built-in kernels`, () => {
      // Reference: the cpu product of explicitly tiled operands (cpu's own BatchMatMul returns a
      // tensor of the broadcast shape holding too few values here).
      const reps = (own: number[], other: number[]) =>
        own.map((d, i) => (i < own.length - 2 && d === 1 ? other[i]! : 1));
      const ref = onBothBackends(() => {
        const a = randomTensor(sa!, 31);
        const b = randomTensor(sb!, 32);
        return [tf.matMul(tf.tile(a, reps(sa!, sb!)), tf.tile(b, reps(sb!, sa!)))];
      }).cpu[0]!;
      const swap = (t: tf.Tensor) => tf.transpose(t, [0, 1, 3, 2]);
      for (const [tA, tB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const out = tf.tidy(() => {
          const a = randomTensor(sa!, 31);
          const b = randomTensor(sb!, 32);
          return tf.matMul(tA ? swap(a) : a, tB ? swap(b) : b, tA, tB);
        });
        expect(out.shape).toEqual([2, sb![1]!, sa![2]!, sb![3]!]);
        expectClose(Float32Array.from(out.dataSync()), ref);
        out.dispose();
      }
    });
  }

  it("keeps XNNPACK's B cache (keyed by buffer id) right when a buffer is reused under a new shape", () => {
    // Plain tfjs-backend-wasm 4.22 returns garbage (and can read out of bounds) for the second
    // product: its cached operator still holds B packed as [6, 1].
    expectSameOnBothBackends(() => {
      const b = randomTensor([1, 6], 21);
      const first = tf.matMul(randomTensor([4, 6], 22), tf.reshape(b, [6, 1]));
      const second = tf.matMul(randomTensor([4, 1], 23), b);
      const w = randomTensor([3, 4], 24);
      const third = tf.matMul(randomTensor([2, 3], 25), w);
      const fourth = tf.matMul(randomTensor([2, 4], 26), tf.reshape(w, [4, 3]));
      return [first, second, third, fourth];
    });
  });

  it("reduces broadcast batch axes in the matmul gradient (tfjs-core throws on every backend)", () => {
    const x = randomTensor([3, 5, 8], 27);
    const w = randomTensor([8, 12], 28);
    const gw = tf.grad((v: tf.Tensor) => tf.sum(tf.matMul(x, v)))(w);
    expect(gw.shape).toEqual([8, 12]);
    // d/dw sum(x·w) = (sum over batch and rows of x)ᵀ · ones.
    const colSums = tf.sum(x, [0, 1]).dataSync();
    const g = gw.dataSync();
    for (let i = 0; i < 8; i++) expect(g[i * 12 + 5]).toBeCloseTo(colSums[i]!, 4);
    tf.dispose([x, w, gw]);
  });

  it("runs transposed operands through the wasm Transpose kernel (the fast path)", () => {
    const x = randomTensor([64, 32], 3);
    const xT = randomTensor([32, 64], 3);
    const w = randomTensor([16, 32], 4);
    const n = countTransposes(() => tf.dispose(tf.matMul(x, w, false, true)));
    const m = countTransposes(() => tf.dispose(tf.matMul(xT, w, true, true)));
    tf.dispose([x, xT, w]);
    expect(n).toBe(1);
    expect(m).toBe(2);
  });

  it("takes the fast path for _FusedMatMul too, and gets cpu's values for batched bias + activation", () => {
    const x = randomTensor([8, 32], 5);
    const w = randomTensor([16, 32], 6);
    const n = countTransposes(() => tf.dispose(tf.fused.matMul({ a: x, b: w, transposeB: true, activation: "relu" })));
    tf.dispose([x, w]);
    expect(n).toBe(1);
    expectSameOnBothBackends(() => {
      const a = randomTensor([2, 8, 32], 5);
      const b = randomTensor([2, 16, 32], 6);
      const bias = randomTensor([16], 7);
      // The built-in wasm kernel adds the bias to row 0 of each matrix only when batch > 1.
      return [
        tf.fused.matMul({ a, b, transposeB: true, bias, activation: "relu" }),
        tf.fused.matMul({ a, b: tf.transpose(b, [0, 2, 1]), bias }),
        tf.fused.matMul({ a, b, transposeB: true, bias, activation: "leakyrelu", leakyreluAlpha: 0.3 }),
        tf.fused.matMul({
          a,
          b,
          transposeB: true,
          bias,
          activation: "prelu",
          preluActivationWeights: randomTensor([16], 8),
        }),
        tf.fused.matMul({ a, b, transposeB: true, bias, activation: "sigmoid" }),
        // No bias, linear: still the _FusedMatMul kernel; these take the swapped and the
        // per-batch-entry paths.
        tf.fused.matMul({
          a: tf.slice(a, [0, 0, 0], [1, 2, 32]),
          b: tf.tile(tf.slice(b, [0, 0, 0], [1, 16, 32]), [1, 8, 1]),
          transposeB: true,
        }),
        tf.fused.matMul({ a: tf.tile(a, [1, 16, 4]), b: tf.tile(b, [1, 8, 4]), transposeB: true }),
        tf.fused.matMul({
          a: tf.slice(a, [0, 0, 0], [1, 8, 32]),
          b: tf.slice(b, [0, 0, 0], [1, 16, 32]),
          transposeB: true,
          bias,
          activation: "relu6",
        }),
        tf.fused.matMul({ a: tf.transpose(a, [0, 2, 1]), b, transposeA: true, transposeB: true, bias }),
      ];
    });
  });

  it("leaks no tensors or wasm buffers over repeated transposed matmuls and gradients", () => {
    const x = randomTensor([3, 16, 8], 8);
    const y = randomTensor([8, 12], 9);
    const z = randomTensor([3, 12, 16], 10);
    const big = randomTensor([2, 128, 128], 12);
    const u = randomTensor([3, 12, 8], 11);
    const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q)));
    expectNoLeaks(() => {
      tf.dispose(g([x, y]));
      tf.tidy(() => {
        tf.matMul(x, tf.transpose(y), false, true);
        tf.matMul(x, z, true, true);
        tf.matMul(x, y);
        tf.matMul(big, big, false, true);
        tf.fused.matMul({ a: x, b: u, transposeB: true, bias: tf.ones([12]), activation: "relu" });
      });
    });
    tf.dispose([x, y, z, u, big]);
  });
});
