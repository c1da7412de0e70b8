import * as tf from "@tensorflow/tfjs-core";

/**
 * Ops that give every tfjs kernel reachable from the public API at least one zero-size input,
 * used by `empty.test.ts` and by `tools/audit_wasm_empty.ts`. Each case returns its outputs;
 * a case whose outputs are non-empty is the interesting kind (the kernel must compute them from
 * nothing rather than read its input's memory).
 */
export interface EmptyCase {
  name: string;
  run: () => tf.Tensor | tf.Tensor[];
}

/** A case as written below: `tf.grads` and multi-output ops type their outputs as optional. */
interface LooseCase {
  name: string;
  run: () => tf.Tensor | (tf.Tensor | undefined)[];
}

const z = (shape: number[], dtype: tf.DataType = "float32") => tf.zeros(shape, dtype);
const r = (shape: number[], seed = 1) => {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 7.3 + i * 1.7)),
    shape,
  );
};
const i32 = (values: number[], shape?: number[]) => tf.tensor(values, shape ?? [values.length], "int32");
type T4 = tf.Tensor4D;
type T5 = tf.Tensor5D;

const unary: [string, (x: tf.Tensor) => tf.Tensor][] = [
  ["abs", tf.abs],
  ["acos", tf.acos],
  ["acosh", tf.acosh],
  ["asin", tf.asin],
  ["asinh", tf.asinh],
  ["atan", tf.atan],
  ["atanh", tf.atanh],
  ["ceil", tf.ceil],
  ["cos", tf.cos],
  ["cosh", tf.cosh],
  ["elu", tf.elu],
  ["erf", tf.erf],
  ["exp", tf.exp],
  ["expm1", tf.expm1],
  ["floor", tf.floor],
  ["isFinite", tf.isFinite],
  ["isInf", tf.isInf],
  ["isNaN", tf.isNaN],
  ["log", tf.log],
  ["log1p", tf.log1p],
  ["neg", tf.neg],
  ["reciprocal", tf.reciprocal],
  ["relu", tf.relu],
  ["relu6", tf.relu6],
  ["round", tf.round],
  ["rsqrt", tf.rsqrt],
  ["selu", tf.selu],
  ["sigmoid", tf.sigmoid],
  ["sign", tf.sign],
  ["sin", tf.sin],
  ["sinh", tf.sinh],
  ["softplus", tf.softplus],
  ["sqrt", tf.sqrt],
  ["square", tf.square],
  ["step", (x) => tf.step(x)],
  ["tan", tf.tan],
  ["tanh", tf.tanh],
  ["leakyRelu", (x) => tf.leakyRelu(x)],
  ["clipByValue", (x) => tf.clipByValue(x, -1, 1)],
  ["cast", (x) => tf.cast(x, "int32")],
  ["logicalNot", (x) => tf.logicalNot(tf.cast(x, "bool"))],
  ["onesLike", tf.onesLike],
  ["zerosLike", tf.zerosLike],
  ["softmax", (x) => tf.softmax(x)],
  ["logSoftmax", (x) => tf.logSoftmax(x)],
];

const binary: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ["add", tf.add],
  ["sub", tf.sub],
  ["mul", tf.mul],
  ["div", tf.div],
  ["floorDiv", tf.floorDiv],
  ["mod", tf.mod],
  ["pow", tf.pow],
  ["maximum", tf.maximum],
  ["minimum", tf.minimum],
  ["atan2", tf.atan2],
  ["squaredDifference", tf.squaredDifference],
  ["equal", tf.equal],
  ["notEqual", tf.notEqual],
  ["greater", tf.greater],
  ["greaterEqual", tf.greaterEqual],
  ["less", tf.less],
  ["lessEqual", tf.lessEqual],
  ["prelu", tf.prelu],
  ["logicalAnd", (a, b) => tf.logicalAnd(tf.cast(a, "bool"), tf.cast(b, "bool"))],
  ["logicalOr", (a, b) => tf.logicalOr(tf.cast(a, "bool"), tf.cast(b, "bool"))],
  ["logicalXor", (a, b) => tf.logicalXor(tf.cast(a, "bool"), tf.cast(b, "bool"))],
];

