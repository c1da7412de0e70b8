/**
 * haiku-tfjs through Keras: the transform inside `tf.sequential` as a `JaxLayer`, trained with
 * `fit`, with Keras' usual `tf.train.adam` or (`optax`) haiku-tfjs's `OptaxOptimizer`.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { hk, keras } from "../package.js";
import { LEARNING_RATE, benchTensors, type BenchSystem, type Workload } from "../workloads.js";
import { forwardFor } from "./haiku.js";

/** `optax`: compile with `OptaxOptimizer(hk.optim.adam)` instead of `tf.train.adam`. */
export async function setup(w: Workload, inferBatch: number, opts: { optax?: boolean } = {}): Promise<BenchSystem> {
  await hk.ready();
  const fn = forwardFor(w);
  const t = hk.transform((inputs: tf.Tensor, training: boolean) => fn(inputs, training));
  const model = tfl.sequential({
    layers: [new keras.JaxLayer({ callFn: t.apply, initFn: t.init, seed: 0, inputShape: w.inputShape })],
  });
  model.compile({
    optimizer: opts.optax ? new keras.OptaxOptimizer(hk.optim.adam(LEARNING_RATE)) : tf.train.adam(LEARNING_RATE),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const { x, y, xInfer } = benchTensors(w, inferBatch);
  return {
    async trainStep() {
      await model.fit(x, y, { batchSize: w.batch, epochs: 1, verbose: 0, shuffle: false });
    },
    infer() {
      const out = model.predict(xInfer) as tf.Tensor;
      out.dataSync();
      out.dispose();
    },
  };
}
