// Depthwise convolutions. Golden structures: haiku/_src/integration/checkpoints/{DepthwiseConv1D,
// DepthwiseConv2D,SeparableDepthwiseConv2D}.json. Numerics: haiku/_src/depthwise_conv.py calls
// lax.conv_general_dilated with feature_group_count = C and w [...k, 1, M * C]; checked against
// XLA's convolution written out with loops (test/nn/helpers.ts refConv).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, test } from "vitest";
import * as hk from "../../src/index.js";
import { affineGrad, expectClose, ramp, refConv, samePads, shapes } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

const { random } = hk;

type Mod = { call(x: tf.Tensor): tf.Tensor };

function run(make: () => Mod, x: tf.Tensor): [hk.Params, tf.Tensor] {
  const f = hk.transform((y: tf.Tensor) => make().call(y));
  const p = f.init(random.key(0), x);
  return [p, f.apply(p, null, x)];
}

function plusBias(data: Float64Array, b: tf.Tensor | undefined): Float64Array {
  if (!b) return data;
  const bd = b.dataSync();
  return data.map((v, i) => v + bd[i % bd.length]!);
}

describe("structure (golden checkpoints)", () => {
  test("DepthwiseConv2D(1, 3) on f32[8, 2, 2, 2]", () => {
    expect(shapes(run(() => new hk.DepthwiseConv2D(1, 3), tf.ones([8, 2, 2, 2]))[0])).toEqual({
      depthwise_conv2_d: { w: [3, 3, 1, 2], b: [2] },
    });
  });
  test("DepthwiseConv1D(1, 3) on f32[8, 2, 2]", () => {
    expect(shapes(run(() => new hk.DepthwiseConv1D(1, 3), tf.ones([8, 2, 2]))[0])).toEqual({
      depthwise_conv1_d: { w: [3, 1, 2], b: [2] },
    });
  });
  test("SeparableDepthwiseConv2D(1, 3) on f32[8, 2, 2, 2]", () => {
    expect(shapes(run(() => new hk.SeparableDepthwiseConv2D(1, 3), tf.ones([8, 2, 2, 2]))[0])).toEqual({
      "separable_depthwise_conv2_d/~/depthwise_conv2_d": { w: [3, 1, 1, 2] },
      "separable_depthwise_conv2_d/~/depthwise_conv2_d_1": { w: [1, 3, 1, 2], b: [2] },
    });
  });
});

