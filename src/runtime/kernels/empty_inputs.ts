import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

function hasEmptyInput(inputs: tf.NamedTensorInfoMap): boolean {
  let empty = false;
  for (const key in inputs) {
    const t = inputs[key];
    if (t == null) continue;
    if (t.dtype === "string" || t.dtype === "complex64") return false;
    if (!empty && t.shape.includes(0)) empty = true;
  }
  return empty;
}

function typed(values: tf.BackendValues, dtype: tf.DataType): Float32Array | Int32Array | Uint8Array {
  if (dtype === "int32") return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  if (dtype === "bool") return values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}

/**
 * Runs kernel `kernelName` of the cpu backend on copies of wasm tensors and returns its outputs
 * as wasm tensors.
 */
function runOnCpu(
  kernelName: string,
  cpuKernel: tf.KernelConfig,
  cpu: tf.KernelBackend,
  args: Parameters<tf.KernelFunc>[0],
): tf.TensorInfo | tf.TensorInfo[] {
  const wasm = args.backend as BackendWasm;
  // Concat, Pack, AddN and Einsum take an array of inputs.
  const inputs = (Array.isArray(args.inputs) ? [] : {}) as tf.NamedTensorInfoMap;
  const written: object[] = [];
  try {
    for (const key in args.inputs) {
      const t = args.inputs[key];
      if (t == null) continue;
      const dataId = cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype);
      written.push(dataId);
      // `rank` too: some cpu kernels (Dilation2DBackprop*) read it, as if given Tensors.
      inputs[key] = { dataId, shape: t.shape, dtype: t.dtype, rank: t.shape.length } as tf.TensorInfo;
    }
    const result = cpuKernel.kernelFunc({ inputs, backend: cpu, attrs: args.attrs });
    const outs = Array.isArray(result) ? result : [result];
    const back = outs.map((o) => {
      const values = typed(cpu.readSync(o.dataId), o.dtype);
      // Outputs may share an input's buffer (reshape-like cpu kernels); each is released once.
      if (!written.includes(o.dataId)) written.push(o.dataId);
      else cpu.disposeData(o.dataId);
      return wasm.makeOutput(o.shape, o.dtype, undefined, values as Float32Array);
    });
    return Array.isArray(result) ? back : back[0]!;
  } catch (e) {
    if (e instanceof Error)
      e.message = `${e.message} (haiku-tfjs runtime: ${kernelName} ran on cpu for its zero-size input)`;
    throw e;
  } finally {
    for (const dataId of written) cpu.disposeData(dataId);
  }
}

/**
 * Wraps a wasm kernel so that a call with a zero-size input runs the cpu backend's kernel
 * instead. tfjs-backend-wasm 4.22's kernels skip their computation when an input is empty and
 * leave their (non-empty) output as stale heap memory: a matmul or convolution over an empty
 * contraction axis (`[4, 0] x [0, 3]`, 0 input channels, an empty batch in a filter gradient)
 * gives garbage instead of zeros (or a fused op's bias and activation), `GatherV2` from an empty
 * axis returns the wrong shape, and `Prelu` / depthwise kernels trap. A zero-size call copies its
 * other inputs to the cpu backend and its outputs back, so every kernel gets the cpu backend's
 * semantics (which agree with JAX's for these kernels; reductions are `emptyReduction`'s).
 * Calls with no zero-size input, and string kernels, run the original.
 */
export function cpuWhenEmpty(kernelName: string): (original: tf.KernelFunc) => tf.KernelFunc {
  return (original) => (args) => {
    if (!hasEmptyInput(args.inputs)) return original(args);
    const cpuKernel = tf.getKernel(kernelName, "cpu");
    const cpu = cpuKernel === undefined ? null : tf.engine().findBackend("cpu");
    if (cpuKernel === undefined || cpu == null) return original(args);
    return runOnCpu(kernelName, cpuKernel, cpu, args);
  };
}
