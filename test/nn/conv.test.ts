// Convolutions. Golden structures: haiku/_src/integration/checkpoints/{Conv1D,Conv2D,Conv3D,ConvND,
// Conv1DTranspose,Conv2DTranspose,ConvNDTranspose}.json. Numerics: every output is checked
// against XLA's ConvGeneralDilated written out with loops (test/nn/helpers.ts refConv), called
// the way haiku/_src/conv.py calls lax.conv_general_dilated / lax.conv_transpose (JAX's
// _conv_transpose_padding for SAME/VALID, compute_adjusted_padding for output_shape).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, test } from "vitest";
import * as hk from "../../src/index.js";
import { affineGrad, expectClose, ramp, refConv, samePads, shapes } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

const { random } = hk;

type Mod = { call(x: tf.Tensor): tf.Tensor };

/** init + apply of a module factory on x; returns [params, y]. */
function run(make: () => Mod, x: tf.Tensor, seed = 0): [hk.Params, tf.Tensor] {
  const f = hk.transform((y: tf.Tensor) => make().call(y));
  const p = f.init(random.key(seed), x);
  return [p, f.apply(p, null, x)];
}

function only(p: hk.Params): Record<string, tf.Tensor> {
  return Object.values(p)[0]!;
}

/** Moves axis `from` of a tensor to `to`. */
function moveAxis(x: tf.Tensor, from: number, to: number): tf.Tensor {
  const perm = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== (from < 0 ? from + x.rank : from));
  perm.splice(to < 0 ? to + x.rank : to, 0, from < 0 ? from + x.rank : from);
  return tf.transpose(x, perm);
}

function withBias(r: { shape: number[]; data: Float64Array }, b: tf.Tensor | undefined): Float64Array {
  if (!b) return r.data;
  const bd = b.dataSync();
  const c = r.shape[r.shape.length - 1]!;
  return r.data.map((v, i) => v + bd[i % c]!);
}

describe("structure (golden checkpoints)", () => {
  const cases: [string, () => Mod, number[], Record<string, Record<string, number[]>>][] = [
    ["Conv1D(3, 3)", () => new hk.Conv1D(3, 3), [8, 2, 2], { conv1_d: { w: [3, 2, 3], b: [3] } }],
    ["Conv2D(3, 3)", () => new hk.Conv2D(3, 3), [8, 2, 2, 2], { conv2_d: { w: [3, 3, 2, 3], b: [3] } }],
    ["Conv3D(3, 3)", () => new hk.Conv3D(3, 3), [8, 2, 2, 2, 2], { conv3_d: { w: [3, 3, 3, 2, 3], b: [3] } }],
    ["ConvND(1, 3, 3)", () => new hk.ConvND(1, 3, 3), [8, 2, 2], { conv_nd: { w: [3, 2, 3], b: [3] } }],
    [
      "Conv1DTranspose(3, 3)",
      () => new hk.Conv1DTranspose(3, 3),
      [8, 2, 2],
      { conv1_d_transpose: { w: [3, 3, 2], b: [3] } },
    ],
    [
      "Conv2DTranspose(3, 3)",
      () => new hk.Conv2DTranspose(3, 3),
      [8, 2, 2, 2],
      { conv2_d_transpose: { w: [3, 3, 3, 2], b: [3] } },
    ],
    [
      "ConvNDTranspose(1, 3, 3)",
      () => new hk.ConvNDTranspose(1, 3, 3),
      [8, 2, 2],
      { conv_nd_transpose: { w: [3, 3, 2], b: [3] } },
    ],
  ];
  for (const [name, make, shape, golden] of cases) {
    test(name, () => {
      const [p, y] = run(make, tf.ones(shape));
      expect(shapes(p)).toEqual(golden);
      expect(y.shape[0]).toBe(8);
    });
  }

  test("channels-first bias is [C, 1, 1]; default w init is TruncatedNormal(1/sqrt(prod(w[:-1])))", () => {
    const [p] = run(() => new hk.Conv2D(4, 3, { dataFormat: "NCHW" }), tf.ones([1, 2, 5, 5]));
    expect(shapes(p)).toEqual({ conv2_d: { w: [3, 3, 2, 4], b: [4, 1, 1] } });
    const k = random.split(random.key(0), 2)[1]!;
    const z = random.truncatedNormalValues(k, -2, 2, [3, 3, 2, 4]);
    const sd = Math.fround(1 / Math.sqrt(18));
    expectClose(
      only(p)["w"]!,
      Array.from(z, (v) => Math.fround(sd * v)),
      0,
    );
  });

  test("transposed default w init is TruncatedNormal(1/sqrt(prod(kernel) * Cin)) (conv.py)", () => {
    const [p] = run(() => new hk.Conv2DTranspose(3, 3), tf.ones([8, 2, 2, 2]));
    const k = random.split(random.key(0), 2)[1]!;
    const z = random.truncatedNormalValues(k, -2, 2, [3, 3, 3, 2]);
    const sd = Math.fround(1 / Math.sqrt(3 * 3 * 2));
    expectClose(
      only(p)["w"]!,
      Array.from(z, (v) => Math.fround(sd * v)),
      0,
    );
  });
});

