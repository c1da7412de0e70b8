import * as tf from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../util/errors.js";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { call, copy, free, reshape } from "./wasm_ops.js";

// Facts about tfjs-backend-wasm 4.22's matmul (src/cc/batch_mat_mul_impl.cc), which this wrapper
// works around:
// - only an untransposed product with batch 1 on both sides runs on XNNPACK (20+ GFLOP/s); any
//   transpose flag or batch > 1 takes a naive loop (1-2 GFLOP/s with strided transposed reads);
// - that loop adds the bias by flat output index clamped to the bias length, so rows 1.. of each
//   matrix get the wrong bias (the fused kernel is wrong whenever it takes the loop);
// - the XNNPACK operator (with B packed inside) is cached by B's buffer id alone, so a buffer used
//   again as B under another [K, N] (e.g. through a reshape, which shares the id) reuses a stale
//   operator: wrong values and out-of-bounds reads.

const ACTIVATION_KERNELS: Readonly<Record<string, string>> = {
  relu: tf.Relu,
  relu6: tf.Relu6,
  elu: tf.Elu,
  sigmoid: tf.Sigmoid,
};

/** [K, N] each B buffer was first multiplied as, to keep XNNPACK's id-keyed cache truthful. */
const packedAs = new WeakMap<object, string>();

function batchSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length - 2; i++) n *= shape[i] ?? 1;
  return n;
}

function swapLastTwo(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  // Always a fresh buffer: sharing B's id under a new shape would poison XNNPACK's cache.
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
  return call(tf.Transpose, backend, { x }, { perm });
}

// Repeats x along its batch axes up to `batch` (right-aligned, like broadcasting).
function tileBatch(backend: BackendWasm, x: tf.TensorInfo, batch: number[]): tf.TensorInfo {
  const r = x.shape.length;
  const shape = [...new Array<number>(batch.length + 2 - r).fill(1), ...x.shape];
  const reps = shape.map((d, i) => (i < batch.length ? (batch[i] ?? 1) / d : 1));
  const full = reshape(backend, x, shape);
  try {
    return call(tf.Tile, backend, { x: full }, { reps });
  } finally {
    free(backend, full);
  }
}

/**
 * Applies `_FusedMatMul`'s bias and activation with separate wasm kernels (for products that
 * must take the naive loop, whose bias is wrong).
 */
function epilogue(
  backend: BackendWasm,
  product: tf.TensorInfo,
  inputs: tf.NamedTensorInfoMap,
  attrs: { activation?: string; leakyreluAlpha?: number },
): tf.TensorInfo {
  let out = product;
  const { bias, preluActivationWeights } = inputs;
  const step = (next: tf.TensorInfo) => {
    free(backend, out);
    out = next;
  };
  try {
    if (bias != null) step(call(tf.Add, backend, { a: out, b: bias }));
    const activation = attrs.activation ?? "linear";
    if (activation === "linear") return out;
    if (activation === "prelu") {
      step(call(tf.Prelu, backend, { x: out, alpha: preluActivationWeights! }));
    } else if (activation === "leakyrelu") {
      step(call(tf.LeakyRelu, backend, { x: out }, { alpha: attrs.leakyreluAlpha ?? 0.2 }));
    } else {
      const kernel = ACTIVATION_KERNELS[activation];
      if (kernel === undefined) {
        throw new InvalidArgumentError(
          "tf.fused.matMul (haiku-tfjs wasm kernel)",
          `\`activation\` '${activation}' is not supported on wasm; expected linear, relu, relu6, elu, sigmoid, prelu or leakyrelu`,
          "use one of those activations, or apply yours after an unfused tf.matMul.",
        );
      }
      step(call(kernel, backend, { x: out }));
    }
    return out;
  } catch (e) {
    free(backend, out);
    throw e;
  }
}

// XNNPACK caches its operator (B packed inside) by B's buffer id alone: a buffer first packed
// under another [K, N] is passed as a copy.
function truthfulB(backend: BackendWasm, b: tf.TensorInfo, keep: (t: tf.TensorInfo) => tf.TensorInfo): tf.TensorInfo {
  const key = `${b.shape[b.shape.length - 2]},${b.shape[b.shape.length - 1]}`;
  const seen = packedAs.get(b.dataId);
  if (seen === undefined) packedAs.set(b.dataId, key);
  else if (seen !== key) return keep(copy(backend, b));
  return b;
}

