import * as tf from "@tensorflow/tfjs-core";
import { BackendError } from "../../util/errors.js";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/**
 * Calls another wasm kernel directly (no engine round trip, no tape, no Tensor objects), so a
 * kernel can be composed from wasm's own fast kernels. The result is a fresh TensorInfo the
 * caller owns: free it with {@link free} unless it is returned.
 *
 * @category Runtime
 */
export function call(
  name: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(name, "wasm");
  if (kernel == null) {
    throw new BackendError(
      "hk.ready() (wasm kernels)",
      `the wasm kernel '${name}' is not registered`,
      'import "@tensorflow/tfjs-backend-wasm" before "haiku-tfjs".',
    );
  }
  return kernel.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
}

/**
 * Releases intermediate TensorInfos made by {@link call} (each holds one buffer reference).
 */
export function free(backend: BackendWasm, ...infos: (tf.TensorInfo | undefined)[]): void {
  for (const info of infos) if (info !== undefined) backend.disposeData(info.dataId);
}

/**
 * A copy of `x` in a fresh buffer (the `Identity` kernel shares buffers once the runtime is
 * installed; XNNPACK's cache needs a new buffer id, not a new reference).
 */
export function copy(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const out = backend.makeOutput(x.shape, x.dtype);
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x));
  return out;
}

/**
 * A reshape shares the buffer (the wasm Reshape kernel only bumps its reference count).
 */
export function reshape(backend: BackendWasm, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return call(tf.Reshape, backend, { x }, { shape });
}

/**
 * Materialises `x` with its axes permuted.
 */
export function transpose(backend: BackendWasm, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return call(tf.Transpose, backend, { x }, { perm });
}

/**
 * Pads `x` by `before[i]` / `after[i]` on each axis where negative amounts crop instead, so callers
 * can ask for "exactly this extent" without case analysis. Returns `x` itself (not a copy) when
 * nothing changes; compare with `x` before freeing.
 */
export function padOrCrop(backend: BackendWasm, x: tf.TensorInfo, before: number[], after: number[]): tf.TensorInfo {
  let needPad = false;
  let needCrop = false;
  for (let i = 0; i < x.shape.length; i++) {
    const b = before[i] ?? 0;
    const a = after[i] ?? 0;
    if (b > 0 || a > 0) needPad = true;
    if (b < 0 || a < 0) needCrop = true;
  }
  let out = x;
  if (needPad) {
    const paddings = x.shape.map((_, i) => [Math.max(0, before[i] ?? 0), Math.max(0, after[i] ?? 0)]);
    out = call(tf.PadV2, backend, { x }, { paddings, constantValue: 0 });
  }
  if (needCrop) {
    const begin = out.shape.map((_, i) => Math.max(0, -(before[i] ?? 0)));
    const size = out.shape.map((d, i) => d - Math.max(0, -(before[i] ?? 0)) - Math.max(0, -(after[i] ?? 0)));
    const cropped = call(tf.Slice, backend, { x: out }, { begin, size });
    if (out !== x) free(backend, out);
    out = cropped;
  }
  return out;
}
