// Pooling. Semantics and messages: haiku/_src/pool.py (_infer_shape, max_pool with -inf
// padding, avg_pool dividing SAME windows by their count of non-padded elements); every output
// is checked against lax.reduce_window written out with loops (test/nn/helpers.ts refPool).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, test } from "vitest";
import * as hk from "../../src/index.js";
import { expectClose, ramp, refPool } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

const { random } = hk;

describe("maxPool / avgPool against reduce_window", () => {
  const x = ramp([2, 7, 6, 3], 1, 0.6);
  const cases: [string, number[], number[]][] = [
    ["2x2 stride 2", [1, 2, 2, 1], [1, 2, 2, 1]],
    ["3x3 stride 2", [1, 3, 3, 1], [1, 2, 2, 1]],
    ["3x1 stride 2x2", [1, 3, 1, 1], [1, 2, 2, 1]],
    ["1x4 stride 1x3", [1, 1, 4, 1], [1, 1, 3, 1]],
    ["over channels", [1, 1, 1, 2], [1, 1, 1, 1]],
    ["over batch and W (non-adjacent)", [2, 1, 3, 1], [1, 1, 2, 1]],
    ["three axes", [1, 2, 3, 2], [1, 2, 1, 1]],
  ];
  for (const [name, win, str] of cases) {
    for (const padding of ["SAME", "VALID"] as const) {
      test(`${name} ${padding}`, () => {
        for (const kind of ["max", "avg"] as const) {
          const y = (kind === "max" ? hk.maxPool : hk.avgPool)(x, win, str, padding);
          const r = refPool(kind, x, win, str, padding);
          expect(y.shape).toEqual(r.shape);
          expectClose(y, r.data, 1e-5);
        }
      });
    }
  }

  test("int window/strides: 1 on the batch and channel axes; shorter arrays are left-padded", () => {
    const y = hk.avgPool(x, 2, 2, "VALID");
    expect(y.shape).toEqual([2, 3, 3, 3]);
    expectClose(y, refPool("avg", x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID").data, 1e-5);
    const nchw = tf.transpose(x, [0, 3, 1, 2]);
    const yc = hk.maxPool(nchw, 2, 2, "SAME", 1);
    expectClose(yc, refPool("max", nchw, [1, 1, 2, 2], [1, 1, 2, 2], "SAME").data, 1e-5);
    const unbatched = tf.reshape(tf.slice(x, [0, 0, 0, 0], [1, 7, 6, 3]), [7, 6, 3]);
    const yu = hk.maxPool(unbatched, [3, 3, 1], [2, 2, 1], "SAME");
    expectClose(yu, refPool("max", unbatched, [3, 3, 1], [2, 2, 1], "SAME").data, 1e-5);
    expect(hk.avgPool(x, [2, 2, 1], [2, 2, 1], "VALID").shape).toEqual([2, 3, 3, 3]);
  });

  test("1-D (NWC) pooling", () => {
    const s = ramp([2, 9, 4], 1, 0.1);
    const y = hk.avgPool(s, [1, 3, 1], [1, 2, 1], "SAME");
    expectClose(y, refPool("avg", s, [1, 3, 1], [1, 2, 1], "SAME").data, 1e-5);
  });

  test("errors as Haiku's", () => {
    expect(() => hk.maxPool(x, 2, 2, "same" as never)).toThrow(
      /^hk\.maxPool: Invalid `padding` the string "same", must be 'SAME' or 'VALID'\. Fix: /,
    );
    expect(() => hk.maxPool(x, 2, 2, "same" as never)).toThrow(InvalidArgumentError);
    expect(() => hk.avgPool(x, 2, 2, "VALID", 4)).toThrow(
      /Invalid `channelAxis` \(Haiku's `channel_axis`\) 4 for shape \[2, 7, 6, 3\]/,
    );
    expect(() => hk.avgPool(x, 2, 2, "VALID", 4)).toThrow(InvalidArgumentError);
    expect(() => hk.avgPool(x, [1, 1, 2, 2, 1], 1, "VALID")).toThrow(
      /`windowShape` \(Haiku's `window_shape`\) \[1,1,2,2,1\] has more entries than the input has dims/,
    );
    expect(() => hk.avgPool(x, [1, 1, 2, 2, 1], 1, "VALID")).toThrow(ShapeError);
  });
});

describe("MaxPool / AvgPool modules", () => {
  test("no params; same numbers as the functions", () => {
    const f = hk.transform((x: tf.Tensor) => [
      new hk.AvgPool([1, 2, 2, 1], [1, 2, 2, 1], "VALID").call(x),
      new hk.MaxPool(3, 2, "SAME").call(x),
    ]);
    const x = ramp([1, 6, 6, 2], 1, 0.5);
    expect(f.init(random.key(0), x)).toEqual({});
    const [a, m] = f.apply({}, null, x);
    expectClose(a!, refPool("avg", x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID").data, 1e-5);
    expectClose(m!, refPool("max", x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME").data, 1e-5);
    expect(() => hk.transform(() => new hk.MaxPool(2, 2, "FULL" as never)).init(random.key(0))).toThrow(
      /^MaxPool 'max_pool': Invalid `padding` the string "FULL", must be 'SAME' or 'VALID'/,
    );
    expect(() => hk.transform(() => new hk.MaxPool(2, 2, "FULL" as never)).init(random.key(0))).toThrow(
      InvalidArgumentError,
    );
  });

  test("gradients on wasm: max routes to the argmax, SAME avg divides by the window count", () => {
    expect(tf.getBackend()).toBe("wasm");
    const x = tf.tensor4d([1, 5, 2, 3, 9, 4, 0, 7, 6], [1, 3, 3, 1]);
    const gm = tf.grad((t: tf.Tensor) => tf.sum(hk.maxPool(t, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")))(x);
    // windows' maxima: 9 (x4), so all four gradients land on the 9.
    expect(Array.from(gm.dataSync())).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0]);
    const ga = tf.grad((t: tf.Tensor) => tf.sum(hk.avgPool(t, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")))(x);
    // SAME on 3 with window 2, stride 2 pads (0, 1): windows of 4, 2, 2 and 1 elements.
    expectClose(ga, [0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1]);
  });

  test("gradients on wasm match finite differences of the reduce_window reference", () => {
    const x = ramp([2, 5, 6, 2], 1, 0.35);
    for (const [kind, win, str, pad] of [
      ["max", [1, 3, 3, 1], [1, 2, 2, 1], "SAME"],
      ["avg", [1, 3, 3, 1], [1, 2, 2, 1], "SAME"],
      ["avg", [2, 1, 3, 1], [1, 1, 2, 1], "SAME"],
      ["avg", [1, 2, 3, 1], [1, 2, 1, 1], "VALID"],
      ["max", [1, 1, 3, 2], [1, 1, 2, 1], "VALID"],
    ] as const) {
      const fn = kind === "max" ? hk.maxPool : hk.avgPool;
      const R = ramp(fn(x, [...win], [...str], pad).shape, 1, 1.9);
      const g = tf
        .grad((t: tf.Tensor) => tf.sum(tf.mul(R, fn(t, [...win], [...str], pad))))(x)
        .dataSync();
      const Rd = R.dataSync();
      const loss = (v: tf.Tensor) =>
        refPool(kind, v, [...win], [...str], pad).data.reduce((a, y, i) => a + y * Rd[i]!, 0);
      const eps = 1e-3;
      for (const i of [0, 7, 13, 30, 41, x.size - 1]) {
        const d = x.dataSync().slice();
        d[i] = d[i]! + eps;
        const up = loss(tf.tensor(d, x.shape));
        d[i] = d[i]! - 2 * eps;
        const down = loss(tf.tensor(d, x.shape));
        expect(g[i]!).toBeCloseTo((up - down) / (2 * eps), 2);
      }
    }
  });

  test("tensor count flat", () => {
    const x = ramp([2, 6, 6, 3]);
    const f = () => tf.tidy(() => hk.maxPool(hk.avgPool(x, [2, 1, 3, 1], [1, 1, 2, 1], "SAME"), 2, 2, "VALID"));
    tf.dispose(f());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(f());
    expect(tf.memory().numTensors).toBe(before);
  });
});
