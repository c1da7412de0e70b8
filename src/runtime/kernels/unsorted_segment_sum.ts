import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/**
 * `UnsortedSegmentSum` for wasm (the gradient of `gather`, so embeddings train): one pass over
 * the input directly on the wasm heap. The cpu kernel loops over every segment with a full-size
 * mask (O(segments · size)); this is O(size). Ids outside `[0, numSegments)` are dropped, as on
 * cpu and in TensorFlow.
 */
export const unsortedSegmentSum: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const idRank = segmentIds.shape.length;
  const rowShape = x.shape.slice(idRank);
  const row = tf.util.sizeFromShape(rowShape);
  const count = tf.util.sizeFromShape(segmentIds.shape);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  // Views are taken after makeOutput: allocating may grow (and so detach) the wasm heap.
  const outVals = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const xVals = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array | Float32Array;
  outVals.fill(0);
  for (let i = 0; i < count; i++) {
    const s = ids[i]!;
    if (!(s >= 0 && s < numSegments)) continue;
    const o = s * row;
    const xo = i * row;
    for (let j = 0; j < row; j++) outVals[o + j]! += xVals[xo + j]!;
  }
  return out;
};
