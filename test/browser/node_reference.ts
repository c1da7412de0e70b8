/**
 * Node's side of the browser demo test: what the page must reproduce, computed here in Node with
 * the same model code. Run by demo.test.ts as `tsx test/browser/node_reference.ts CHECKPOINT N`;
 * prints one JSON object: the PRNG words, the CNN's probabilities for the first N test digits
 * under the checkpoint, and the Python Haiku MLP's output on its recorded input.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";
import { myHaikuModuleFn } from "../../examples/lib/haiku_cnn.js";
import { loadMnist } from "../../examples/lib/mnist_data.js";

const [checkpoint, countArg] = process.argv.slice(2);
if (checkpoint === undefined)
  throw new Error("node_reference.ts: usage: tsx test/browser/node_reference.ts CHECKPOINT [N]");
const count = Number(countArg ?? 8);

await hk.ready();
const cnn = hk.transform(myHaikuModuleFn);
const params = (await hk.io.loadParams(checkpoint)) as hk.Params;
const { test } = loadMnist(0.8);
const probs = tf.tidy(() =>
  cnn.apply(params, null, tf.tensor4d(test.images.subarray(0, count * 784), [count, 28, 28, 1]), false),
);

const mlpPath = new URL("../../examples/data/haiku_mlp.safetensors", import.meta.url).pathname;
const header = await hk.io.loadHeader(mlpPath);
const mlp = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.nets.MLP([8, 2]).call(x)));
const mlpParams = (await hk.io.loadParams(mlpPath)) as hk.Params;
const mlpOut = tf.tidy(() =>
  mlp.apply(mlpParams, tf.tensor2d(JSON.parse(header.metadata.input ?? "[]") as number[][])),
);

console.log(
  JSON.stringify({
    backend: tf.getBackend(),
    prngBits: Array.from(hk.random.bitsValues(hk.random.key(42), [8])),
    splitKey0: hk.random.split(hk.random.key(0)).flatMap((k) => Array.from(k)),
    testDigitProbs: Array.from(probs.dataSync()),
    haikuMlp: mlpOut.arraySync(),
  }),
);
tf.dispose([probs, mlpOut]);
hk.tree.dispose([params, mlpParams]);
