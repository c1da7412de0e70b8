// The README's quick start, verbatim (CI runs it).
import { tmpdir } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";

await hk.ready(); // wasm backend, tfjs gradients and kernel fixes

const net = hk.transform((x: tf.Tensor) => new hk.nets.MLP([64, 10]).call(x));
const x = hk.random.normal(hk.random.key(0), [32, 784]);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), "int32"), 10);

let params = net.init(hk.random.key(42), x); // { "mlp/~/linear_0": { w, b }, "mlp/~/linear_1": { w, b } }
const opt = hk.optim.adam(1e-3);
let optState = opt.init(params);
const step = hk.optim.trainStep((p: hk.Params, xb: tf.Tensor, yb: tf.Tensor) => tf.losses.softmaxCrossEntropy(yb, net.apply(p, null, xb)), opt);

for (let i = 0; i < 100; i++) {
  const r = step(params, optState, x, y); // the old params and optState are disposed for you
  ({ params, optState } = r);
  if (i % 25 === 0) console.log(`step ${i}: loss ${r.loss.dataSync()[0]!.toFixed(4)}`);
  r.loss.dispose();
}
await hk.io.saveParams(`${tmpdir()}/mlp.safetensors`, params); // keys as in Haiku: mlp/~/linear_0/w, ...
