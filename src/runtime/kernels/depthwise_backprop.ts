import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { call, free, padOrCrop, reshape } from "./wasm_ops.js";

interface DepthwiseGradAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

// Inserts (stride - 1) zeros after every row and column of an NHWC tensor, using only rank-3
// pads (a view of each axis as [outer, 1, inner] padded to [outer, stride, inner]).
function dilateSpatial(backend: BackendWasm, x: tf.TensorInfo, sH: number, sW: number): tf.TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const made: tf.TensorInfo[] = [];
  try {
    let cur = x;
    if (sW > 1) {
      const v = reshape(backend, cur, [n * h * w, 1, c]);
      made.push(v);
      cur = call(
        tf.PadV2,
        backend,
        { x: v },
        {
          paddings: [
            [0, 0],
            [0, sW - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      made.push(cur);
    }
    if (sH > 1) {
      const v = reshape(backend, cur, [n * h, 1, w * sW * c]);
      made.push(v);
      cur = call(
        tf.PadV2,
        backend,
        { x: v },
        {
          paddings: [
            [0, 0],
            [0, sH - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      made.push(cur);
    }
    return reshape(backend, cur, [n, h * sH, w * sW, c]);
  } finally {
    free(backend, ...made);
  }
}

/**
 * `DepthwiseConv2dNativeBackpropInput` for wasm, as a wasm depthwise convolution: dx is dy (with
 * stride - 1 zeros inserted between rows and columns, then padded by effective filter size - 1 -
 * forward pad) correlated with the spatially flipped filter at the forward dilation; channel
 * multipliers M > 1 are convolved as C·M channels and summed.
 */
export const depthwiseBackpropInput: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseGradAttrs & {
    inputShape: [number, number, number, number];
  };
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const [fh, fw, c, m] = filter.shape as [number, number, number, number];
  const [n, h, w] = inputShape;
  const made: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (made.push(t), t);
  let result: tf.TensorInfo | undefined;
  try {
    const flipped = keep(call(tf.Reverse, backend, { x: filter }, { dims: [0, 1] }));
    const kernel = keep(reshape(backend, flipped, [fh, fw, c * m, 1]));
    let d = dy;
    if (info.strideHeight > 1 || info.strideWidth > 1) {
      d = keep(dilateSpatial(backend, dy, info.strideHeight, info.strideWidth));
    }
    const { top, left } = info.padInfo;
    const padded = padOrCrop(
      backend,
      d,
      [0, info.effectiveFilterHeight - 1 - top, info.effectiveFilterWidth - 1 - left, 0],
      [0, h + top - info.outHeight * info.strideHeight, w + left - info.outWidth * info.strideWidth, 0],
    );
    if (padded !== d) made.push(padded);
    result = call(tf.DepthwiseConv2dNative, backend, { x: padded, filter: kernel }, {
      strides: [1, 1],
      dilations: [info.dilationHeight, info.dilationWidth],
      pad: "valid",
    } as unknown as tf.NamedAttrMap);
    if (m > 1) {
      const split = keep(reshape(backend, result, [n, h, w, c, m]));
      keep(result);
      result = call(tf.Sum, backend, { x: split }, { axis: [4], keepDims: false });
    }
    return result;
  } finally {
    free(backend, ...made);
  }
};

let acc = new Float64Array(0);

/**
 * `DepthwiseConv2dNativeBackpropFilter` for wasm: one pass over the wasm heap,
 * dW[i,j,c,m] = Σ_{n,y,x} x[n, y·s + i·d - pad, x·s + j·d - pad, c] · dy[n, y, x, c·M + m],
 * accumulated in float64. A depthwise filter gradient has no channel contraction for XNNPACK to
 * speed up; composing it from wasm slice / multiply / sum kernels took twice as long (135 ms
 * against 62 ms for a 3x3 filter on [32, 28, 28, 64]; the cpu backend takes seconds).
 */
export const depthwiseBackpropFilter: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseGradAttrs & {
    filterShape: [number, number, number, number];
  };
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const [fh, fw, c, m] = filterShape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW } = info;
  const { top, left } = info.padInfo;
  const size = fh * fw * c * m;
  const out = backend.makeOutput(filterShape, "float32");
  // Views after makeOutput: allocating may grow (and so detach) the wasm heap.
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const gv = backend.typedArrayFromHeap(dy) as Float32Array;
  const ov = backend.typedArrayFromHeap(out) as Float32Array;
  if (acc.length < size) acc = new Float64Array(size);
  acc.fill(0, 0, size);
  const cm = c * m;
  for (let bn = 0; bn < n; bn++) {
    for (let y = 0; y < oh; y++) {
      for (let xq = 0; xq < ow; xq++) {
        const g0 = ((bn * oh + y) * ow + xq) * cm;
        for (let i = 0; i < fh; i++) {
          const iy = y * sH + i * dH - top;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < fw; j++) {
            const ix = xq * sW + j * dW - left;
            if (ix < 0 || ix >= w) continue;
            const x0 = ((bn * h + iy) * w + ix) * c;
            const a0 = (i * fw + j) * cm;
            if (m === 1) {
              for (let ch = 0; ch < c; ch++) acc[a0 + ch]! += xv[x0 + ch]! * gv[g0 + ch]!;
            } else {
              for (let ch = 0; ch < c; ch++) {
                const xval = xv[x0 + ch]!;
                const base = ch * m;
                for (let k = 0; k < m; k++) acc[a0 + base + k]! += xval * gv[g0 + base + k]!;
              }
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < size; i++) ov[i] = acc[i]!;
  return out;
};
