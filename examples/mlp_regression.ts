/**
 * MLP regression with `hk.nets.MLP`, and Haiku's `tabulate` summary of the model:
 * modules, configs, owned params, input/output shapes, param counts and bytes.
 *
 *   npx tsx examples/mlp_regression.ts [--quick]
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";
import { quick } from "./lib/cli.js";

await hk.ready();

function forward(x: tf.Tensor): tf.Tensor {
  return new hk.nets.MLP([64, 64, 1]).call(x);
}
const model = hk.withoutApplyRng(hk.transform(forward));

// y = sin(3 x0) + x1^2 - x2, on 512 points.
const [kx] = hk.random.split(hk.random.key(0), 1);
const x = tf.sub(tf.mul(hk.random.uniform(kx!, [512, 3]), 2), 1);
const y = tf.tidy(() => {
  const [x0, x1, x2] = tf.split(x, 3, 1);
  return tf.sub(tf.add(tf.sin(tf.mul(x0!, 3)), tf.square(x1!)), x2!);
});

console.log(hk.experimental.tabulate(forward)(tf.zeros([8, 3])));

let params = model.init(hk.random.key(42), x);
const opt = hk.optim.adam(3e-3);
let optState = opt.init(params);
const step = hk.optim.trainStep(
  (p: hk.Params, xb: tf.Tensor, yb: tf.Tensor) => tf.losses.meanSquaredError(yb, model.apply(p, xb)) as tf.Scalar,
  opt,
);

const steps = quick ? 10 : 500;
let first = NaN;
let last = NaN;
for (let i = 0; i < steps; i++) {
  const r = step(params, optState, x, y);
  ({ params, optState } = r);
  last = r.loss.dataSync()[0]!;
  if (i === 0) first = last;
  r.loss.dispose();
}
console.log(`MSE ${first.toFixed(4)} -> ${last.toFixed(4)} after ${steps} Adam steps`);
if (!quick && last > 0.01) throw new Error(`regression did not converge (MSE ${last})`);
hk.tree.dispose([params, optState, x, y]);
