import * as tf from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../util/errors.js";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { call, free, reshape, transpose } from "./wasm_ops.js";

/**
 * `Einsum` for wasm: tfjs' own contraction plan (`backend_util.getEinsumComputePath`, the one the
 * cpu kernel follows) run with wasm's Transpose / Reshape / Multiply / Sum kernels.
 */
export const einsum: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { equation } = attrs as unknown as { equation: string };
  const tensors = inputs as unknown as tf.TensorInfo[];
  const { allDims, summedDims, idDims } = tf.backend_util.decodeEinsumEquation(equation, tensors.length);
  tf.backend_util.checkEinsumDimSizes(allDims.length, idDims, tensors as unknown as tf.Tensor[]);
  const { path, steps } = tf.backend_util.getEinsumComputePath(summedDims, idDims);
  const made: tf.TensorInfo[] = [];
  let out: tf.TensorInfo | null = null;
  let remaining = allDims.length;
  try {
    for (let i = 0; i < steps.length; i++) {
      for (const term of steps[i]!) {
        const { permutationIndices: perm, expandDims } = tf.backend_util.getEinsumPermutation(remaining, idDims[term]!);
        let x = tensors[term]!;
        if (!tf.backend_util.isIdentityPermutation(perm)) {
          x = transpose(backend, x, perm);
          made.push(x);
        }
        const target = x.shape.slice();
        for (const d of expandDims) target.splice(d, 0, 1);
        if (!tf.util.arraysEqual(x.shape, target)) {
          x = reshape(backend, x, target);
          made.push(x);
        }
        if (out === null) out = x;
        else {
          out = call(tf.Multiply, backend, { a: x, b: out });
          made.push(out);
        }
      }
      if (i < steps.length - 1) {
        if (path[i]! >= 0) {
          out = call(
            tf.Sum,
            backend,
            { x: out! },
            {
              axis: path[i]! - (allDims.length - remaining),
              keepDims: false,
            },
          );
          made.push(out);
        }
        remaining--;
      }
    }
    if (out === null)
      throw new InvalidArgumentError(
        "tf.einsum (haiku-tfjs wasm kernel)",
        "Einsum got no operands",
        "pass at least one tensor.",
      );
    // The result must hold its own reference: an input returned as is would be freed twice.
    if (!made.includes(out)) {
      out = call(tf.Identity, backend, { x: out });
      made.push(out);
    }
    return out;
  } finally {
    free(backend, ...made.filter((t) => t !== out));
  }
};
