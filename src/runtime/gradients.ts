import * as tf from "@tensorflow/tfjs-core";

const PATCHED = Symbol.for("haiku-tfjs.runtime.broadcastMatMulGrad");

// Sums a gradient over the axes its input was broadcast along, back to the input's shape.
function unbroadcast(grad: tf.Tensor, shape: number[]): tf.Tensor {
  if (tf.util.arraysEqual(grad.shape, shape)) return grad;
  const axes = tf.backend_util.getReductionAxes(shape, grad.shape);
  const summed = axes.length > 0 ? tf.sum(grad, axes, true) : grad;
  return tf.reshape(summed, shape);
}

/**
 * Makes `BatchMatMul`'s gradient reduce broadcast batch axes. tfjs-core 4.22's gradient returns
 * the broadcast shape (e.g. `[3, 8, 12]` for a `[8, 12]` weight multiplied by a `[3, 5, 8]`
 * input) and the tape then throws "The gradient of input 'b' has shape ..." on every backend.
 * Idempotent.
 */
export function installMatMulGradient(): void {
  const original = tf.getGradient(tf.BatchMatMul);
  if (original == null || (original as unknown as Record<symbol, boolean>)[PATCHED]) return;
  const config: tf.GradConfig = {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const grads = original.gradFunc(dy, saved, attrs);
      return {
        a: () => unbroadcast(grads["a"]!(), a.shape),
        b: () => unbroadcast(grads["b"]!(), b.shape),
      };
    },
  };
  (config as unknown as Record<symbol, boolean>)[PATCHED] = true;
  tf.registerGradient(config);
}
