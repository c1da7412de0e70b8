import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { wasmHeapOffset as heapOffset } from "../../util/tfjs_internals.js";
import { heapKernels } from "../../wasm/heap_loops.js";

/**
 * Wraps the wasm `AvgPoolGrad` kernel with a heap loop for non-overlapping, unpadded windows
 * (stride = window, the usual `avgPool(x, 2, 2, 'valid')`): each input cell gets its window's
 * output gradient divided by the window size. The built-in kernel takes about 30 ms on
 * [64, 28, 28, 32]; the loop about a tenth of that, and a WebAssembly SIMD row loop
 * (`src/wasm/heap_loops.ts`, when the channels come in fours) a tenth again.
 */
export function fastAvgPoolGrad(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: "valid" | "same" | number;
      dimRoundingMode?: "floor" | "round" | "ceil";
    };
    if (input.dtype !== "float32" || input.shape.length !== 4) return original(args);
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { padInfo: p } = info;
    const kh = info.filterHeight;
    const kw = info.filterWidth;
    if (
      kh !== info.strideHeight ||
      kw !== info.strideWidth ||
      p.top !== 0 ||
      p.left !== 0 ||
      p.bottom !== 0 ||
      p.right !== 0 ||
      info.outHeight * kh > info.inHeight ||
      info.outWidth * kw > info.inWidth
    ) {
      return original(args);
    }
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(input.shape, "float32");
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
    const scale = 1 / (kh * kw);
    // Rows / columns past the last full window get no gradient.
    if (oh * kh < h || ow * kw < w) dx.fill(0);
    const simd = c % 4 === 0 ? heapKernels(backend) : null;
    if (simd !== null) {
      const gBase = heapOffset(backend, dy.dataId);
      const dBase = heapOffset(backend, out.dataId);
      const scale32 = Math.fround(scale);
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh * kh; y++) {
          const gRow = (b * oh + Math.floor(y / kh)) * ow * c;
          const dRow = (b * h + y) * w * c;
          simd.poolGradRow(gBase + gRow * 4, dBase + dRow * 4, ow, kw, c * 4, scale32);
        }
      }
      return out;
    }
    for (let b = 0; b < n; b++) {
      for (let y = 0; y < oh * kh; y++) {
        const gRow = (b * oh + Math.floor(y / kh)) * ow * c;
        const dRow = (b * h + y) * w * c;
        for (let x = 0; x < ow * kw; x++) {
          const gi = gRow + Math.floor(x / kw) * c;
          const di = dRow + x * c;
          for (let ch = 0; ch < c; ch++) dx[di + ch] = g[gi + ch]! * scale;
        }
      }
    }
    return out;
  };
}
