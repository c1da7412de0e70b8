/**
 * Adam's per-element update as one kernel: one pass over `g`, `mu`, `nu` instead of the twelve
 * elementwise kernels (each a full pass over memory) that the composed ops take. On the MLP
 * 784-512-512-10 this is about a fifth of a wasm training step.
 *
 * Bit-exact with the composed ops: every operation is rounded to float32 (`Math.fround`) in the
 * order the composed ops run, and float64 arithmetic followed by one rounding gives the correctly
 * rounded float32 result of `+ - * / sqrt`, as the wasm and cpu kernels compute them.
 *
 * On wasm the loop is a WebAssembly SIMD kernel working in the backend's own memory
 * (`src/wasm/adam.ts`); the JavaScript loop here covers the last few elements, the cpu backend, and
 * wasm builds whose memory cannot be imported. Other backends, other dtypes and updates being
 * differentiated use the composed ops.
 *
 * @internal
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

import { wasmHeapOffset as heapOffset, cpuBackendValues } from "../util/tfjs_internals.js";
import { adamKernelFor } from "../wasm/adam.js";

/** The kernel's name in the tfjs kernel registry. */
const KERNEL = "HaikuTfjsScaleByAdam";

/** Adam's hyper-parameters and this step's bias corrections (all float32 values). */
export interface AdamCoefficients {
  b1: number;
  oneMinusB1: number;
  b2: number;
  oneMinusB2: number;
  eps: number;
  epsRoot: number;
  /** `1 - b1^count`. */
  bc1: number;
  /** `1 - b2^count`. */
  bc2: number;
  /** `1 - b1^(count+1)`; used with `nesterov`. */
  bc1Next: number;
  nesterov: boolean;
}

const f = Math.fround;

/**
 * Writes `mu`, `nu` and the update of elements `start..` into `mOut`, `vOut`, `uOut`; the same
 * float32 operations, in the same order, as `scaleByAdam`'s composed ops.
 */
function adamLoop(
  g: Float32Array,
  m0: Float32Array,
  v0: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  uOut: Float32Array,
  c: AdamCoefficients,
  start = 0,
): void {
  const b1 = f(c.b1),
    c1b1 = f(c.oneMinusB1),
    b2 = f(c.b2),
    c1b2 = f(c.oneMinusB2);
  const eps = f(c.eps),
    epsRoot = f(c.epsRoot),
    bc1 = f(c.bc1),
    bc2 = f(c.bc2),
    bc1Next = f(c.bc1Next);
  const n = g.length;
  const nesterov = c.nesterov;
  for (let i = start; i < n; i++) {
    const gi = g[i]!;
    const m = f(f(c1b1 * gi) + f(b1 * m0[i]!));
    const v = f(f(c1b2 * f(gi * gi)) + f(b2 * v0[i]!));
    mOut[i] = m;
    vOut[i] = v;
    const mHat = nesterov ? f(f(b1 * f(m / bc1Next)) + f(c1b1 * f(gi / bc1))) : f(m / bc1);
    const vHat = f(v / bc2);
    uOut[i] = f(mHat / f(f(Math.sqrt(epsRoot === 0 ? vHat : f(vHat + epsRoot))) + eps));
  }
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

/** The SIMD kernel's variant for these coefficients. */
function variant(c: AdamCoefficients): "adam" | "adamEpsRoot" | "nadam" | "nadamEpsRoot" {
  const withRoot = Math.fround(c.epsRoot) !== 0;
  return c.nesterov ? (withRoot ? "nadamEpsRoot" : "nadam") : withRoot ? "adamEpsRoot" : "adam";
}

type Inputs = { g: tf.TensorInfo; mu: tf.TensorInfo; nu: tf.TensorInfo };

const wasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { g, mu, nu } = inputs as Inputs;
  const b = backend as unknown as WasmBackendLike;
  const c = attrs as unknown as AdamCoefficients;
  // Allocate every output before taking heap views: an allocation may grow (and detach) the heap.
  const outs = [b.makeOutput(g.shape, "float32"), b.makeOutput(g.shape, "float32"), b.makeOutput(g.shape, "float32")];
  const n = tf.util.sizeFromShape(g.shape);
  const simd = adamKernelFor(backend);
  let done = 0;
  if (simd !== null) {
    done = n & ~3;
    const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
    simd[variant(c)](
      at(g),
      at(mu),
      at(nu),
      at(outs[0]!),
      at(outs[1]!),
      at(outs[2]!),
      done * 4,
      c.b1,
      c.oneMinusB1,
      c.b2,
      c.oneMinusB2,
      c.eps,
      c.epsRoot,
      c.bc1,
      c.bc2,
      c.bc1Next,
    );
  }
  if (done < n) {
    const view = (t: tf.TensorInfo) => b.typedArrayFromHeap(t) as Float32Array;
    adamLoop(view(g), view(mu), view(nu), view(outs[0]!), view(outs[1]!), view(outs[2]!), c, done);
  }
  return outs;
};

const cpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { g, mu, nu } = inputs as Inputs;
  const b = backend as unknown as {
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  };
  const read = (t: tf.TensorInfo) => cpuBackendValues(backend, t.dataId) as Float32Array;
  const n = tf.util.sizeFromShape(g.shape);
  const m = new Float32Array(n),
    v = new Float32Array(n),
    u = new Float32Array(n);
  adamLoop(read(g), read(mu), read(nu), m, v, u, attrs as unknown as AdamCoefficients);
  return [
    b.makeTensorInfo(g.shape, "float32", m),
    b.makeTensorInfo(g.shape, "float32", v),
    b.makeTensorInfo(g.shape, "float32", u),
  ];
};

for (const [backendName, kernelFunc] of [
  ["wasm", wasmKernel],
  ["cpu", cpuKernel],
] as const) {
  if (tf.getKernel(KERNEL, backendName) === undefined)
    tf.registerKernel({ kernelName: KERNEL, backendName, kernelFunc });
}

/**
 * Whether {@link fusedAdam} can update these leaves now: float32 tensors of one shape, on a
 * backend with the kernel, and no gradient being recorded (the kernel has no gradient, so code
 * that differentiates through an optimizer step gets the composed ops).
 */
export function canFuseAdam(g: tf.Tensor, mu: tf.Tensor, nu: tf.Tensor): boolean {
  if (g.dtype !== "float32" || mu.dtype !== "float32" || nu.dtype !== "float32") return false;
  if (!tf.util.arraysEqual(g.shape, mu.shape) || !tf.util.arraysEqual(g.shape, nu.shape)) return false;
  if (tf.engine().isTapeOn()) return false;
  return tf.getKernel(KERNEL, tf.getBackend()) !== undefined;
}

/** `[mu, nu, update]` of one leaf in one kernel (check {@link canFuseAdam} first). */
export function fusedAdam(
  g: tf.Tensor,
  mu: tf.Tensor,
  nu: tf.Tensor,
  c: AdamCoefficients,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(KERNEL, { g, mu, nu }, c as unknown as tf.NamedAttrMap) as unknown as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
}
