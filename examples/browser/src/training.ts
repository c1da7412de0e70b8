/**
 * Trains the Keras JaxLayer documentation's Haiku CNN (examples/lib/haiku_cnn.ts) as `npm start` does — Adam with a
 * cosine-decayed learning rate, digits shifted by up to 2 pixels — but yielding to the browser
 * between steps so the page stays responsive and the chart redraws.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";
import { crossEntropy, myHaikuModuleFn } from "../../lib/haiku_cnn.js";
import { gatherBatch, permutation, randomShift, type MnistSplit } from "../../lib/mnist_split.js";

/** The CNN as a pure `{ init, apply }` pair: `apply(params, rng, x, training)`. */
const cnn = hk.transform(myHaikuModuleFn);

/** Fresh CNN params, as `npm start` initialises them (key 42). */
export function initCnn(): hk.Params {
  return tf.tidy(() => cnn.init(hk.random.key(42), tf.zeros([1, 28, 28, 1]), true));
}

/** How long to train and how often to measure test accuracy. */
export interface TrainPlan {
  steps: number;
  batch: number;
  learningRate: number;
  evalEvery: number;
  evalCount: number;
}

/** One point of the run, handed to the page after each step. */
export interface StepReport {
  step: number;
  loss: number;
  /** Test accuracy when measured at this step, else undefined. */
  accuracy?: number;
  tensors: number;
}

/** Softmax probabilities of the CNN for `count` images (NHWC floats in [0, 1]). */
export function predict(params: hk.Params, images: Float32Array, count: number): Float32Array {
  const probs = tf.tidy(() => cnn.apply(params, null, tf.tensor4d(images, [count, 28, 28, 1]), false));
  const out = probs.dataSync() as Float32Array;
  probs.dispose();
  return out;
}

/**
 * Accuracy over the first `count` digits of `split`. Reads results asynchronously, so the page
 * stays responsive where a batch takes long (webgl without a GPU).
 */
export async function accuracy(params: hk.Params, split: MnistSplit, count: number): Promise<number> {
  const n = Math.min(count, split.count);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let correct = 0;
  for (let start = 0; start < n; start += 250) {
    const b = gatherBatch(split, order, start, 250);
    const out = tf.tidy(() => cnn.apply(params, null, tf.tensor4d(b.images, [b.size, 28, 28, 1]), false));
    const probs = (await out.data()) as Float32Array;
    out.dispose();
    for (let i = 0; i < b.size; i++) {
      const row = probs.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === b.labels[i]) correct++;
    }
  }
  return correct / n;
}

/**
 * Runs `plan.steps` steps from `params` and returns the trained params (the passed ones are
 * consumed). `onStep` sees every step; `shouldStop` ends the run early.
 */
export async function train(
  params: hk.Params,
  data: { train: MnistSplit; test: MnistSplit },
  plan: TrainPlan,
  onStep: (r: StepReport) => void,
  shouldStop: () => boolean = () => false,
): Promise<hk.Params> {
  const opt = hk.optim.adam(hk.optim.cosineDecay(plan.learningRate, plan.steps));
  let optState = opt.init(params);
  const lossFn = (p: hk.Params, rng: hk.random.PRNGKey, x: tf.Tensor, y: tf.Tensor) =>
    crossEntropy(cnn.apply(p, rng, x, true), y);
  const step = hk.optim.trainStep(lossFn, opt);
  const perEpoch = Math.floor(data.train.count / plan.batch);
  let rng = hk.random.key(0);
  let order = permutation(data.train.count, 0);
  for (let s = 0; s < plan.steps && !shouldStop(); s++) {
    const epoch = Math.floor(s / perEpoch);
    if (s % perEpoch === 0) order = permutation(data.train.count, epoch);
    const b = gatherBatch(data.train, order, (s % perEpoch) * plan.batch, plan.batch);
    randomShift(b.images, b.size, 2, epoch * 100_003 + (s % perEpoch));
    const x = tf.tensor4d(b.images, [b.size, 28, 28, 1]);
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(b.labels, "int32"), 10), "float32"));
    const [stepKey, nextKey] = hk.random.split(rng);
    rng = nextKey!;
    const result = step(params, optState, stepKey!, x, y);
    ({ params, optState } = result);
    const loss = (await result.loss.data())[0]!;
    tf.dispose([result.loss, x, y]);
    const last = s === plan.steps - 1;
    const measured =
      (s + 1) % plan.evalEvery === 0 || last ? await accuracy(params, data.test, plan.evalCount) : undefined;
    onStep({ step: s + 1, loss, accuracy: measured, tensors: tf.memory().numTensors });
    // Let the page repaint and handle clicks between steps.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  hk.tree.dispose(optState);
  return params;
}
