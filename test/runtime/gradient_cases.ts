import * as tf from "@tensorflow/tfjs-core";

/**
 * Gradient cases for the wasm-vs-cpu audit of every gradient kernel the wasm backend runs
 * (`gradients.test.ts`): pooling (max / avg, 2-D and 3-D), conv2d / conv3d / depthwise /
 * transposed / dilation backprops, resize, pad / mirrorPad, slice / stridedSlice, gather /
 * gatherND, segment sums, tile, cumsum / cumprod and more, on SAME-padded, strided, odd-sized,
 * all-negative and oscillating inputs. Each case returns the gradients of
 * `sum(f(inputs) * weights)` (fixed, non-uniform weights so every output's gradient is routed
 * visibly).
 *
 * Left out because tfjs-core 4.22 cannot differentiate them on any backend: dilated conv2d /
 * depthwise (rejected), StridedSlice, GatherNd, Cumprod, DepthToSpace, SparseSegmentMean,
 * Conv3DBackpropInputV2 (no gradient registered), gather with batchDims and prod (their gradients
 * call chained ops such as `x.split`, which tfjs-core's Node bundle does not install), cumsum
 * over a non-last axis with exclusive + reverse (gradient of the wrong shape) and
 * unsortedSegmentSum with an out-of-range id (its gradient gathers that id and throws).
 */
export interface GradientCase {
  name: string;
  run: () => tf.Tensor[];
}

type T4 = tf.Tensor4D;
type T5 = tf.Tensor5D;

/** Deterministic inputs: "neg" is -1, -2, ... (every window all negative), "sin" oscillates. */
const vals = (shape: readonly number[], kind: "neg" | "sin" | "cos", seed = 1) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, (_, i) =>
      kind === "neg" ? -i - 1 : kind === "sin" ? Math.sin(1.3 * i + seed) : Math.cos(0.7 * i * seed) * 2,
    ),
    [...shape],
  );
};
const weighted = (y: tf.Tensor, seed = 9) => tf.sum(tf.mul(y, vals(y.shape, "cos", seed)));
const g1 = (f: (x: tf.Tensor) => tf.Tensor, x: () => tf.Tensor) => () => [
  tf.grad((v: tf.Tensor) => weighted(f(v)))(x()),
];
const g2 = (f: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor, x: () => tf.Tensor, w: () => tf.Tensor) => () =>
  tf.grads((a: tf.Tensor, b: tf.Tensor) => weighted(f(a, b)))([x(), w()]);
const c = (name: string, run: () => tf.Tensor[]): GradientCase => ({ name, run });

