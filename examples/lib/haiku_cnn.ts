/**
 * The Haiku CNN of the Keras JaxLayer documentation (the `MyHaikuModule` of `keras.layers.JaxLayer`'s docstring), ported:
 * Conv2D 32 3x3 -> relu -> AvgPool 2x2 VALID -> Flatten -> Linear 200 -> dropout 0.3 while
 * training -> relu -> Linear 10 -> softmax.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";

/** The documentation's module: `__call__(x, training)` becomes `call(x, training)`. */
@hk.module("my_haiku_module")
class MyHaikuModule extends hk.Module {
  call(x: tf.Tensor, training: boolean): tf.Tensor {
    x = new hk.Conv2D(32, [3, 3]).call(x);
    x = tf.relu(x);
    x = new hk.AvgPool([1, 2, 2, 1], [1, 2, 2, 1], "VALID").call(x);
    x = new hk.Flatten().call(x);
    x = new hk.Linear(200).call(x);
    if (training) x = hk.dropout(hk.nextRngKey(), 0.3, x);
    x = tf.relu(x);
    x = new hk.Linear(10).call(x);
    return tf.softmax(x);
  }
}

/** `my_haiku_module_fn(inputs, training)` from the same docstring. */
export function myHaikuModuleFn(inputs: tf.Tensor, training: boolean): tf.Tensor {
  const module = new MyHaikuModule();
  return module.call(inputs, training);
}

/** Mean categorical cross-entropy of softmax probabilities against one-hot labels. */
export function crossEntropy(probs: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.log(tf.maximum(probs, 1e-7))), -1)));
}
