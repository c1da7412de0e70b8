import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { call, free, padOrCrop, transpose } from "./wasm_ops.js";

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/**
 * `Conv2DBackpropFilter` for wasm, computed by wasm's own XNNPACK `Conv2D`.
 *
 * dW[i,j,c,o] = Σ_{n,p,q} xpad[n, p·s + i, q·s + j, c] · dy[n,p,q,o] is itself a VALID convolution
 * of xpad (batch and channels swapped: [C, H, W, N]) with dy used as the filter ([OH, OW, N, O]),
 * at stride 1 and dilation equal to the forward stride. The output [C, FH, FW, O] is transposed to
 * the filter layout. tfjs-core's conv2d gradient rejects dilated convolutions, so the forward
 * dilation is always 1 here.
 */
export const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
    false, format);
  const channelsLast = format === "channelsLast";
  // Rows / columns the convolution actually reads; padding beyond them is cropped.
  const needH = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
  const needW = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
  const xT = transpose(backend, x, channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0]);
  const xP = padOrCrop(backend, xT,
    [0, info.padInfo.top, info.padInfo.left, 0],
    [0, needH - info.inHeight - info.padInfo.top, needW - info.inWidth - info.padInfo.left, 0]);
  const dyT = transpose(backend, dy, channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1]);
  let conv: tf.TensorInfo | undefined;
  try {
    conv = call(tf.Conv2D, backend, { x: xP, filter: dyT }, {
      strides: [1, 1],
      pad: "valid",
      dataFormat: "NHWC",
      dilations: [info.strideHeight, info.strideWidth],
      dimRoundingMode: undefined,
    } as unknown as tf.NamedAttrMap);
    return transpose(backend, conv, [1, 2, 0, 3]);
  } finally {
    free(backend, xT, dyT, conv);
    if (xP !== xT) free(backend, xP);
  }
};
