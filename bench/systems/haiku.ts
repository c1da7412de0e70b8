/** haiku-tfjs as its README shows: `transform` + `valueAndGrad` + `optim.adam` (via `trainStep`). */
import * as tf from "@tensorflow/tfjs-core";
import type { Params } from "../../src/index.js";
import type { PRNGKey } from "../../src/random/index.js";
import { hk } from "../package.js";
import { LEARNING_RATE, MLP_SIZES, benchTensors, type BenchSystem, type Workload } from "../workloads.js";

/** The Keras JaxLayer documentation's CNN, returning logits (the loss applies the softmax, as the other systems do). */
@hk.module("bench_cnn")
class BenchCNN extends hk.Module {
  call(x: tf.Tensor, training: boolean): tf.Tensor {
    x = tf.relu(new hk.Conv2D(32, [3, 3]).call(x));
    x = new hk.AvgPool([1, 2, 2, 1], [1, 2, 2, 1], "VALID").call(x);
    x = new hk.Flatten().call(x);
    x = new hk.Linear(200).call(x);
    if (training) x = hk.dropout(hk.nextRngKey(), 0.3, x);
    return new hk.Linear(10).call(tf.relu(x));
  }
}

export function forwardFor(w: Workload): (x: tf.Tensor, training: boolean) => tf.Tensor {
  return w.name === "mlp"
    ? (x) => new hk.nets.MLP(MLP_SIZES).call(x)
    : (x, training) => new BenchCNN().call(x, training);
}

export async function setup(w: Workload, inferBatch: number): Promise<BenchSystem> {
  await hk.ready();
  const model = hk.transform(forwardFor(w));
  const { x, y, xInfer } = benchTensors(w, inferBatch);
  let params = model.init(hk.random.key(0), x, true);
  const opt = hk.optim.adam(LEARNING_RATE);
  let optState = opt.init(params);
  const step = hk.optim.trainStep(
    (p: Params, rng: PRNGKey, xb: tf.Tensor, yb: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(yb, model.apply(p, rng, xb, true)) as tf.Scalar,
    opt,
  );
  let rng = hk.random.key(1);
  return {
    trainStep() {
      const [k, next] = hk.random.split(rng);
      rng = next!;
      const r = step(params, optState, k!, x, y);
      ({ params, optState } = r);
      r.loss.dataSync();
      r.loss.dispose();
    },
    infer() {
      const out = model.apply(params, null, xInfer, false);
      out.dataSync();
      out.dispose();
    },
  };
}
