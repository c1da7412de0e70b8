/**
 * The function signatures `JaxLayer` accepts, from Keras' JaxLayer documentation, ported:
 * a stateless `(params, inputs)` call with an init, and a stateful
 * `(params, state, rng, inputs, training)` call whose init returns `[params, state]`.
 *
 *   npx tsx examples/signatures.ts [--quick]
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import * as hk from "haiku-tfjs";
import { JaxLayer } from "haiku-tfjs/keras";
import { quick } from "./lib/cli.js";

await hk.ready();

// --- Stateless: call_fn(params, inputs), init_fn(rng, inputs) -----------------------------
function statelessCall(params: { w: tf.Tensor; b: tf.Tensor }, inputs: tf.Tensor): tf.Tensor {
  return tf.add(tf.matMul(inputs, params.w), params.b);
}
function statelessInit(rng: hk.random.PRNGKey, inputs: tf.Tensor): { w: tf.Tensor; b: tf.Tensor } {
  const inSize = inputs.shape[inputs.shape.length - 1]!;
  return { w: tf.mul(hk.random.normal(rng, [inSize, 4]), 0.1), b: tf.zeros([4]) };
}

const stateless = tfl.sequential({
  layers: [new JaxLayer({ callFn: statelessCall, initFn: statelessInit, inputShape: [3] })],
});
const x = tf.randomNormal([8, 3], 0, 1, "float32", 0);
const y1 = stateless.predict(x) as tf.Tensor;
console.log(
  `stateless (params, inputs): output shape [${y1.shape}], weights: ${stateless
    .getWeights()
    .map((w) => `[${w.shape}]`)
    .join(" ")}`,
);

// --- Stateful: call_fn(params, state, rng, inputs, training) -> [outputs, newState] ---------
type P = { w: tf.Tensor };
type S = { calls: tf.Tensor };
function statefulCall(
  params: P,
  state: S,
  rng: hk.random.PRNGKey | null,
  inputs: tf.Tensor,
  training: boolean,
): [tf.Tensor, S] {
  let out = tf.matMul(inputs, params.w);
  if (training && rng) out = tf.add(out, tf.mul(hk.random.normal(rng, out.shape), 0.01));
  return [out, { calls: tf.add(state.calls, training ? 1 : 0) }];
}
function statefulInit(rng: hk.random.PRNGKey, inputs: tf.Tensor, training: boolean): [P, S] {
  void training;
  const inSize = inputs.shape[inputs.shape.length - 1]!;
  return [{ w: tf.mul(hk.random.normal(rng, [inSize, 1]), 0.1) }, { calls: tf.zeros([]) }];
}

const layer = new JaxLayer({ callFn: statefulCall, initFn: statefulInit, seed: 7 });
const stateful = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [3] }), layer] });
stateful.compile({ optimizer: "adam", loss: "meanSquaredError" });
const target = tf.sum(x, 1, true);
await stateful.fit(x, target, { epochs: quick ? 1 : 5, batchSize: 4, verbose: 0 });
const trainingCalls = stateful.getWeights().find((w) => w.shape.length === 0)!;
console.log(
  `stateful (params, state, rng, inputs, training): state "calls" after fit = ${trainingCalls.dataSync()[0]}`,
);
const pred = stateful.predict(x) as tf.Tensor;
console.log(
  `prediction shape [${pred.shape}]; predict leaves the state alone: calls = ${
    stateful
      .getWeights()
      .find((w) => w.shape.length === 0)!
      .dataSync()[0]
  }`,
);
tf.dispose([x, y1, target, pred]);
