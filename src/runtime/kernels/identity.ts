import type * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/**
 * Wraps the wasm `Identity` kernel so that it shares the input's buffer (one more reference, as
 * the wasm `Reshape` kernel and the cpu backend's `Identity` do) instead of copying it. tfjs
 * clones every tensor a gradient saves for the backward pass, so on wasm each training step
 * copied its large activations for nothing: four [64, 28, 28, 32] copies, about 3 ms of a CNN
 * step. Tensors are immutable (kernels never write into their inputs, `Variable.assign` swaps
 * buffers), so sharing is safe; string tensors keep the original kernel.
 */
export function sharingIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string") return original(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