describe("Conv numerics against XLA's convolution", () => {
  const x4 = ramp([2, 7, 6, 4], 1);
  const cases: [string, hk.ConvOptions, (h: number, w: number, k: number) => [number, number][], number[], number[]][] =
    [
      ["SAME stride 1", {}, (h, w, k) => [samePads(h, k, 1), samePads(w, k, 1)], [1, 1], [1, 1]],
      ["SAME stride 2", { stride: 2 }, (h, w, k) => [samePads(h, k, 2), samePads(w, k, 2)], [2, 2], [1, 1]],
      [
        "VALID stride [2, 1]",
        { padding: "valid", stride: [2, 1] },
        () => [
          [0, 0],
          [0, 0],
        ],
        [2, 1],
        [1, 1],
      ],
      [
        "explicit pads",
        {
          padding: [
            [2, 0],
            [1, 3],
          ],
        },
        () => [
          [2, 0],
          [1, 3],
        ],
        [1, 1],
        [1, 1],
      ],
      [
        "pad function (causal)",
        { padding: (k: number) => [k - 1, 0] as const },
        () => [
          [2, 0],
          [2, 0],
        ],
        [1, 1],
        [1, 1],
      ],
      ["rate 2 SAME", { rate: 2 }, (h, w) => [samePads(h, 5, 1), samePads(w, 5, 1)], [1, 1], [2, 2]],
      ["rate 2 and stride 2", { rate: 2, stride: 2 }, (h, w) => [samePads(h, 5, 2), samePads(w, 5, 2)], [2, 2], [2, 2]],
    ];
  for (const [name, opts, pads, strides, rates] of cases) {
    test(`Conv2D ${name}`, () => {
      const [p, y] = run(() => new hk.Conv2D(5, 3, opts), x4);
      const r = refConv(x4, only(p)["w"]!, { strides, pads: pads(7, 6, 3), rhsDilation: rates });
      expect(y.shape).toEqual(r.shape);
      expectClose(y, withBias(r, only(p)["b"]), 1e-4);
    });
  }

  test('SAME with a unit kernel dim and stride (tfjs-wasm\'s own "same" gets this wrong)', () => {
    for (const [k, st] of [
      [[3, 1], 2],
      [[4, 1], 3],
      [[1, 3], 2],
    ] as const) {
      const [p, y] = run(() => new hk.Conv2D(2, [...k], { stride: st }), x4);
      const r = refConv(x4, only(p)["w"]!, { strides: [st, st], pads: [samePads(7, k[0], st), samePads(6, k[1], st)] });
      expectClose(y, withBias(r, only(p)["b"]), 1e-4);
    }
  });

  test("feature groups: 2 groups (split) and Cin groups (depthwise path)", () => {
    for (const g of [2, 4]) {
      const [p, y] = run(
        () => new hk.Conv2D(8, [3, 2], { featureGroupCount: g, bInit: hk.initializers.Constant(0.5) }),
        x4,
      );
      expect(only(p)["w"]!.shape).toEqual([3, 2, 4 / g, 8]);
      const r = refConv(x4, only(p)["w"]!, { pads: [samePads(7, 3, 1), samePads(6, 2, 1)], groups: g });
      expectClose(y, withBias(r, only(p)["b"]), 1e-4);
    }
  });

  test("NCHW matches NHWC on transposed data; unbatched input is squeezed back", () => {
    const [p, y] = run(() => new hk.Conv2D(3, 3, { stride: 2 }), x4);
    const f = hk.transform((z: tf.Tensor) => new hk.Conv2D(3, 3, { stride: 2, dataFormat: "NCHW" }).call(z));
    const pc = { conv2_d: { w: only(p)["w"]!, b: tf.reshape(only(p)["b"]!, [3, 1, 1]) } };
    expectClose(moveAxis(f.apply(pc, null, moveAxis(x4, -1, 1)), 1, -1), y.dataSync(), 1e-5);
    const single = run(() => new hk.Conv2D(3, 3, { stride: 2 }), tf.slice(x4, [0, 0, 0, 0], [1, 7, 6, 4]))[1];
    const f1 = hk.transform((z: tf.Tensor) => new hk.Conv2D(3, 3, { stride: 2 }).call(z));
    const u = f1.apply(p, null, tf.reshape(tf.slice(x4, [0, 0, 0, 0], [1, 7, 6, 4]), [7, 6, 4]));
    expect(u.shape).toEqual([4, 3, 3]);
    expect(single.shape).toEqual([1, 4, 3, 3]);
    expectClose(u, tf.slice(y, [0, 0, 0, 0], [1, 4, 3, 3]).dataSync(), 1e-5);
  });

  test("mask multiplies w", () => {
    const mask = tf.tensor4d(
      Array.from({ length: 3 * 3 * 4 * 2 }, (_, i) => i % 2),
      [3, 3, 4, 2],
    );
    const [p, y] = run(() => new hk.Conv2D(2, 3, { mask, withBias: false }), x4);
    expect(shapes(p)).toEqual({ conv2_d: { w: [3, 3, 4, 2] } });
    const r = refConv(x4, tf.mul(only(p)["w"]!, mask), { pads: [samePads(7, 3, 1), samePads(6, 3, 1)] });
    expectClose(y, r.data, 1e-4);
  });

  test("Conv1D (NWC and NCW) and Conv3D (SAME stride 2, explicit pads, rate 2)", () => {
    const x3 = ramp([2, 9, 3], 1, 1);
    const [p1, y1] = run(() => new hk.Conv1D(4, 4, { stride: 2 }), x3);
    expectClose(
      y1,
      withBias(refConv(x3, only(p1)["w"]!, { strides: [2], pads: [samePads(9, 4, 2)] }), only(p1)["b"]),
      1e-4,
    );
    const fc = hk.transform((z: tf.Tensor) =>
      new hk.Conv1D(4, 4, { stride: 2, dataFormat: "NCW", withBias: false }).call(z),
    );
    expectClose(
      moveAxis(fc.apply({ conv1_d: { w: only(p1)["w"]! } }, null, moveAxis(x3, -1, 1)), 1, -1),
      refConv(x3, only(p1)["w"]!, { strides: [2], pads: [samePads(9, 4, 2)] }).data,
      1e-4,
    );
    const x5 = ramp([1, 5, 4, 6, 2], 1, 2);
    const [p3, y3] = run(() => new hk.Conv3D(3, [3, 2, 3], { stride: 2 }), x5);
    const pads3 = [samePads(5, 3, 2), samePads(4, 2, 2), samePads(6, 3, 2)];
    expectClose(y3, withBias(refConv(x5, only(p3)["w"]!, { strides: [2, 2, 2], pads: pads3 }), only(p3)["b"]), 1e-4);
    const [p4, y4] = run(
      () =>
        new hk.Conv3D(2, 2, {
          padding: [
            [1, 0],
            [0, 2],
            [1, 1],
          ],
          rate: [1, 2, 1],
        }),
      x5,
    );
    expectClose(
      y4,
      withBias(
        refConv(x5, only(p4)["w"]!, {
          pads: [
            [1, 0],
            [0, 2],
            [1, 1],
          ],
          rhsDilation: [1, 2, 1],
        }),
        only(p4)["b"],
      ),
      1e-4,
    );
  });

  test("errors as Haiku's", () => {
    const bad = (make: () => Mod, shape: number[]) => () => run(make, tf.ones(shape));
    expect(bad(() => new hk.Conv2D(3, 3), [2, 2])).toThrow(
      /^Conv2D 'conv2_d': Input to ConvND needs to have rank in \[3, 4\], but input has shape \[2, 2\]\. Fix: /,
    );
    expect(bad(() => new hk.Conv2D(3, 3), [2, 2])).toThrow(ShapeError);
    expect(bad(() => new hk.Conv2D(3, [3, 3, 3]), [1, 4, 4, 1])).toThrow(
      /`kernelShape` \(Haiku's `kernel_shape`\) must be a scalar or sequence of length 1 or sequence of length 2/,
    );
    expect(bad(() => new hk.Conv2D(3, [3, 3, 3]), [1, 4, 4, 1])).toThrow(InvalidArgumentError);
    expect(bad(() => new hk.Conv2D(3, 3, { padding: "FULL" }), [1, 4, 4, 1])).toThrow(
      /invalid `padding` the string "FULL"/,
    );
    expect(bad(() => new hk.Conv2D(3, 3, { padding: "FULL" }), [1, 4, 4, 1])).toThrow(InvalidArgumentError);
    expect(bad(() => new hk.Conv2D(4, 3, { featureGroupCount: 2 }), [1, 4, 4, 3])).toThrow(
      /Inputs channels 3 should be a multiple of `featureGroupCount` \(Haiku's `feature_group_count`\) 2/,
    );
    expect(bad(() => new hk.Conv2D(4, 3, { featureGroupCount: 2 }), [1, 4, 4, 3])).toThrow(ShapeError);
    expect(bad(() => new hk.Conv2D(3, 3, { mask: tf.ones([3, 3]) }), [1, 4, 4, 1])).toThrow(
      /Mask needs to have the same shape as weights. Shapes are: \[3, 3\], \[3, 3, 1, 3\]/,
    );
    expect(bad(() => new hk.Conv2D(3, 3, { mask: tf.ones([3, 3]) }), [1, 4, 4, 1])).toThrow(ShapeError);
    expect(bad(() => new hk.ConvND(0, 3, 3), [1, 4])).toThrow(
      /`numSpatialDims` \(Haiku's `num_spatial_dims`\) greater than 0, got the number 0/,
    );
    expect(bad(() => new hk.ConvND(0, 3, 3), [1, 4])).toThrow(InvalidArgumentError);
    expect(bad(() => new hk.Conv2D(3, 3, { dataFormat: "HWNC" }), [1, 4, 4, 1])).toThrow(
      /Unable to extract channel information from 'HWNC'/,
    );
    expect(bad(() => new hk.Conv2D(3, 3, { dataFormat: "HWNC" }), [1, 4, 4, 1])).toThrow(InvalidArgumentError);
  });
});

describe("transposed convolutions (lax.conv_transpose, kernel not flipped)", () => {
  // JAX's _conv_transpose_padding.
  const tpads = (k: number, s: number, p: "SAME" | "VALID"): [number, number] => {
    const len = p === "SAME" ? k + s - 2 : k + s - 2 + Math.max(k - s, 0);
    const a = p === "SAME" ? (s > k - 1 ? k - 1 : Math.ceil(len / 2)) : k - 1;
    return [a, len - a];
  };
  /** refConv with lhs dilation and the [...k, Cout, Cin] kernel read as [...k, Cin, Cout]. */
  const ref = (x: tf.Tensor, w: tf.Tensor, strides: number[], pads: [number, number][]) =>
    refConv(x, moveAxis(w, -1, -2), { pads, lhsDilation: strides });

  const x4 = ramp([2, 4, 5, 3], 1, 0.5);
  const cases: [string, hk.ConvTransposeOptions, number, [number, number][]][] = [
    ["SAME stride 2 (k 3)", { stride: 2 }, 3, [tpads(3, 2, "SAME"), tpads(3, 2, "SAME")]],
    ["VALID stride 2 (k 3)", { stride: 2, padding: "VALID" }, 3, [tpads(3, 2, "VALID"), tpads(3, 2, "VALID")]],
    ["SAME stride 3 > k - 1 (k 2)", { stride: 3 }, 2, [tpads(2, 3, "SAME"), tpads(2, 3, "SAME")]],
    [
      "explicit pads beyond k - 1",
      {
        stride: [1, 2],
        padding: [
          [0, 3],
          [1, 2],
        ],
      },
      3,
      [
        [0, 3],
        [1, 2],
      ],
    ],
    [
      "output_shape",
      { stride: 2, outputShape: [7, 10] },
      3,
      [
        [1, 1],
        [2, 1],
      ],
    ],
  ];
  for (const [name, opts, k, pads] of cases) {
    test(`Conv2DTranspose ${name}`, () => {
      const [p, y] = run(() => new hk.Conv2DTranspose(4, k, opts), x4);
      expect(only(p)["w"]!.shape).toEqual([k, k, 4, 3]);
      const strides = typeof opts.stride === "number" ? [opts.stride, opts.stride] : [...(opts.stride ?? [1, 1])];
      const r = ref(x4, only(p)["w"]!, strides, pads);
      expect(y.shape).toEqual(r.shape);
      expectClose(y, withBias(r, only(p)["b"]), 1e-4);
    });
  }

  test("output_shape padding equals Haiku's compute_adjusted_padding", () => {
    // For input 4 -> output 7 (k 3, s 2, SAME): padding_needed = max(0, 3*2 + 3 - 7) = 2,
    // before = 1; pad_before = k - 1 - 1 = 1; pad_after = (7 + 2) - 7 - 1 = 1.
    const [, y] = run(() => new hk.Conv2DTranspose(4, 3, { stride: 2, outputShape: [7, 10] }), x4);
    expect(y.shape).toEqual([2, 7, 10, 4]);
    expect(() => run(() => new hk.Conv2DTranspose(4, 3, { stride: 2, outputShape: [20, 10] }), x4)).toThrow(
      /The expected input size with the current set of input parameters is 10 which doesn't match the actual input size 4/,
    );
    expect(() => run(() => new hk.Conv2DTranspose(4, 3, { stride: 2, outputShape: [20, 10] }), x4)).toThrow(ShapeError);
    expect(() => run(() => new hk.Conv2DTranspose(4, 3, { outputShape: 5, padding: [[1, 1]] }), x4)).toThrow(
      /When specifying `outputShape` \(Haiku's `output_shape`\), ensure that padding is 'VALID' or 'SAME'/,
    );
    expect(() => run(() => new hk.Conv2DTranspose(4, 3, { outputShape: 5, padding: [[1, 1]] }), x4)).toThrow(
      InvalidArgumentError,
    );
  });

  test("Conv1DTranspose, Conv3DTranspose and NCHW", () => {
    const x3 = ramp([2, 5, 3], 1, 2);
    const [p1, y1] = run(() => new hk.Conv1DTranspose(2, 4, { stride: 3 }), x3);
    expectClose(y1, withBias(ref(x3, only(p1)["w"]!, [3], [tpads(4, 3, "SAME")]), only(p1)["b"]), 1e-4);
    const x5 = ramp([1, 3, 2, 4, 2], 1, 3);
    const [p3, y3] = run(() => new hk.Conv3DTranspose(2, [2, 3, 2], { stride: 2 }), x5);
    const pads3 = [tpads(2, 2, "SAME"), tpads(3, 2, "SAME"), tpads(2, 2, "SAME")];
    expectClose(y3, withBias(ref(x5, only(p3)["w"]!, [2, 2, 2], pads3), only(p3)["b"]), 1e-4);
    const [p, y] = run(() => new hk.Conv2DTranspose(4, 3, { stride: 2 }), x4);
    const fc = hk.transform((z: tf.Tensor) => new hk.Conv2DTranspose(4, 3, { stride: 2, dataFormat: "NCHW" }).call(z));
    const pc = { conv2_d_transpose: { w: only(p)["w"]!, b: tf.reshape(only(p)["b"]!, [4, 1, 1]) } };
    expectClose(moveAxis(fc.apply(pc, null, moveAxis(x4, -1, 1)), 1, -1), y.dataSync(), 1e-5);
  });

  test("errors", () => {
    expect(() => run(() => new hk.Conv2DTranspose(3, 3), tf.ones([2, 2]))).toThrow(
      /Input to ConvNDTranspose needs to have rank in \[3, 4\]/,
    );
    expect(() => run(() => new hk.Conv2DTranspose(3, 3), tf.ones([2, 2]))).toThrow(ShapeError);
    expect(() => run(() => new hk.Conv2DTranspose(3, 3, { padding: "FULL" }), x4)).toThrow(
      /`padding` must be 'VALID' or 'SAME', got the string "FULL"/,
    );
    expect(() => run(() => new hk.Conv2DTranspose(3, 3, { padding: "FULL" }), x4)).toThrow(InvalidArgumentError);
  });
});

describe("gradients on wasm", () => {
  const cases: [string, () => Mod, number[]][] = [
    ["Conv2D SAME stride 2", () => new hk.Conv2D(3, 3, { stride: 2 }), [2, 6, 5, 2]],
    [
      "Conv2D explicit pads, rate 2",
      () =>
        new hk.Conv2D(2, 2, {
          padding: [
            [1, 0],
            [2, 1],
          ],
          rate: 2,
        }),
      [1, 5, 6, 3],
    ],
    ["Conv2D 2 groups", () => new hk.Conv2D(4, 3, { featureGroupCount: 2 }), [1, 5, 5, 4]],
    ["Conv1D", () => new hk.Conv1D(3, 3, { stride: 2 }), [2, 7, 2]],
    // conv3d's gradients are our own (tfjs's Conv3DBackpropInputV2 is wrong on wasm 4.22 and
    // Conv3DBackpropFilterV2 drops taps between strides on every backend).
    ["Conv3D", () => new hk.Conv3D(2, 2, { stride: [1, 2, 1] }), [1, 3, 4, 3, 2]],
    ["Conv2DTranspose", () => new hk.Conv2DTranspose(3, 3, { stride: 2 }), [1, 3, 4, 2]],
    ["Conv1DTranspose", () => new hk.Conv1DTranspose(2, 3, { stride: 2 }), [2, 4, 2]],
    ["Conv3DTranspose", () => new hk.Conv3DTranspose(2, [2, 3, 2], { stride: 2 }), [1, 2, 3, 2, 2]],
    ["Conv2D NCHW", () => new hk.Conv2D(2, 3, { dataFormat: "NCHW" }), [1, 2, 5, 4]],
  ];
  for (const [name, make, shape] of cases) {
    test(name, () => {
      expect(tf.getBackend()).toBe("wasm");
      const f = hk.withoutApplyRng(hk.transform((y: tf.Tensor) => make().call(y)));
      const x = ramp(shape, 1, 0.7);
      const p = f.init(random.key(1), x);
      const y0 = f.apply(p, x);
      const R = ramp(y0.shape, 1, 2.1);
      const [gp, gx] = hk.grad((q: hk.Params, z: tf.Tensor) => tf.sum(tf.mul(R, f.apply(q, z))), { argnums: [0, 1] })(
        p,
        x,
      ) as [hk.Params, tf.Tensor];
      const mod = Object.keys(p)[0]!;
      const w = p[mod]!["w"]!;
      const lossW = (v: tf.Tensor) =>
        tf.sum(tf.mul(R, f.apply({ ...p, [mod]: { ...p[mod]!, w: v } }, x))).dataSync()[0]!;
      const lossX = (v: tf.Tensor) => tf.sum(tf.mul(R, f.apply(p, v))).dataSync()[0]!;
      const wi = [0, 1, Math.floor(w.size / 2), w.size - 1];
      const xi = [0, Math.floor(x.size / 3), x.size - 1];
      const gw = gp[mod]!["w"]!.dataSync();
      affineGrad(lossW, w, wi).forEach((g, j) => expect(gw[wi[j]!]!).toBeCloseTo(g, 3));
      {
        const gxd = gx.dataSync();
        affineGrad(lossX, x, xi).forEach((g, j) => expect(gxd[xi[j]!]!).toBeCloseTo(g, 3));
      }
      if (p[mod]!["b"]) {
        const gb = gp[mod]!["b"]!.dataSync();
        const Rd = R.dataSync();
        const cAxis = name.includes("NCHW") ? 1 : R.rank - 1;
        const sums = new Array<number>(R.shape[cAxis]!).fill(0);
        const st = R.shape.slice(cAxis + 1).reduce((a, b) => a * b, 1);
        Rd.forEach((v, i) => (sums[Math.floor(i / st) % R.shape[cAxis]!]! += v));
        sums.forEach((s, c) => expect(gb[c]!).toBeCloseTo(s, 3));
      }
    });
  }

  test("Conv3D with 2 groups and explicit pads: wasm gradients equal the affine reference", () => {
    const f = hk.withoutApplyRng(
      hk.transform((y: tf.Tensor) =>
        new hk.Conv3D(4, [2, 3, 2], {
          stride: 2,
          featureGroupCount: 2,
          padding: [
            [1, 0],
            [0, 2],
            [1, 1],
          ],
        }).call(y),
      ),
    );
    const x = ramp([2, 4, 5, 3, 4], 1, 0.2);
    const p = f.init(random.key(4), x);
    const R = ramp(f.apply(p, x).shape, 1, 1.3);
    const [gp, gx] = hk.grad((q: hk.Params, z: tf.Tensor) => tf.sum(tf.mul(R, f.apply(q, z))), { argnums: [0, 1] })(
      p,
      x,
    ) as [hk.Params, tf.Tensor];
    const w = p["conv3_d"]!["w"]!;
    const lossW = (v: tf.Tensor) =>
      tf.sum(tf.mul(R, f.apply({ conv3_d: { ...p["conv3_d"]!, w: v } }, x))).dataSync()[0]!;
    const lossX = (v: tf.Tensor) => tf.sum(tf.mul(R, f.apply(p, v))).dataSync()[0]!;
    const wi = Array.from({ length: w.size }, (_, i) => i);
    const gw = gp["conv3_d"]!["w"]!.dataSync();
    affineGrad(lossW, w, wi).forEach((g, j) => expect(gw[j]!).toBeCloseTo(g, 3));
    const xi = [0, 5, 77, 200, x.size - 1];
    const gxd = gx.dataSync();
    affineGrad(lossX, x, xi).forEach((g, j) => expect(gxd[xi[j]!]!).toBeCloseTo(g, 3));
  });

  test("apply holds the tensor count flat", () => {
    const f = hk.withoutApplyRng(
      hk.transform((y: tf.Tensor) => new hk.Conv2D(3, 3, { rate: 2, featureGroupCount: 1 }).call(y)),
    );
    const x = ramp([1, 6, 6, 2]);
    const p = f.init(random.key(0), x);
    tf.dispose(f.apply(p, x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(f.apply(p, x));
    expect(tf.memory().numTensors).toBe(before);
  });
});