function reductions(): LooseCase[] {
  const out: LooseCase[] = [];
  const ops: [string, (x: tf.Tensor, axis?: number | number[], keep?: boolean) => tf.Tensor][] = [
    ["sum", tf.sum],
    ["mean", tf.mean],
    ["prod", tf.prod],
    ["max", tf.max],
    ["min", tf.min],
    ["logSumExp", tf.logSumExp],
    ["euclideanNorm", tf.euclideanNorm],
    ["all", (x, a, k) => tf.all(tf.cast(x, "bool"), a, k)],
    ["any", (x, a, k) => tf.any(tf.cast(x, "bool"), a, k)],
  ];
  for (const [name, op] of ops) {
    out.push({ name: `${name} over the empty last axis of [4, 0]`, run: () => op(z([4, 0]), 1) });
    out.push({ name: `${name} over the empty first axis of [0, 3] (keepDims)`, run: () => op(z([0, 3]), 0, true) });
    out.push({ name: `${name} of all of [2, 0, 3]`, run: () => op(z([2, 0, 3])) });
    out.push({ name: `${name} over the empty middle axis of [2, 0, 3]`, run: () => op(z([2, 0, 3]), 1) });
  }
  for (const [name, op] of [
    ["sum", tf.sum],
    ["prod", tf.prod],
    ["max", tf.max],
    ["min", tf.min],
  ] as const) {
    out.push({ name: `${name} of int32 [3, 0] over axis 1`, run: () => op(z([3, 0], "int32"), 1) });
  }
  out.push({
    name: "moments over the empty axis of [4, 0]",
    run: () => {
      const m = tf.moments(z([4, 0]), 1);
      return [m.mean, m.variance];
    },
  });
  out.push({
    name: "argMax / argMin over an empty axis",
    run: () => [tf.argMax(z([4, 0]), 1), tf.argMin(z([0, 3]), 0)],
  });
  out.push({
    name: "norm (L1, L2, inf) of [0]",
    run: () => [tf.norm(z([0]), 1), tf.norm(z([0]), 2), tf.norm(z([0]), Infinity)],
  });
  return out;
}

function matmuls(): LooseCase[] {
  return [
    { name: "matMul [4, 0] x [0, 3]", run: () => tf.matMul(z([4, 0]), z([0, 3])) },
    {
      name: "matMul [4, 0]ᵀᵀ (transposeA / transposeB)",
      run: () => [tf.matMul(z([0, 4]), z([3, 0]), true, true), tf.matMul(z([0, 4]), z([0, 3]), true, false)],
    },
    {
      name: "batched matMul [2, 4, 0] x [2, 0, 3] and broadcast [2, 4, 0] x [0, 3]",
      run: () => [tf.matMul(z([2, 4, 0]), z([2, 0, 3])), tf.matMul(z([2, 4, 0]), z([0, 3]))],
    },
    {
      name: "fused matMul [4, 0] x [0, 3] + bias, relu",
      run: () => tf.fused.matMul({ a: z([4, 0]), b: z([0, 3]), bias: r([3]), activation: "relu" }),
    },
    {
      name: "fused matMul batched [2, 4, 0] x [2, 0, 3] + bias [4, 3], elu",
      run: () => tf.fused.matMul({ a: z([2, 4, 0]), b: z([2, 0, 3]), bias: r([4, 3]), activation: "elu" }),
    },
    { name: "dot / outerProduct with empty vectors", run: () => [tf.dot(z([0]), z([0])), tf.dot(z([3, 0]), z([0]))] },
    {
      name: "einsum ij,jk->ik with j = 0, and i,i->",
      run: () => [tf.einsum("ij,jk->ik", z([4, 0]), r([0, 3])), tf.einsum("i,i->", z([0]), z([0]))],
    },
    {
      name: "matMul gradient with an empty batch: dW = xᵀ·dy over 0 rows",
      run: () => tf.grad((w: tf.Tensor) => tf.sum(tf.matMul(z([0, 4]), w)))(r([4, 3])),
    },
  ];
}