/** Every case, in a stable order. */
export function gradientCases(): GradientCase[] {
  const cases: GradientCase[] = [];
  for (const kind of ["neg", "sin"] as const) {
    for (const [shape, k, s, pad] of [
      [[1, 5, 5, 1], 2, 2, "same"],
      [[2, 7, 6, 3], 3, 2, "same"],
      [[1, 5, 5, 2], 3, 1, "same"],
      [[2, 6, 7, 2], [2, 3], [1, 2], "same"],
      [[1, 5, 5, 1], 2, 2, "valid"],
      [[1, 7, 7, 2], 3, 3, "same"],
      [[1, 4, 4, 1], 1, 2, "same"],
      [[1, 5, 5, 1], 4, 3, "same"],
    ] as const) {
      const tag = `${kind} ${JSON.stringify(shape)} k${JSON.stringify(k)} s${JSON.stringify(s)} ${pad}`;
      cases.push(
        c(
          `maxPool ${tag}`,
          g1(
            (x) => tf.maxPool(x as T4, k as never, s as never, pad),
            () => vals(shape as never, kind),
          ),
        ),
      );
      cases.push(
        c(
          `avgPool ${tag}`,
          g1(
            (x) => tf.avgPool(x as T4, k as never, s as never, pad),
            () => vals(shape as never, kind),
          ),
        ),
      );
    }
    for (const [shape, k, s, pad] of [
      [[1, 5, 5, 5, 1], 2, 2, "same"],
      [[1, 5, 4, 3, 2], 3, 2, "same"],
      [[1, 5, 5, 5, 1], 2, 2, "valid"],
      [[1, 4, 5, 6, 1], 3, 1, "same"],
    ] as const) {
      const tag = `${kind} ${JSON.stringify(shape)} k${k} s${s} ${pad}`;
      cases.push(
        c(
          `maxPool3d ${tag}`,
          g1(
            (x) => tf.maxPool3d(x as T5, k, s, pad),
            () => vals(shape as never, kind),
          ),
        ),
      );
      cases.push(
        c(
          `avgPool3d ${tag}`,
          g1(
            (x) => tf.avgPool3d(x as T5, k, s, pad),
            () => vals(shape as never, kind),
          ),
        ),
      );
    }
  }
  for (const [x, f, s, pad, dil] of [
    [[2, 7, 7, 3], [3, 3, 3, 4], 2, "same", 1],
    [[1, 6, 5, 2], [1, 3, 2, 3], [2, 1], "same", 1],
    [[1, 5, 5, 2], [1, 1, 2, 3], 2, "same", 1],
    [[1, 7, 8, 2], [2, 2, 2, 2], 3, "valid", 1],
    [[1, 7, 7, 1], [4, 4, 1, 2], 3, "same", 1],
    [[1, 21, 24, 2], [2, 2, 2, 2], 3, "same", 1],
    [[1, 8, 8, 2], [3, 1, 2, 2], [1, 2], "same", 1],
    [[1, 12, 5, 2], [1, 3, 2, 3], [2, 1], "same", 1],
  ] as const) {
    const tag = `x${JSON.stringify(x)} f${JSON.stringify(f)} s${JSON.stringify(s)} ${pad} d${dil}`;
    cases.push(
      c(
        `conv2d ${tag}`,
        g2(
          (a, w) => tf.conv2d(a as T4, w as T4, s as never, pad, "NHWC", dil),
          () => vals(x as never, "sin"),
          () => vals(f as never, "cos", 3),
        ),
      ),
    );
    cases.push(
      c(
        `depthwise ${tag}`,
        g2(
          (a, w) => tf.depthwiseConv2d(a as T4, w as T4, s as never, pad, "NHWC", dil),
          () => vals(x as never, "sin"),
          () => vals([f[0], f[1], x[3], 2], "cos", 3),
        ),
      ),
    );
    if (dil === 1)
      cases.push(
        c(
          `conv2dTranspose ${tag}`,
          g2(
            (a, w) =>
              tf.conv2dTranspose(
                a as T4,
                w as T4,
                [x[0], x[1] * (typeof s === "number" ? s : s[0]), x[2] * (typeof s === "number" ? s : s[1]), f[2]],
                s as never,
                "same",
              ),
            () => vals([x[0], x[1], x[2], f[3]], "sin"),
            () => vals(f as never, "cos", 3),
          ),
        ),
      );
  }
  for (const [x, f, s, pad] of [
    [[1, 5, 5, 5, 2], [3, 3, 3, 2, 3], 2, "same"],
    [[1, 4, 5, 6, 1], [2, 3, 1, 1, 2], 1, "same"],
    [[1, 5, 5, 5, 1], [2, 2, 2, 1, 2], 2, "valid"],
    [[1, 4, 4, 4, 1], [1, 1, 1, 1, 2], 2, "same"],
  ] as const) {
    const tag = `x${JSON.stringify(x)} f${JSON.stringify(f)} s${s} ${pad}`;
    cases.push(
      c(
        `conv3d ${tag}`,
        g2(
          (a, w) => tf.conv3d(a as T5, w as T5, s, pad),
          () => vals(x as never, "sin"),
          () => vals(f as never, "cos", 3),
        ),
      ),
    );
  }
  for (const [x, size, ac, hp] of [
    [[1, 3, 4, 2], [5, 7], false, false],
    [[2, 5, 4, 1], [3, 2], true, false],
    [[1, 4, 4, 2], [7, 5], false, true],
    [[1, 4, 4, 2], [7, 5], true, false],
    [[1, 6, 6, 1], [3, 3], false, true],
  ] as const) {
    const tag = `x${JSON.stringify(x)} -> ${JSON.stringify(size)} ac${ac} hp${hp}`;
    cases.push(
      c(
        `resizeBilinear ${tag}`,
        g1(
          (v) => tf.image.resizeBilinear(v as T4, size as never, ac, hp),
          () => vals(x as never, "sin"),
        ),
      ),
    );
    cases.push(
      c(
        `resizeNearest ${tag}`,
        g1(
          (v) => tf.image.resizeNearestNeighbor(v as T4, size as never, ac, hp),
          () => vals(x as never, "sin"),
        ),
      ),
    );
  }
  cases.push(
    c(
      "pad",
      g1(
        (v) =>
          tf.pad(
            v,
            [
              [1, 2],
              [0, 3],
            ],
            -2,
          ),
        () => vals([3, 4], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "mirrorPad reflect",
      g1(
        (v) =>
          tf.mirrorPad(
            v,
            [
              [1, 2],
              [2, 1],
            ],
            "reflect",
          ),
        () => vals([4, 5], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "mirrorPad symmetric",
      g1(
        (v) =>
          tf.mirrorPad(
            v,
            [
              [2, 2],
              [1, 3],
            ],
            "symmetric",
          ),
        () => vals([4, 5], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "slice",
      g1(
        (v) => tf.slice(v, [1, 2], [2, 3]),
        () => vals([4, 6], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "gather axis1 repeats",
      g1(
        (v) => tf.gather(v, tf.tensor1d([2, 0, 2, 4, 2], "int32"), 1),
        () => vals([3, 5, 2], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "unsortedSegmentSum",
      g1(
        (v) => tf.unsortedSegmentSum(v, tf.tensor1d([2, 0, 2, 3, 0], "int32"), 4),
        () => vals([5, 3], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "tile",
      g1(
        (v) => tf.tile(v, [2, 3, 1]),
        () => vals([2, 3, 2], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "cumsum",
      g1(
        (v) => tf.cumsum(v, 1),
        () => vals([3, 5], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "cumsum exclusive reverse",
      g1(
        (v) => tf.cumsum(v, 1, true, true),
        () => vals([4, 3], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "reverse",
      g1(
        (v) => tf.reverse(v, [0, 2]),
        () => vals([2, 3, 4], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "concat",
      g1(
        (v) => tf.concat([v, tf.neg(v), tf.slice(v, [0, 1], [3, 2])], 1),
        () => vals([3, 4], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "split",
      g1(
        (v) => tf.concat(tf.split(v, [1, 3, 2], 1).reverse(), 1),
        () => vals([3, 6], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "transpose",
      g1(
        (v) => tf.transpose(v, [2, 0, 1]),
        () => vals([2, 3, 4], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "batchToSpace/spaceToBatch",
      g1(
        (v) =>
          tf.batchToSpaceND(
            tf.spaceToBatchND(
              v,
              [2, 2],
              [
                [1, 1],
                [0, 2],
              ],
            ),
            [2, 2],
            [
              [0, 0],
              [1, 0],
            ],
          ),
        () => vals([1, 4, 4, 2], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "lrn",
      g1(
        (v) => tf.localResponseNormalization(v as T4, 2, 1.5, 0.7, 0.6),
        () => vals([1, 3, 3, 6], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "dilation2d",
      g2(
        (a, w) => tf.dilation2d(a as T4, w as tf.Tensor3D, 2, "same"),
        () => vals([1, 6, 5, 2], "sin"),
        () => vals([3, 2, 2], "cos", 2),
      ),
    ),
  );
  cases.push(
    c(
      "prelu",
      g2(
        (a, w) => tf.prelu(a, w),
        () => vals([3, 4], "sin"),
        () => vals([4], "cos", 2),
      ),
    ),
  );
  cases.push(
    c(
      "elu/selu/relu6/leaky",
      g1(
        (v) => tf.addN([tf.elu(v), tf.selu(v), tf.relu6(tf.mul(v, 8)), tf.leakyRelu(v, 0.3)]),
        () => vals([4, 5], "sin"),
      ),
    ),
  );
  cases.push(
    c(
      "fused matMul relu bias",
      g2(
        (a, w) => tf.fused.matMul({ a, b: w, bias: tf.ones([3]), activation: "relu" }),
        () => vals([4, 5], "sin"),
        () => vals([5, 3], "cos", 2),
      ),
    ),
  );
  cases.push(
    c(
      "fused conv2d",
      g2(
        (a, w) =>
          tf.fused.conv2d({
            x: a as T4,
            filter: w as T4,
            strides: 2,
            pad: "same",
            bias: tf.ones([3]),
            activation: "elu",
          }),
        () => vals([1, 5, 5, 2], "sin"),
        () => vals([3, 3, 2, 3], "cos", 2),
      ),
    ),
  );
  cases.push(
    c(
      "fused depthwise",
      g2(
        (a, w) =>
          tf.fused.depthwiseConv2d({
            x: a as T4,
            filter: w as T4,
            strides: 2,
            pad: "same",
            bias: tf.ones([4]),
            activation: "relu",
          }),
        () => vals([1, 5, 5, 2], "sin"),
        () => vals([3, 3, 2, 2], "cos", 2),
      ),
    ),
  );
  cases.push(
    c(
      "batchNorm",
      g2(
        (a, w) => tf.batchNorm(a, tf.mean(a, 0), tf.add(tf.moments(a, 0).variance, 0.1), w, tf.ones([3])),
        () => vals([4, 3], "sin"),
        () => vals([3], "cos", 2),
      ),
    ),
  );
  cases.push(
    c(
      "max/min reduce",
      g1(
        (v) => tf.add(tf.max(v, 1), tf.min(v, 0)),
        () => vals([4, 4], "neg"),
      ),
    ),
  );
  cases.push(
    c(
      "softmax/logSoftmax",
      g1(
        (v) => tf.add(tf.softmax(v), tf.logSoftmax(v)),
        () => vals([3, 5], "sin"),
      ),
    ),
  );
  return cases;
}