describe("numerics", () => {
  const x = ramp([2, 7, 6, 3], 1, 0.4);
  const cases: [string, hk.DepthwiseConvOptions, [number, number][], number[], number[]][] = [
    ["multiplier 2, SAME", {}, [samePads(7, 3, 1), samePads(6, 3, 1)], [1, 1], [1, 1]],
    ["stride 2", { stride: 2 }, [samePads(7, 3, 2), samePads(6, 3, 2)], [2, 2], [1, 1]],
    [
      "rate 2, VALID",
      { rate: 2, padding: "VALID" },
      [
        [0, 0],
        [0, 0],
      ],
      [1, 1],
      [2, 2],
    ],
    [
      "explicit pads",
      {
        padding: [
          [1, 2],
          [0, 1],
        ],
      },
      [
        [1, 2],
        [0, 1],
      ],
      [1, 1],
      [1, 1],
    ],
  ];
  for (const [name, opts, pads, strides, rates] of cases) {
    test(`DepthwiseConv2D ${name}`, () => {
      const [p, y] = run(() => new hk.DepthwiseConv2D(2, 3, { ...opts, bInit: hk.initializers.Constant(0.25) }), x);
      const w = p["depthwise_conv2_d"]!["w"]!;
      expect(w.shape).toEqual([3, 3, 1, 6]);
      const r = refConv(x, w, { strides, pads, rhsDilation: rates, groups: 3 });
      expect(y.shape).toEqual(r.shape);
      expectClose(y, plusBias(r.data, p["depthwise_conv2_d"]!["b"]), 1e-4);
    });
  }

  test("DepthwiseConv1D and DepthwiseConv3D", () => {
    const x3 = ramp([2, 8, 3], 1, 1.1);
    const [p1, y1] = run(() => new hk.DepthwiseConv1D(2, 3, { stride: 2 }), x3);
    expectClose(
      y1,
      plusBias(
        refConv(x3, p1["depthwise_conv1_d"]!["w"]!, { strides: [2], pads: [samePads(8, 3, 2)], groups: 3 }).data,
        p1["depthwise_conv1_d"]!["b"],
      ),
      1e-4,
    );
    const x5 = ramp([1, 3, 4, 3, 2], 1, 2.2);
    const [p3, y3] = run(() => new hk.DepthwiseConv3D(1, 2), x5);
    const pads3 = [samePads(3, 2, 1), samePads(4, 2, 1), samePads(3, 2, 1)];
    expectClose(
      y3,
      plusBias(
        refConv(x5, p3["depthwise_conv3_d"]!["w"]!, { pads: pads3, groups: 2 }).data,
        p3["depthwise_conv3_d"]!["b"],
      ),
      1e-4,
    );
  });

  test("NCHW: bias [M*C, 1, 1], same numbers as NHWC", () => {
    const [p, y] = run(() => new hk.DepthwiseConv2D(2, 3, { stride: 2, bInit: hk.initializers.RandomNormal() }), x);
    const f = hk.transform((z: tf.Tensor) => new hk.DepthwiseConv2D(2, 3, { stride: 2, dataFormat: "NCHW" }).call(z));
    const pc = {
      depthwise_conv2_d: { w: p["depthwise_conv2_d"]!["w"]!, b: tf.reshape(p["depthwise_conv2_d"]!["b"]!, [6, 1, 1]) },
    };
    expect(shapes(f.init(random.key(0), tf.transpose(x, [0, 3, 1, 2])))).toEqual({
      depthwise_conv2_d: { w: [3, 3, 1, 6], b: [6, 1, 1] },
    });
    expectClose(tf.transpose(f.apply(pc, null, tf.transpose(x, [0, 3, 1, 2])), [0, 2, 3, 1]), y.dataSync(), 1e-5);
  });

  test("SeparableDepthwiseConv2D = [k, 1] depthwise (stride, no bias) then [1, k] (bias)", () => {
    const [p, y] = run(() => new hk.SeparableDepthwiseConv2D(2, [3, 2], { stride: 2 }), x);
    const w1 = p["separable_depthwise_conv2_d/~/depthwise_conv2_d"]!["w"]!;
    const w2 = p["separable_depthwise_conv2_d/~/depthwise_conv2_d_1"]!["w"]!;
    const b = p["separable_depthwise_conv2_d/~/depthwise_conv2_d_1"]!["b"]!;
    const h = refConv(x, w1, { strides: [2, 2], pads: [samePads(7, 3, 2), samePads(6, 1, 2)], groups: 3 });
    const ht = tf.tensor(Array.from(h.data), h.shape);
    const r = refConv(ht, w2, { pads: [[0, 0], samePads(3, 2, 1)], groups: 6 });
    expectClose(y, plusBias(r.data, b), 1e-4);
  });

  test("errors: unbatched input, bad multiplier", () => {
    expect(() => run(() => new hk.DepthwiseConv2D(1, 3), tf.ones([4, 4, 2]))).toThrow(
      /DepthwiseConv2D 'depthwise_conv2_d': Input to DepthwiseConv2D needs to have rank 4 \(batched\), but input has shape \[4, 4, 2\]/,
    );
    expect(() => run(() => new hk.DepthwiseConv2D(1, 3), tf.ones([4, 4, 2]))).toThrow(ShapeError);
    expect(() => run(() => new hk.DepthwiseConv2D(0, 3), tf.ones([1, 4, 4, 2]))).toThrow(
      /`channelMultiplier` \(Haiku's `channel_multiplier`\) must be a positive integer, got the number 0/,
    );
    expect(() => run(() => new hk.DepthwiseConv2D(0, 3), tf.ones([1, 4, 4, 2]))).toThrow(InvalidArgumentError);
  });
});

describe("gradients on wasm", () => {
  const cases: [string, () => Mod, string][] = [
    ["DepthwiseConv2D stride 2", () => new hk.DepthwiseConv2D(2, 3, { stride: 2 }), "depthwise_conv2_d"],
    ["DepthwiseConv2D rate 2", () => new hk.DepthwiseConv2D(1, 3, { rate: 2 }), "depthwise_conv2_d"],
    [
      "SeparableDepthwiseConv2D",
      () => new hk.SeparableDepthwiseConv2D(2, 3),
      "separable_depthwise_conv2_d/~/depthwise_conv2_d",
    ],
  ];
  for (const [name, make, mod] of cases) {
    test(name, () => {
      expect(tf.getBackend()).toBe("wasm");
      const f = hk.withoutApplyRng(hk.transform((y: tf.Tensor) => make().call(y)));
      const x = ramp([2, 6, 5, 3], 1, 0.9);
      const p = f.init(random.key(3), x);
      const R = ramp(f.apply(p, x).shape, 1, 0.1);
      const [gp, gx] = hk.grad((q: hk.Params, z: tf.Tensor) => tf.sum(tf.mul(R, f.apply(q, z))), { argnums: [0, 1] })(
        p,
        x,
      ) as [hk.Params, tf.Tensor];
      const w = p[mod]!["w"]!;
      const lossW = (v: tf.Tensor) =>
        tf.sum(tf.mul(R, f.apply({ ...p, [mod]: { ...p[mod]!, w: v } }, x))).dataSync()[0]!;
      const lossX = (v: tf.Tensor) => tf.sum(tf.mul(R, f.apply(p, v))).dataSync()[0]!;
      const wi = [0, 1, Math.floor(w.size / 2), w.size - 1];
      const gw = gp[mod]!["w"]!.dataSync();
      affineGrad(lossW, w, wi).forEach((g, j) => expect(gw[wi[j]!]!).toBeCloseTo(g, 3));
      const xi = [0, 11, x.size - 1];
      const gxd = gx.dataSync();
      affineGrad(lossX, x, xi).forEach((g, j) => expect(gxd[xi[j]!]!).toBeCloseTo(g, 3));
    });
  }
});