/**
 * Computes an unbatched, unfused product as (Bᵀ·Aᵀ)ᵀ when that moves fewer floats. XNNPACK
 * repacks its B operand (a full copy) for every new tensor; for `dY·Wᵀ` with a large W (a
 * backward pass), transposing W and packing it costs 2·K·N while the swapped form costs a small
 * transpose of dY, a small pack and one transpose of the output. Returns undefined to decline.
 */
function swappedProduct(
  original: tf.KernelFunc,
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  inputs: tf.NamedTensorInfoMap,
  attrs: { transposeA?: boolean; transposeB?: boolean; activation?: string },
  keep: (t: tf.TensorInfo) => tf.TensorInfo,
): tf.TensorInfo | undefined {
  if (inputs.bias != null || (attrs.activation ?? "linear") !== "linear") return undefined;
  if (batchSize(a.shape) !== 1 || batchSize(b.shape) !== 1) return undefined;
  const tA = attrs.transposeA === true;
  const tB = attrs.transposeB === true;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = a.shape[tA ? ra - 1 : ra - 2] ?? 1;
  const k = a.shape[tA ? ra - 2 : ra - 1] ?? 1;
  const n = b.shape[tB ? rb - 2 : rb - 1] ?? 1;
  const direct = (tA ? m * k : 0) + (tB ? k * n : 0) + k * n;
  const viaSwap = (tB ? 0 : k * n) + (tA ? 0 : m * k) + k * m + m * n;
  if (!(viaSwap * 1.25 < direct)) return undefined;
  // Aᵀ stored as given when transposeA ([K, M]), Bᵀ likewise when transposeB ([N, K]).
  const left = keep(
    tB
      ? reshape(backend, b, [1, n, k])
      : call(tf.Transpose, backend, { x: reshape3(backend, b, k, n, keep) }, { perm: [0, 2, 1] }),
  );
  let right = keep(
    tA
      ? reshape(backend, a, [1, k, m])
      : call(tf.Transpose, backend, { x: reshape3(backend, a, m, k, keep) }, { perm: [0, 2, 1] }),
  );
  right = truthfulB(backend, right, keep);
  const productT = keep(
    original({
      inputs: { a: left, b: right },
      backend,
      attrs: { transposeA: false, transposeB: false, activation: "linear" },
    }) as tf.TensorInfo,
  );
  const product = keep(call(tf.Transpose, backend, { x: productT }, { perm: [0, 2, 1] }));
  const outShape = tf.backend_util
    .assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))
    .concat([m, n]);
  return reshape(backend, product, outShape);
}

/**
 * Multiply-adds per matrix from which a batched product runs as one XNNPACK product per batch
 * entry rather than the naive loop (measured: 128x64x128 per entry 2.6x faster, 64x64x64 slower:
 * creating an XNNPACK operator per entry costs about as much as the naive product of that size).
 */
const PER_BATCH_MIN_MACS = 1 << 20;

// A batched product as XNNPACK products of its batch entries (operands already share the full
// batch shape). Output: [...batch, M, N].
function perBatchProduct(
  original: tf.KernelFunc,
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  m: number,
  k: number,
  n: number,
): tf.TensorInfo {
  const batch = a.shape.slice(0, -2);
  const count = batchSize(a.shape);
  const made: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (made.push(t), t);
  try {
    const a3 = keep(reshape(backend, a, [count, m, k]));
    const b3 = keep(reshape(backend, b, [count, k, n]));
    const parts: tf.TensorInfo[] = [];
    for (let i = 0; i < count; i++) {
      const ai = call(tf.Slice, backend, { x: a3 }, { begin: [i, 0, 0], size: [1, m, k] });
      let bi: tf.TensorInfo | undefined;
      try {
        bi = call(tf.Slice, backend, { x: b3 }, { begin: [i, 0, 0], size: [1, k, n] });
        const plain = { transposeA: false, transposeB: false, activation: "linear" };
        parts.push(keep(original({ inputs: { a: ai, b: bi }, backend, attrs: plain }) as tf.TensorInfo));
      } finally {
        // Freed at once: each slice holds an XNNPACK operator until its buffer goes.
        free(backend, ai, bi);
      }
    }
    const stacked = keep(call(tf.Concat, backend, parts as unknown as tf.NamedTensorInfoMap, { axis: 0 }));
    return reshape(backend, stacked, [...batch, m, n]);
  } finally {
    free(backend, ...made);
  }
}

