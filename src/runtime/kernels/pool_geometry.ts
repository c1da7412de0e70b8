import * as tf from "@tensorflow/tfjs-core";

/** One pooling problem in 3-D form (a 2-D pool has depth 1). */
export interface Pool {
  batch: number;
  channels: number;
  inD: number;
  inH: number;
  inW: number;
  outD: number;
  outH: number;
  outW: number;
  kD: number;
  kH: number;
  kW: number;
  sD: number;
  sH: number;
  sW: number;
  dD: number;
  dH: number;
  dW: number;
  padFront: number;
  padTop: number;
  padLeft: number;
}

/** A pooling kernel's attributes (MaxPool, AvgPool and their 3-D and gradient kernels). */
type PoolAttrs = {
  filterSize: number | number[];
  strides: number | number[];
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
};

/** The geometry of a 2-D pool over `shape` (NHWC) as a {@link Pool} of depth 1. */
export function pool2D(shape: readonly number[], attrs: tf.NamedAttrMap): Pool {
  const a = attrs as unknown as PoolAttrs;
  const i = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    a.filterSize as number | [number, number],
    a.strides as number | [number, number],
    1,
    a.pad,
    a.dimRoundingMode,
  );
  return {
    batch: i.batchSize,
    channels: i.inChannels,
    inD: 1,
    inH: i.inHeight,
    inW: i.inWidth,
    outD: 1,
    outH: i.outHeight,
    outW: i.outWidth,
    kD: 1,
    kH: i.filterHeight,
    kW: i.filterWidth,
    sD: 1,
    sH: i.strideHeight,
    sW: i.strideWidth,
    dD: 1,
    dH: i.dilationHeight,
    dW: i.dilationWidth,
    padFront: 0,
    padTop: i.padInfo.top,
    padLeft: i.padInfo.left,
  };
}

/** The geometry of a 3-D pool over `shape` (NDHWC). */
export function pool3D(shape: readonly number[], attrs: tf.NamedAttrMap): Pool {
  const a = attrs as unknown as PoolAttrs;
  const i = tf.backend_util.computePool3DInfo(
    shape as [number, number, number, number, number],
    a.filterSize as number | [number, number, number],
    a.strides as number | [number, number, number],
    1,
    a.pad,
    a.dimRoundingMode,
  );
  return {
    batch: i.batchSize,
    channels: i.inChannels,
    inD: i.inDepth,
    inH: i.inHeight,
    inW: i.inWidth,
    outD: i.outDepth,
    outH: i.outHeight,
    outW: i.outWidth,
    kD: i.filterDepth,
    kH: i.filterHeight,
    kW: i.filterWidth,
    sD: i.strideDepth,
    sH: i.strideHeight,
    sW: i.strideWidth,
    dD: i.dilationDepth,
    dH: i.dilationHeight,
    dW: i.dilationWidth,
    padFront: i.padInfo.front,
    padTop: i.padInfo.top,
    padLeft: i.padInfo.left,
  };
}
