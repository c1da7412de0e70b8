/**
 * Keras' JaxLayer "wrapper" example, ported: a model function with its own signature
 * `myModelFn(params, rngs, input1, input2, deterministic)` is adapted to JaxLayer's by
 * `myModelWrapperFn(params, rng, inputs, training)` and used in a two-input functional model.
 *
 *   npx tsx examples/wrapper_two_inputs.ts [--quick]
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import * as hk from "haiku-tfjs";
import { JaxLayer } from "haiku-tfjs/keras";
import { quick } from "./lib/cli.js";

await hk.ready();

interface Params {
  w1: tf.Tensor;
  w2: tf.Tensor;
  out: tf.Tensor;
}

const dropoutRate = 0.5;

function myModelFn(
  params: Params,
  rngs: { dropout?: hk.random.PRNGKey },
  input1: tf.Tensor,
  input2: tf.Tensor,
  deterministic: boolean,
): tf.Tensor {
  let x = tf.relu(tf.add(tf.matMul(input1, params.w1), tf.matMul(input2, params.w2)));
  if (!deterministic) {
    const keepRate = 1 - dropoutRate;
    const keep = hk.random.bernoulli(rngs.dropout!, keepRate, x.shape);
    x = tf.where(keep, tf.div(x, keepRate), tf.zerosLike(x));
  }
  return tf.matMul(x, params.out);
}

function myModelWrapperFn(
  params: Params,
  rng: hk.random.PRNGKey | null,
  inputs: tf.Tensor[],
  training: boolean,
): tf.Tensor {
  const [input1, input2] = inputs;
  const rngs = rng ? { dropout: rng } : {};
  return myModelFn(params, rngs, input1!, input2!, !training);
}

const [k1, k2, k3] = hk.random.split(hk.random.key(0), 3);
const initialParams: Params = {
  w1: tf.mul(hk.random.normal(k1!, [4, 16]), 0.5),
  w2: tf.mul(hk.random.normal(k2!, [6, 16]), 0.5),
  out: tf.mul(hk.random.normal(k3!, [16, 1]), 0.25),
};

const in1 = tfl.input({ shape: [4] });
const in2 = tfl.input({ shape: [6] });
const out = new JaxLayer({ callFn: myModelWrapperFn, params: initialParams, seed: 1 }).apply([
  in1,
  in2,
]) as tfl.SymbolicTensor;
const model = tfl.model({ inputs: [in1, in2], outputs: out });
model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
model.summary();

const n = 64;
const a = tf.randomNormal([n, 4], 0, 1, "float32", 1);
const b = tf.randomNormal([n, 6], 0, 1, "float32", 2);
const target = tf.add(tf.sum(a, 1, true), tf.sum(b, 1, true));
const hist = await model.fit([a, b], target, { epochs: quick ? 2 : 20, batchSize: 16, verbose: 0 });
const losses = hist.history.loss as number[];
console.log(`two-input functional model: loss ${losses[0]!.toFixed(4)} -> ${losses[losses.length - 1]!.toFixed(4)}`);
tf.dispose([a, b, target]);
