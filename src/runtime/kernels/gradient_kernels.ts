/**
 * The runtime's gradient kernels: filled where tfjs-backend-wasm 4.22 has none, replaced where
 * its kernel (or tfjs-backend-cpu's) is wrong. Installed with the training set-up
 * (`runtime/training.ts`), which every API that takes gradients loads.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fastAvgPoolGrad } from "./avg_pool_grad.js";
import { paddedAvgPool3DGrad, paddedAvgPoolGrad } from "./avg_pool_grad_padded.js";
import { conv2DBackpropFilter } from "./conv2d_backprop_filter.js";
import { conv3DBackpropFilter, conv3DBackpropInput } from "./conv3d_backprop.js";
import { depthwiseBackpropFilter, depthwiseBackpropInput } from "./depthwise_backprop.js";
import type { KernelFixes } from "./install.js";
import { maxPool3DGrad, maxPoolGrad } from "./max_pool_grad.js";
import { resizeBilinearGrad, resizeNearestNeighborGrad } from "./resize_grad.js";

/** @internal */
export const GRADIENT_KERNEL_FIXES: KernelFixes = {
  filled: {
    [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
    [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
    [tf.DepthwiseConv2dNativeBackpropInput]: depthwiseBackpropInput,
  },
  wrapped: {
    // Wrong for SAME-padded windows (full-window divisor): the exact adjoint there.
    [tf.AvgPoolGrad]: (original) => fastAvgPoolGrad(paddedAvgPoolGrad(original)),
    [tf.AvgPool3DGrad]: paddedAvgPool3DGrad,
    // Wrong on wasm (SAME padding taken as 0, not -inf): replaced outright.
    [tf.MaxPoolGrad]: () => maxPoolGrad,
    [tf.MaxPool3DGrad]: () => maxPool3DGrad,
    // Wrong on wasm for most filters and paddings: replaced by the cpu backend's loops.
    [tf.Conv3DBackpropInputV2]: () => conv3DBackpropInput,
    [tf.Conv3DBackpropFilterV2]: () => conv3DBackpropFilter,
    // halfPixelCenters ignored: replaced by the adjoints of the forward resizes.
    [tf.ResizeBilinearGrad]: () => resizeBilinearGrad,
    [tf.ResizeNearestNeighborGrad]: () => resizeNearestNeighborGrad,
  },
  // The same defects as their wasm counterparts.
  wrappedCpu: {
    [tf.AvgPoolGrad]: paddedAvgPoolGrad,
    [tf.AvgPool3DGrad]: paddedAvgPool3DGrad,
    [tf.ResizeBilinearGrad]: () => resizeBilinearGrad,
    [tf.ResizeNearestNeighborGrad]: () => resizeNearestNeighborGrad,
  },
};