function convolutions(): LooseCase[] {
  const conv2dGrads = (x: number[], f: number[], stride: number, pad: "same" | "valid") => () =>
    tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv2d(a as T4, w as T4, stride, pad)))([r(x), r(f, 2)]);
  return [
    {
      name: "conv2d with 0 input channels",
      run: () => tf.conv2d(z([1, 4, 4, 0]) as T4, z([3, 3, 0, 2]) as T4, 1, "same"),
    },
    {
      name: "conv2d strided with 0 input channels",
      run: () => tf.conv2d(z([2, 5, 5, 0]) as T4, z([3, 3, 0, 2]) as T4, 2, "valid"),
    },
    {
      name: "conv2d with an empty batch",
      run: () => tf.conv2d(z([0, 4, 4, 1]) as T4, r([3, 3, 1, 2]) as T4, 1, "same"),
    },
    {
      name: "fused conv2d with 0 input channels + bias, relu",
      run: () =>
        tf.fused.conv2d({
          x: z([1, 4, 4, 0]) as T4,
          filter: z([3, 3, 0, 2]) as T4,
          strides: 1,
          pad: "same",
          bias: r([2]),
          activation: "relu",
        }),
    },
    {
      name: "conv2d grads, filter larger than the input (VALID: empty output)",
      run: conv2dGrads([1, 2, 2, 1], [3, 3, 1, 2], 1, "valid"),
    },
    { name: "conv2d grads, 0 output channels", run: conv2dGrads([1, 4, 4, 2], [3, 3, 2, 0], 1, "same") },
    { name: "conv2d grads, empty batch", run: conv2dGrads([0, 4, 4, 2], [3, 3, 2, 3], 2, "same") },
    {
      name: "conv2dTranspose with 0 input channels",
      run: () => tf.conv2dTranspose(z([1, 3, 3, 0]) as T4, z([3, 3, 2, 0]) as T4, [1, 5, 5, 2], 2, "same"),
    },
    {
      name: "conv1d with 0 input channels",
      run: () => tf.conv1d(z([1, 5, 0]) as tf.Tensor3D, z([3, 0, 2]) as tf.Tensor3D, 1, "same"),
    },
    {
      name: "depthwiseConv2d grads, filter larger than the input (VALID)",
      run: () =>
        tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as T4, w as T4, 1, "valid")))([
          r([1, 2, 2, 2]),
          r([3, 3, 2, 2], 2),
        ]),
    },
    {
      name: "depthwiseConv2d and fused, channel multiplier 2, filter larger than the input (VALID: empty output)",
      run: () => [
        tf.depthwiseConv2d(r([1, 2, 2, 2]) as T4, r([3, 3, 2, 2], 2) as T4, 1, "valid"),
        tf.fused.depthwiseConv2d({
          x: r([1, 2, 2, 2]) as T4,
          filter: r([3, 3, 2, 2], 2) as T4,
          strides: 1,
          pad: "valid",
          bias: r([4]),
        }),
        tf.fused.conv2d({
          x: r([1, 2, 2, 2]) as T4,
          filter: r([3, 3, 2, 2], 2) as T4,
          strides: 1,
          pad: "valid",
          bias: r([2]),
        }),
        tf.dilation2d(r([1, 2, 2, 2]) as T4, r([3, 3, 2], 2) as tf.Tensor3D, 1, "valid"),
      ],
    },
    {
      name: "depthwiseConv2d grads, empty batch",
      run: () =>
        tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as T4, w as T4, 1, "same")))([
          r([0, 4, 4, 2]),
          r([3, 3, 2, 2], 2),
        ]),
    },
    {
      name: "depthwiseConv2d with channel multiplier 0",
      run: () => tf.depthwiseConv2d(r([1, 4, 4, 2]) as T4, z([3, 3, 2, 0]) as T4, 1, "same"),
    },
    {
      name: "fused depthwiseConv2d with an empty batch + bias",
      run: () =>
        tf.fused.depthwiseConv2d({
          x: z([0, 4, 4, 2]) as T4,
          filter: r([3, 3, 2, 1]) as T4,
          strides: 1,
          pad: "same",
          bias: r([2]),
        }),
    },
    {
      name: "separableConv2d with 0 input channels",
      run: () => tf.separableConv2d(z([1, 4, 4, 0]) as T4, z([3, 3, 0, 1]) as T4, z([1, 1, 0, 2]) as T4, 1, "same"),
    },
    {
      name: "conv3d with 0 input channels",
      run: () => tf.conv3d(z([1, 3, 3, 3, 0]) as T5, z([2, 2, 2, 0, 2]) as T5, 1, "same"),
    },
    {
      name: "conv3d grads, filter larger than the input (VALID)",
      run: () =>
        tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv3d(a as T5, w as T5, 1, "valid")))([
          r([1, 2, 2, 2, 1]),
          r([3, 3, 3, 1, 2], 2),
        ]),
    },
    {
      name: "conv3d grads, empty batch",
      run: () =>
        tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv3d(a as T5, w as T5, 1, "same")))([
          r([0, 3, 3, 3, 1]),
          r([2, 2, 2, 1, 2], 2),
        ]),
    },
    {
      name: "conv3dTranspose with 0 input channels",
      run: () => tf.conv3dTranspose(z([1, 2, 2, 2, 0]) as T5, z([2, 2, 2, 2, 0]) as T5, [1, 4, 4, 4, 2], 2, "same"),
    },
    {
      name: "dilation2d grads with an empty batch",
      run: () =>
        tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.dilation2d(a as T4, w as tf.Tensor3D, 1, "same")))([
          r([0, 4, 4, 2]),
          r([2, 2, 2], 2),
        ]),
    },
  ];
}

