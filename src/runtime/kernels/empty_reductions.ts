import * as tf from "@tensorflow/tfjs-core";
import { ShapeError } from "../../util/errors.js";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The value of a reduction over nothing: its identity (JAX's `lax.reduce_*` and NumPy's
 * `initial`), NaN for a mean (0 / 0, as `jnp.mean`). */
const IDENTITY: Readonly<Record<string, (dtype: tf.DataType) => number>> = {
  [tf.Sum]: () => 0,
  [tf.Prod]: () => 1,
  [tf.Mean]: () => NaN,
  [tf.Max]: (dtype) => (dtype === "int32" ? INT32_MIN : dtype === "bool" ? 0 : -Infinity),
  [tf.Min]: (dtype) => (dtype === "int32" ? INT32_MAX : dtype === "bool" ? 1 : Infinity),
  [tf.All]: () => 1,
  [tf.Any]: () => 0,
};

function outputDtype(kernelName: string, x: tf.DataType): tf.DataType {
  if (kernelName === tf.Mean) return "float32";
  if (kernelName === tf.All || kernelName === tf.Any) return "bool";
  if (kernelName === tf.Sum || kernelName === tf.Prod) return tf.upcastType(x, "int32");
  return x;
}

/** The reduction kernels {@link emptyReduction} applies to. */
export const REDUCTION_KERNELS: readonly string[] = [...Object.keys(IDENTITY), tf.ArgMax, tf.ArgMin];

/**
 * Wraps a reduction kernel (`Sum`, `Prod`, `Mean`, `Max`, `Min`, `All`, `Any`, `ArgMax`,
 * `ArgMin`) so that a reduction over axes of total size 0 gives the reduction's identity, as
 * JAX does: sum 0, prod 1, max -inf (int32: -2^31), min +inf (int32: 2^31 - 1), all true,
 * any false, and mean NaN. `ArgMax` / `ArgMin` throw, as `jnp.argmax` does, since no index
 * answers. tfjs-backend-wasm 4.22 returns whatever its fresh output buffer held (stale memory);
 * tfjs-backend-cpu gives NaN for max / min, 0 for an int32 max / min, false for all and 0 for
 * mean. Other reductions run the original kernel. Works on any backend (it only writes values).
 */
export function emptyReduction(kernelName: string): (original: tf.KernelFunc) => tf.KernelFunc {
  return (original) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const attrs = args.attrs as unknown as {
      axis?: number | number[];
      reductionIndices?: number | number[];
      keepDims?: boolean;
    };
    // `Max` calls its axes `reductionIndices`; the other reductions call them `axis`.
    const axis = kernelName === tf.Max ? attrs.reductionIndices : attrs.axis;
    const keepDims = attrs.keepDims;
    if (x === undefined || tf.util.sizeFromShape(x.shape) !== 0) return original(args);
    // parseAxisParam takes a missing axis as "all axes".
    const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
    const [outShape, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    if (tf.util.sizeFromShape(reduceShape) !== 0) return original(args);
    if (kernelName === tf.ArgMax || kernelName === tf.ArgMin) {
      const op = kernelName === tf.ArgMax ? "argMax" : "argMin";
      throw new ShapeError(
        `tf.${op}`,
        `\`axis\` ${JSON.stringify(axis)} of the input (shape ${JSON.stringify(x.shape)}) has size 0, so there is no index to return (jnp.${op.toLowerCase()} raises here too)`,
        `check the axis is non-empty before calling tf.${op}.`,
      );
    }
    const identity = IDENTITY[kernelName];
    if (identity === undefined) return original(args);
    const dtype = outputDtype(kernelName, x.dtype);
    const shape = keepDims === true ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    const size = tf.util.sizeFromShape(shape);
    const values = tf.util.getTypedArrayFromDType(dtype as "float32", size);
    values.fill(identity(x.dtype));
    const backend = args.backend as tf.KernelBackend;
    return { dataId: backend.write(values, shape, dtype), shape, dtype };
  };
}
