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
      cur = call(tf.PadV2, backend, { x: v }, { paddings: [[0, 0], [0, sW - 1], [0, 0]], constantValue: 0 });
      made.push(cur);
    }
    if (sH > 1) {
      const v = reshape(backend, cur, [n * h, 1, w * sW * c]);
      made.push(v);
      cur = call(tf.PadV2, backend, { x: v }, { paddings: [[0, 0], [0, sH - 1], [0, 0]], constantValue: 0 });
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
 *
 * @category Runtime
 */
export const depthwiseBackpropInput: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as DepthwiseGradAttrs & { inputShape: [number, number, number, number] };
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number],
    strides, dilations, pad, dimRoundingMode, true);
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
    const padded = padOrCrop(backend, d,
      [0, info.effectiveFilterHeight - 1 - top, info.effectiveFilterWidth - 1 - left, 0],
      [0, h + top - info.outHeight * info.strideHeight, w + left - info.outWidth * info.strideWidth, 0]);
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

/**
 * `DepthwiseConv2dNativeBackpropFilter` for wasm: for each filter tap (i, j), the (strided,
 * dilated) window of the padded input times dy, summed over batch and space, all with wasm
 * kernels.
 *
 * @category Runtime
 */
export const depthwiseBackpropFilter: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseGradAttrs & { filterShape: [number, number, number, number] };
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape,
    strides, dilations, pad, dimRoundingMode, true);
  const [fh, fw, c, m] = filterShape;
  const [n, h, w] = x.shape as [number, number, number, number];
  const { outHeight: oh, outWidth: ow, strideHeight: sH, strideWidth: sW } = info;
  const dH = info.dilationHeight;
  const dW = info.dilationWidth;
  const needH = (oh - 1) * sH + info.effectiveFilterHeight;
  const needW = (ow - 1) * sW + info.effectiveFilterWidth;
  const made: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (made.push(t), t);
  try {
    const xP = padOrCrop(backend, x, [0, info.padInfo.top, info.padInfo.left, 0],
      [0, needH - h - info.padInfo.top, needW - w - info.padInfo.left, 0]);
    if (xP !== x) made.push(xP);
    const dyM = m > 1 ? keep(reshape(backend, dy, [n, oh, ow, c, m])) : dy;
    const taps: tf.TensorInfo[] = [];
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        let win = sH === 1 && sW === 1
          ? keep(call(tf.Slice, backend, { x: xP }, { begin: [0, i * dH, j * dW, 0], size: [n, oh, ow, c] }))
          : keep(call(tf.StridedSlice, backend, { x: xP }, {
            begin: [0, i * dH, j * dW, 0],
            end: [n, i * dH + (oh - 1) * sH + 1, j * dW + (ow - 1) * sW + 1, c],
            strides: [1, sH, sW, 1],
            beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
          }));
        if (m > 1) win = keep(reshape(backend, win, [n, oh, ow, c, 1]));
        const prod = keep(call(tf.Multiply, backend, { a: win, b: dyM }));
        const tap = keep(call(tf.Sum, backend, { x: prod }, { axis: [0, 1, 2], keepDims: false }));
        taps.push(keep(reshape(backend, tap, [1, c * m])));
      }
    }
    const stacked = taps.length === 1
      ? keep(call(tf.Identity, backend, { x: taps[0]! }))
      : keep(call(tf.Concat, backend, taps as unknown as tf.NamedTensorInfoMap, { axis: 0 }));
    return reshape(backend, stacked, [fh, fw, c, m]);
  } finally {
    free(backend, ...made);
  }
};
