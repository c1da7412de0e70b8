import * as tf from "@tensorflow/tfjs-core";
import { fastAvgPoolGrad } from "./avg_pool_grad.js";
import { fastMatMul } from "./batch_matmul.js";
import { fastSum } from "./sum_leading.js";
import { conv2DBackpropFilter } from "./conv2d_backprop_filter.js";
import { depthwiseBackpropFilter, depthwiseBackpropInput } from "./depthwise_backprop.js";
import { einsum } from "./einsum.js";
import { sharingIdentity } from "./identity.js";
import { unsortedSegmentSum } from "./unsorted_segment_sum.js";

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
  [tf.AvgPoolGrad]: fastAvgPoolGrad,
  [tf.Identity]: sharingIdentity,
};

/**
 * Registers the filled wasm kernels and the wrappers of built-in ones. Idempotent: a second call (or a
 * second copy of the package) changes nothing; a kernel tfjs already provides is never replaced.
 *
 * @category Runtime
 */
export function installWasmKernels(): void {
  const done = installed();
  for (const [kernelName, kernelFunc] of Object.entries(FILLED_KERNELS)) {
    if (done.has(kernelName) || tf.getKernel(kernelName, "wasm") != null) continue;
    const config: tf.KernelConfig = { kernelName, backendName: "wasm", kernelFunc };
    tf.registerKernel(config);
    done.set(kernelName, config);
  }
  for (const [kernelName, wrap] of Object.entries(WRAPPED_KERNELS)) {
    const original = tf.getKernel(kernelName, "wasm");
    if (original == null || done.get(kernelName) === original) continue;
    const config: tf.KernelConfig = {
      ...original,
      // setupFunc (cwrap of the C function the original kernelFunc calls) must still run when
      // the engine (re)initialises the wasm backend.
      kernelFunc: wrap(original.kernelFunc),
    };
    tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel(config);
    done.set(kernelName, config);
  }
}