function reshape3(
  backend: BackendWasm,
  x: tf.TensorInfo,
  rows: number,
  cols: number,
  keep: (t: tf.TensorInfo) => tf.TensorInfo,
): tf.TensorInfo {
  return x.shape.length === 3 ? x : keep(reshape(backend, x, [1, rows, cols]));
}

/**
 * Wraps a wasm matmul kernel (`BatchMatMul` or `_FusedMatMul`) so every product it can express
 * as one batch-1 untransposed matmul runs on XNNPACK: transposed operands are materialised with
 * the wasm Transpose kernel (backprop of every matmul asks for `dY·Wᵀ` and `Xᵀ·dY`), and a
 * batched A against an unbatched B is folded into one tall matrix. Products that still need the
 * naive loop get their bias and activation from separate kernels.
 */
export function fastMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const attrs = args.attrs as unknown as {
      transposeA?: boolean;
      transposeB?: boolean;
      activation?: string;
      leakyreluAlpha?: number;
    };
    const { a, b, bias } = args.inputs;
    if (a === undefined || b === undefined) return original(args);
    const made: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo) => {
      made.push(t);
      return t;
    };
    try {
      const swapped = swappedProduct(original, backend, a, b, args.inputs, attrs, keep);
      if (swapped !== undefined) return swapped;
      let a2 = attrs.transposeA ? keep(swapLastTwo(backend, a)) : a;
      let b2 = attrs.transposeB ? keep(swapLastTwo(backend, b)) : b;
      const m = a2.shape[a2.shape.length - 2] ?? 1;
      const k = a2.shape[a2.shape.length - 1] ?? 1;
      const n = b2.shape[b2.shape.length - 1] ?? 1;
      const batchA = batchSize(a2.shape);
      const batchB = batchSize(b2.shape);
      if (batchB > 1) {
        // The naive loop does not broadcast batch axes: give both operands the full batch shape.
        const outBatch = tf.backend_util.assertAndGetBroadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
        const total = outBatch.reduce((x, y) => x * y, 1);
        if (batchA !== total) a2 = keep(tileBatch(backend, a2, outBatch));
        if (batchB !== total) b2 = keep(tileBatch(backend, b2, outBatch));
      }
      const plain = { ...args.attrs, transposeA: false, transposeB: false };
      const activation = attrs.activation ?? "linear";
      const fusedExtras = bias != null || activation !== "linear";
      // The kernel takes only a rank-1 bias, and the naive loop (batch > 1 on both sides) gets
      // any bias wrong: those run the bare product and add bias / activation separately.
      const separate = fusedExtras && (batchB > 1 || (bias != null && bias.shape.length !== 1));
      const inputs = separate ? { a: a2, b: b2 } : { ...args.inputs, a: a2, b: b2 };
      const kernelAttrs = separate ? { ...plain, activation: "linear" } : plain;
      let out: tf.TensorInfo;
      if (batchB === 1) {
        // One tall [batchA·M, K] x [K, N] product runs on XNNPACK.
        const outShape = tf.backend_util
          .assertAndGetBroadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2))
          .concat([m, n]);
        if (a2.shape.length !== 3 || batchA > 1) a2 = keep(reshape(backend, a2, [1, batchA * m, k]));
        if (b2.shape.length !== 3) b2 = keep(reshape(backend, b2, [1, k, n]));
        b2 = truthfulB(backend, b2, keep);
        const flat = original({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: kernelAttrs }) as tf.TensorInfo;
        if (tf.util.arraysEqual(flat.shape, outShape)) out = flat;
        else {
          out = reshape(backend, flat, outShape);
          free(backend, flat);
        }
      } else if (m * k * n >= PER_BATCH_MIN_MACS) {
        out = perBatchProduct(original, backend, a2, b2, m, k, n);
      } else {
        out = original({ inputs, backend, attrs: kernelAttrs }) as tf.TensorInfo;
      }
      return separate ? epilogue(backend, out, args.inputs, attrs) : out;
    } finally {
      free(backend, ...made);
    }
  };
}