function pooling(): LooseCase[] {
  const grad = (f: (x: tf.Tensor) => tf.Tensor, shape: number[]) => () =>
    tf.grad((x: tf.Tensor) => tf.sum(f(x)))(r(shape));
  return [
    {
      name: "maxPool / avgPool grads, window larger than the input (VALID: empty output)",
      run: () => [
        grad((x) => tf.maxPool(x as T4, 3, 1, "valid"), [1, 2, 2, 1])(),
        grad((x) => tf.avgPool(x as T4, 3, 1, "valid"), [1, 2, 2, 1])(),
      ],
    },
    {
      name: "maxPool3d / avgPool3d grads, window larger than the input (VALID)",
      run: () => [
        grad((x) => tf.maxPool3d(x as T5, 3, 1, "valid"), [1, 2, 2, 2, 1])(),
        grad((x) => tf.avgPool3d(x as T5, 3, 1, "valid"), [1, 2, 2, 2, 1])(),
      ],
    },
    {
      name: "pooling and grads with an empty batch or 0 channels",
      run: () => [
        tf.maxPool(z([0, 4, 4, 1]) as T4, 2, 2, "same"),
        tf.avgPool(z([1, 4, 4, 0]) as T4, 2, 2, "same"),
        grad((x) => tf.maxPool(x as T4, 2, 2, "same"), [0, 4, 4, 2])(),
        grad((x) => tf.avgPool(x as T4, 2, 2, "same"), [2, 4, 4, 0])(),
        grad((x) => tf.maxPool3d(x as T5, 2, 2, "same"), [0, 4, 4, 4, 1])(),
        grad((x) => tf.avgPool3d(x as T5, 2, 2, "same"), [1, 4, 4, 4, 0])(),
      ],
    },
    {
      name: "maxPoolWithArgmax with an empty batch",
      run: () => {
        const m = tf.maxPoolWithArgmax(z([0, 4, 4, 1]) as T4, 2, 2, "same");
        return [m.result, m.indexes!];
      },
    },
    {
      name: "localResponseNormalization and its grad with 0 channels",
      run: () => grad((x) => tf.localResponseNormalization(x as T4), [1, 3, 3, 0])(),
    },
  ];
}

