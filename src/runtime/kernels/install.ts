import * as tf from "@tensorflow/tfjs-core";
import { fastAvgPoolGrad } from "./avg_pool_grad.js";
import { fastMatMul } from "./batch_matmul.js";
import { fastSum } from "./sum_leading.js";
import { conv2DBackpropFilter } from "./conv2d_backprop_filter.js";
import { depthwiseBackpropFilter, depthwiseBackpropInput } from "./depthwise_backprop.js";
import { einsum } from "./einsum.js";
import { cpuWhenEmpty } from "./empty_inputs.js";
import { REDUCTION_KERNELS, emptyReduction } from "./empty_reductions.js";
import { CONV2D_KERNELS, emptyConvOutput } from "./empty_outputs.js";
import { SAME_PADDED_KERNELS, explicitSamePadding } from "./explicit_same.js";
import { sharingIdentity } from "./identity.js";
import { unsortedSegmentSum } from "./unsorted_segment_sum.js";
import { maxPool3DGrad, maxPoolGrad } from "./max_pool_grad.js";
import { conv3DBackpropFilter, conv3DBackpropInput } from "./conv3d_backprop.js";
import { resizeBilinearGrad, resizeNearestNeighborGrad } from "./resize_grad.js";
import { paddedAvgPool3DGrad, paddedAvgPoolGrad } from "./avg_pool_grad_padded.js";

// Shared through globalThis so two copies of this package (e.g. a bundle plus the app's) see one
// another's work, as tfjs' own kernel registry does.
const INSTALLED = Symbol.for("haiku-tfjs.runtime.wasmKernels");
type Registry = Map<string, tf.KernelConfig>;
function installed(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[INSTALLED] ??= new Map());
}

/**
 * Kernels tfjs-backend-wasm 4.22 lacks, each composed from wasm kernels (or a host loop).
 *
 * @category Runtime
 */
export const FILLED_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropInput]: depthwiseBackpropInput,
  [tf.UnsortedSegmentSum]: unsortedSegmentSum,
  [tf.Einsum]: einsum,
};

/**
 * Built-in wasm kernels wrapped with a faster (or correct) path; the original runs otherwise.
 *
 * @category Runtime
 */
export const WRAPPED_KERNELS: Readonly<Record<string, (original: tf.KernelFunc) => tf.KernelFunc>> = {
  [tf.BatchMatMul]: fastMatMul,
  [tf._FusedMatMul]: fastMatMul,
  [tf.Sum]: fastSum,
  [tf.Identity]: sharingIdentity,
  // Wrong for SAME-padded windows (full-window divisor): the exact adjoint there.
  [tf.AvgPoolGrad]: (original) => fastAvgPoolGrad(paddedAvgPoolGrad(original)),
  [tf.AvgPool3DGrad]: paddedAvgPool3DGrad,
  // Wrong on wasm (SAME padding taken as 0, not -inf): replaced outright.
  [tf.MaxPoolGrad]: () => maxPoolGrad,
  [tf.MaxPool3DGrad]: () => maxPool3DGrad,
  // Wrong on wasm for most filters and paddings: replaced by the cpu backend's loops.
  [tf.Conv3DBackpropInputV2]: () => conv3DBackpropInput,
  [tf.Conv3DBackpropFilterV2]: () => conv3DBackpropFilter,
  // halfPixelCenters ignored: replaced by the adjoints of the forward resizes.
  [tf.ResizeBilinearGrad]: () => resizeBilinearGrad,
  [tf.ResizeNearestNeighborGrad]: () => resizeNearestNeighborGrad,
};

/**
 * cpu kernels of tfjs-backend-cpu 4.22 replaced or wrapped because they are wrong (the same
 * defects as their wasm counterparts; see `WRAPPED_KERNELS`). Reductions over nothing are
 * handled for both backends by `emptyReduction`.
 *
 * @category Runtime
 */
export const WRAPPED_CPU_KERNELS: Readonly<Record<string, (original: tf.KernelFunc) => tf.KernelFunc>> = {
  [tf.AvgPoolGrad]: paddedAvgPoolGrad,
  [tf.AvgPool3DGrad]: paddedAvgPool3DGrad,
  [tf.ResizeBilinearGrad]: () => resizeBilinearGrad,
  [tf.ResizeNearestNeighborGrad]: () => resizeNearestNeighborGrad,
};

/**
 * The guard every wasm kernel gets for zero-size inputs: reductions give their identity
 * (`emptyReduction`), every other kernel runs on cpu (`cpuWhenEmpty`); 2-D convolutions with
 * an empty output skip the kernel (`emptyConvOutput`).
 */
function emptyGuard(kernelName: string): (original: tf.KernelFunc) => tf.KernelFunc {
  if (REDUCTION_KERNELS.includes(kernelName)) return emptyReduction(kernelName);
  const inputs = cpuWhenEmpty(kernelName);
  if (!CONV2D_KERNELS.includes(kernelName)) return inputs;
  const outputs = emptyConvOutput(kernelName);
  return (original) => inputs(outputs(original));
}

function replace(done: Registry, key: string, original: tf.KernelConfig, kernelFunc: tf.KernelFunc): void {
  // setupFunc (cwrap of the C function the original kernelFunc calls) must still run when the
  // engine (re)initialises the wasm backend.
  const config: tf.KernelConfig = { ...original, kernelFunc };
  tf.unregisterKernel(original.kernelName, original.backendName);
  tf.registerKernel(config);
  done.set(key, config);
}

/**
 * Registers the filled wasm kernels and the wrappers of built-in ones, puts every wasm kernel
 * behind the zero-size-input guard, and fixes the cpu backend's reductions over nothing,
 * average-pool gradients and resize gradients too. Idempotent: a second call (or a second copy
 * of the package) changes nothing; a kernel tfjs already provides is never replaced.
 *
 * @category Runtime
 */
export function installWasmKernels(): void {
  const done = installed();
  for (const [kernelName, kernelFunc] of Object.entries(FILLED_KERNELS)) {
    if (done.has(kernelName) || tf.getKernel(kernelName, "wasm") != null) continue;
    const config: tf.KernelConfig = { kernelName, backendName: "wasm", kernelFunc: emptyGuard(kernelName)(kernelFunc) };
    tf.registerKernel(config);
    done.set(kernelName, config);
  }
  for (const { kernelName } of tf.getKernelsForBackend("wasm")) {
    const original = tf.getKernel(kernelName, "wasm")!;
    if (done.get(kernelName) === original) continue;
    const wrap = WRAPPED_KERNELS[kernelName];
    let fast = wrap === undefined ? original.kernelFunc : wrap(original.kernelFunc);
    if (SAME_PADDED_KERNELS.includes(kernelName)) fast = explicitSamePadding(kernelName)(fast);
    replace(done, kernelName, original, emptyGuard(kernelName)(fast));
  }
  for (const kernelName of [...REDUCTION_KERNELS, ...Object.keys(WRAPPED_CPU_KERNELS)]) {
    const original = tf.getKernel(kernelName, "cpu");
    if (original == null || done.get(`cpu:${kernelName}`) === original) continue;
    const wrap = WRAPPED_CPU_KERNELS[kernelName] ?? emptyReduction(kernelName);
    replace(done, `cpu:${kernelName}`, original, wrap(original.kernelFunc));
  }
}
