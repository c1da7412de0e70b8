import * as tf from "@tensorflow/tfjs-core";

const DEPTHWISE: readonly string[] = [tf.DepthwiseConv2dNative, tf.FusedDepthwiseConv2D];

/** The kernels {@link explicitSamePadding} applies to. */
export const SAME_PADDED_KERNELS: readonly string[] = [tf.Conv2D, tf.FusedConv2D, ...DEPTHWISE];

/**
 * Wraps a wasm 2-D convolution kernel so that SAME padding reaches it as the equivalent explicit
 * padding (the amounts tfjs-core computes, which are TensorFlow's and JAX's). tfjs-backend-wasm
 * 4.22 hands SAME to XNNPACK as a flag, and XNNPACK's own padding is wrong where a strided axis
 * needs none (input 21, window 2, stride 3; a 1-wide window with stride 2 next to a 3-high
 * one): the output is shifted by a cell. With explicit amounts it is right.
 */
export function explicitSamePadding(kernelName: string): (original: tf.KernelFunc) => tf.KernelFunc {
  return (original) => (args) => {
    const { x, filter } = args.inputs as { x?: tf.TensorInfo; filter?: tf.TensorInfo };
    const attrs = args.attrs as unknown as {
      strides: number | [number, number];
      pad: unknown;
      dilations?: number | [number, number];
      dimRoundingMode?: "floor" | "round" | "ceil";
      dataFormat?: "NHWC" | "NCHW";
    };
    if (attrs.pad !== "same" || x === undefined || filter === undefined || x.shape.length !== 4) return original(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      "same",
      attrs.dimRoundingMode,
      DEPTHWISE.includes(kernelName),
      tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? "NHWC"),
    );
    const { top, bottom, left, right } = info.padInfo;
    const pad = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return original({ ...args, attrs: { ...args.attrs, pad } as unknown as tf.NamedAttrMap });
  };
}