function shapes(): LooseCase[] {
  return [
    {
      name: "pad [0, 3] to [2, 5] with a constant",
      run: () =>
        tf.pad(
          z([0, 3]),
          [
            [1, 1],
            [1, 1],
          ],
          2.5,
        ),
    },
    {
      name: "pad int32 [2, 0] to [2, 2]",
      run: () =>
        tf.pad(
          z([2, 0], "int32"),
          [
            [0, 0],
            [1, 1],
          ],
          4,
        ),
    },
    {
      name: "pad's gradient (slice) of an empty input",
      run: () =>
        tf.grad((x: tf.Tensor) =>
          tf.sum(
            tf.pad(
              x,
              [
                [1, 1],
                [0, 0],
              ],
              3,
            ),
          ),
        )(z([0, 3])),
    },
    {
      name: "mirrorPad of [2, 0]",
      run: () =>
        tf.mirrorPad(
          z([2, 0]),
          [
            [1, 1],
            [0, 0],
          ],
          "symmetric",
        ),
    },
    {
      name: "concat [2, 0] with [2, 3] (and the reverse)",
      run: () => [
        tf.concat([z([2, 0]), r([2, 3])], 1),
        tf.concat([r([2, 3]), z([2, 0])], 1),
        tf.concat([z([0, 3]), r([2, 3])], 0),
      ],
    },
    {
      name: "concat's gradient through an empty piece",
      run: () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.concat([a, b], 1))))([z([2, 0]), r([2, 3])]),
    },
    {
      name: "stack / unstack / split / tile / reverse / transpose of empties",
      run: () => [
        tf.stack([z([0, 2]), z([0, 2])]),
        ...tf.unstack(z([2, 0])),
        ...tf.split(z([4, 0]), 2),
        tf.tile(z([2, 0]), [3, 2]),
        tf.tile(r([2, 3]), [0, 1]),
        tf.reverse(z([3, 0]), 0),
        tf.transpose(z([3, 0, 2])),
      ],
    },
    {
      name: "slice / stridedSlice to and from empties",
      run: () => [
        tf.slice(r([3, 4]), [1, 2], [2, 0]),
        tf.stridedSlice(r([3, 4]), [0, 2], [3, 2]),
        tf.stridedSlice(z([3, 0]), [1, 0], [3, 0]),
        tf.slice(z([3, 0]), [1, 0], [2, 0]),
      ],
    },
    {
      name: "gather of an empty index list, and from an empty axis",
      run: () => [
        tf.gather(r([4, 3]), i32([])),
        tf.gather(z([4, 0]), i32([1, 3])),
        tf.gather(r([4, 3]), i32([], [2, 0]), 1),
      ],
    },
    {
      name: "gather's gradient with no indices",
      run: () => tf.grad((x: tf.Tensor) => tf.sum(tf.gather(x, i32([]))))(r([4, 3])),
    },
    {
      name: "gatherND with no indices",
      run: () => [tf.gatherND(r([4, 3]), i32([], [0, 1])), tf.gatherND(r([4, 3]), i32([], [2, 0]))],
    },
    { name: "scatterND with no updates", run: () => tf.scatterND(i32([], [0, 1]), z([0, 3]), [4, 3]) },
    {
      name: "tensorScatterUpdate with no updates",
      run: () => tf.tensorScatterUpdate(r([4, 3]), i32([], [0, 1]), z([0, 3])),
    },
    { name: "sparseToDense with no values", run: () => tf.sparseToDense(i32([], [0, 1]), z([0]), [5], tf.scalar(3)) },
    { name: "unsortedSegmentSum of no rows", run: () => tf.unsortedSegmentSum(z([0, 3]), i32([]) as tf.Tensor1D, 4) },
    {
      name: "bincount / denseBincount of no values",
      run: () => [
        tf.bincount(i32([]) as tf.Tensor1D, z([0]) as tf.Tensor1D, 4),
        tf.denseBincount(i32([]) as tf.Tensor1D, z([0]) as tf.Tensor1D, 4),
        tf.denseBincount(i32([], [2, 0]) as tf.Tensor2D, z([0]) as unknown as tf.Tensor2D, 3),
      ],
    },
    { name: "oneHot of no indices", run: () => tf.oneHot(i32([]), 3) },
    {
      name: "cumsum / cumprod along an empty axis and of empties",
      run: () => [tf.cumsum(z([3, 0]), 1), tf.cumprod(z([0, 3]), 0), tf.cumsum(z([0, 3]), 1, true, true)],
    },
    { name: "where / select of empties", run: () => tf.where(tf.cast(z([0, 2]), "bool"), z([0, 2]), z([0, 2])) },
    { name: "addN of empties", run: () => tf.addN([z([2, 0]), z([2, 0]), z([2, 0])]) },
    {
      name: "broadcastTo and broadcastArgs of empties",
      run: () => [
        tf.broadcastTo(z([1, 0]), [3, 0]),
        tf.broadcastArgs(i32([2, 0]), i32([1])),
        tf.broadcastArgs(i32([]), i32([3])),
      ],
    },
    {
      name: "batchToSpaceND / spaceToBatchND / depthToSpace of empties",
      run: () => [
        tf.batchToSpaceND(
          z([4, 1, 1, 0]),
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
        ),
        tf.spaceToBatchND(
          z([1, 2, 2, 0]),
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
        ),
        tf.depthToSpace(z([0, 2, 2, 4]) as T4, 2),
      ],
    },
    {
      name: "diag / range / fill / eye of size 0",
      run: () => [tf.diag(z([0])), tf.range(0, 0), tf.fill([0, 3], 2), tf.eye(0)],
    },
    {
      name: "topk with k = 0 and of an empty batch",
      run: () => {
        const a = tf.topk(r([3, 4]), 0);
        const b = tf.topk(z([0, 4]), 2);
        return [a.values, a.indices, b.values, b.indices];
      },
    },
    {
      name: "unique of an empty vector",
      run: () => {
        const u = tf.unique(z([0]));
        return [u.values, u.indices];
      },
    },
    {
      name: "batchNorm of an empty batch",
      run: () => tf.batchNorm(z([0, 3]), r([3]), tf.add(r([3], 3), 2), r([3], 4), r([3], 5)),
    },
    {
      name: "resizeBilinear / resizeNearestNeighbor and grads of an empty batch",
      run: () => [
        tf.image.resizeBilinear(z([0, 2, 2, 1]) as T4, [4, 4]),
        tf.image.resizeNearestNeighbor(z([1, 2, 2, 0]) as T4, [4, 4]),
        tf.grad((x: tf.Tensor) => tf.sum(tf.image.resizeBilinear(x as T4, [4, 4])))(r([0, 2, 2, 1])),
        tf.grad((x: tf.Tensor) => tf.sum(tf.image.resizeNearestNeighbor(x as T4, [4, 4])))(r([1, 2, 2, 0])),
      ],
    },
    {
      name: "cropAndResize with no boxes, flipLeftRight / rotate / transform of an empty batch",
      run: () => [
        tf.image.cropAndResize(r([1, 4, 4, 1]) as T4, z([0, 4]) as tf.Tensor2D, i32([]) as tf.Tensor1D, [2, 2]),
        tf.image.flipLeftRight(z([0, 2, 2, 1]) as T4),
        tf.image.rotateWithOffset(z([0, 2, 2, 1]) as T4, 0.5),
        tf.image.transform(z([0, 2, 2, 1]) as T4, z([0, 8]) as tf.Tensor2D),
      ],
    },
    {
      name: "nonMaxSuppression (plain, padded, with scores) with no boxes",
      run: () => {
        const boxes = z([0, 4]) as tf.Tensor2D;
        const scores = z([0]) as tf.Tensor1D;
        const padded = tf.image.nonMaxSuppressionPadded(boxes, scores, 3, 0.5, -Infinity, true);
        const scored = tf.image.nonMaxSuppressionWithScore(boxes, scores, 3, 0.5, -Infinity, 0.5);
        return [
          tf.image.nonMaxSuppression(boxes, scores, 3),
          padded.selectedIndices,
          padded.validOutputs,
          scored.selectedIndices,
          scored.selectedScores,
        ];
      },
    },

    {
      name: "sparse ops with no entries",
      run: () => {
        const indices = i32([], [0, 2]) as tf.Tensor2D;
        const none = i32([]) as tf.Tensor1D;
        const f = tf.sparse.sparseFillEmptyRows(
          indices,
          z([0]) as tf.Tensor1D,
          i32([3, 4]) as tf.Tensor1D,
          tf.scalar(7),
        );
        const s = tf.sparse.sparseReshape(indices, i32([2, 6]) as tf.Tensor1D, i32([3, 4]) as tf.Tensor1D);
        return [
          f.outputIndices,
          f.outputValues,
          f.emptyRowIndicator,
          f.reverseIndexMap,
          s.outputIndices,
          s.outputShape,
          tf.sparse.sparseSegmentSum(r([4, 3]), none, none),
          tf.sparse.sparseSegmentMean(r([4, 3]), none, none),
        ];
      },
    },
  ];
}

