import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { wasmHeapOffset as heapOffset } from "../../util/tfjs_internals.js";
import { heapKernels } from "../../wasm/heap_loops.js";

let acc = new Float64Array(256);

/** `dst[c] = sum_r src[r * cols + c]`, accumulated in float64 in `a`. A function of its own so the
 * loop gets compiled for the arrays it sees rather than inside the kernel's closure. */
function sumRows(
  src: Float32Array | Int32Array,
  rows: number,
  cols: number,
  a: Float64Array,
  dst: Float32Array | Int32Array,
): void {
  a.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) a[c]! += src[base + c]!;
  }
  for (let c = 0; c < cols; c++) dst[c] = a[c]!;
}

/**
 * Wraps the wasm `Sum` kernel with a one-pass heap loop for reductions over leading axes (every
 * bias gradient: `[batch, ..., features]` summed to `[features]`). The built-in kernel first
 * transposes the whole input so the reduced axes come last, which costs more than the sum
 * (about 15 ms of a 125 ms CNN training step). Accumulates in float64 like the cpu backend, with
 * a WebAssembly SIMD loop (`src/wasm/heap_loops.ts`) for float32, a JavaScript loop otherwise.
 */
export function fastSum(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    if (x.dtype !== "float32" && x.dtype !== "int32") return original(args);
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const k = axes.length;
    // Only leading axes, and not all of them (a full reduction needs no transpose anyway).
    if (k === 0 || k >= rank || axes[k - 1] !== k - 1) return original(args);
    const backend = args.backend as BackendWasm;
    const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
    const cols = tf.util.sizeFromShape(x.shape.slice(k));
    const outShape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
    const out = backend.makeOutput(outShape, x.dtype);
    const simd = x.dtype === "float32" ? heapKernels(backend) : null;
    if (simd !== null && cols >= 4) {
      // float64 accumulators in the heap, next to the data the SIMD loop reads.
      const scratch = backend.makeOutput([cols * 2], "float32");
      try {
        const view = backend.typedArrayFromHeap(scratch);
        if (view.byteOffset % 8 === 0) {
          const heapAcc = new Float64Array(view.buffer, view.byteOffset, cols);
          const from = backend.typedArrayFromHeap(x) as Float32Array;
          const to = backend.typedArrayFromHeap(out) as Float32Array;
          heapAcc.fill(0);
          const cols4 = cols & ~3;
          simd.sumRows(heapOffset(backend, x.dataId), view.byteOffset, rows, cols4 * 4, cols * 4);
          for (let c = cols4; c < cols; c++) for (let r = 0; r < rows; r++) heapAcc[c]! += from[r * cols + c]!;
          for (let c = 0; c < cols; c++) to[c] = heapAcc[c]!;
          return out;
        }
      } finally {
        backend.disposeData(scratch.dataId);
      }
    }
    if (acc.length < cols) acc = new Float64Array(cols);
    sumRows(
      backend.typedArrayFromHeap(x) as Float32Array | Int32Array,
      rows,
      cols,
      acc,
      backend.typedArrayFromHeap(out) as Float32Array | Int32Array,
    );
    return out;
  };
}
