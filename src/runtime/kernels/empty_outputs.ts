import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

const DEPTHWISE: readonly string[] = [tf.DepthwiseConv2dNative, tf.FusedDepthwiseConv2D];

/** The 2-D convolution kernels {@link emptyConvOutput} applies to. */
export const CONV2D_KERNELS: readonly string[] = [tf.Conv2D, tf.FusedConv2D, ...DEPTHWISE];

/**
 * Wraps a wasm 2-D convolution kernel (`Conv2D`, `FusedConv2D`, `DepthwiseConv2dNative`,
 * `FusedDepthwiseConv2D`) so that a call whose output is empty (a VALID window larger than the
 * input) returns that empty output without running the kernel. tfjs-backend-wasm 4.22's
 * depthwise kernels write outside their output there when the channel multiplier is above 1,
 * corrupting the heap (a later `dispose` traps with "memory access out of bounds").
 */
export function emptyConvOutput(kernelName: string): (original: tf.KernelFunc) => tf.KernelFunc {
  return (original) => (args) => {
    const { x, filter } = args.inputs as { x?: tf.TensorInfo; filter?: tf.TensorInfo };
    if (x === undefined || filter === undefined || x.shape.length !== 4 || filter.shape.length !== 4)
      return original(args);
    const { strides, pad, dilations, dimRoundingMode, dataFormat } = args.attrs as unknown as {
      strides: number | [number, number];
      pad: "valid" | "same" | number;
      dilations?: number | [number, number];
      dimRoundingMode?: "floor" | "round" | "ceil";
      dataFormat?: "NHWC" | "NCHW";
    };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations ?? 1,
      pad,
      dimRoundingMode,
      DEPTHWISE.includes(kernelName),
      tf.backend_util.convertConv2DDataFormat(dataFormat ?? "NHWC"),
    );
    if (tf.util.sizeFromShape(info.outShape) !== 0) return original(args);
    return (args.backend as BackendWasm).makeOutput(info.outShape, x.dtype);
  };
}