function elementwise(): LooseCase[] {
  const out: LooseCase[] = [];
  for (const [name, op] of unary) out.push({ name: `${name} of [2, 0]`, run: () => op(z([2, 0])) });
  for (const [name, op] of binary) {
    out.push({
      name: `${name} of [0, 3] with [1, 3] (broadcast)`,
      run: () => [op(z([0, 3]), tf.add(r([1, 3]), 2)), op(z([2, 0]), z([2, 0]))],
    });
  }
  out.push({ name: "bitwiseAnd of [2, 0] int32", run: () => tf.bitwiseAnd(z([2, 0], "int32"), z([2, 0], "int32")) });
  out.push({
    name: "eluGrad, and a mean's gradient, of empties",
    run: () => tf.grad((x: tf.Tensor) => tf.mean(tf.elu(x)))(z([2, 0])),
  });
  return out;
}

/** Every case, in a stable order. */
export function emptyCases(): EmptyCase[] {
  const all = [...reductions(), ...matmuls(), ...convolutions(), ...pooling(), ...shapes(), ...elementwise()];
  return all.map(({ name, run }) => ({
    name,
    run: () => {
      const out = run();
      if (!Array.isArray(out)) return out;
      return out.map((t, i) => {
        if (t === undefined) throw new Error(`empty case '${name}': output ${i} is undefined`);
        return t;
      });
    },
  }));
}

/** Frees and reuses wasm heap memory full of `value`, so a kernel that reads an empty input's
 * (unwritten) buffer or leaves its output unwritten shows it. */
export function poisonHeap(value = 7): void {
  for (const size of [1 << 16, 4096, 256, 16, 4]) tf.fill([size], value).dispose();
}
