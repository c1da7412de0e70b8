import type * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** Reads a float32 tensor's values (a heap view on wasm: read, never write). */
export type Reader = (t: tf.TensorInfo) => Float32Array;

/**
 * Makes a float32 output of `shape` filled by `fill` on any backend: on wasm `fill` writes the
 * output's heap memory and reads its inputs' in place; elsewhere (cpu) it works on copies and the
 * result is written once. Lets one host loop serve as a kernel of both backends.
 */
export function hostOutput(
  backend: tf.KernelBackend,
  shape: number[],
  fill: (out: Float32Array, read: Reader) => void,
): tf.TensorInfo {
  if ("typedArrayFromHeap" in backend) {
    const wasm = backend as unknown as BackendWasm;
    const out = wasm.makeOutput(shape, "float32");
    // Views after makeOutput: allocating may grow (and so detach) the wasm heap.
    fill(wasm.typedArrayFromHeap(out) as Float32Array, (t) => wasm.typedArrayFromHeap(t) as Float32Array);
    return out;
  }
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(values, (t) => Float32Array.from(backend.readSync(t.dataId) as ArrayLike<number>));
  return { dataId: backend.write(values, shape, "float32"), shape, dtype: "float32" };
}
