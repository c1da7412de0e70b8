// Writes test/golden/fixtures/checkpoint_ts_{params,state}.safetensors with haiku-tfjs, for
// tools/golden/checkpoints.py to load into real Haiku (the "our file -> Haiku" direction of
// test/golden/checkpoints.test.ts). Run from the repository root:
//
//   npx tsx tools/golden/write_ts_checkpoint.ts
//
// The model is the one in checkpoints.py (`net`): Conv2D -> BatchNorm -> relu -> Flatten -> MLP.
// Params come from our init with key 1 and three SGD steps in training mode (so biases, BatchNorm
// offsets and moving averages are no longer at their initial values). Deterministic: the inputs
// are closed-form, and our random numbers are JAX's.
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/index.js";

await hk.ready();

const net = hk.transformWithState((x: tf.Tensor, isTraining: boolean) => {
  let y = new hk.Conv2D(4, 3, { name: "conv" }).call(x);
  y = new hk.BatchNorm(true, true, 0.9, { name: "bn" }).call(y, isTraining);
  y = new hk.Flatten().call(tf.relu(y));
  return new hk.nets.MLP([8, 3]).call(y);
});

const closedForm = (shape: number[], phase: number) =>
  tf.tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.37 * i + phase)),
    shape,
  );

const x = closedForm([2, 5, 5, 2], 0);
const target = closedForm([2, 3], 1);
let [params, state] = net.init(hk.random.key(1), x, true);
const opt = hk.optim.sgd(0.1);
let optState = opt.init(params);
for (let step = 0; step < 3; step++) {
  const [[loss, newState], grads] = hk.valueAndGrad(
    (p: hk.Params) => {
      const [out, s] = net.apply(p, state, null, x, true);
      return [tf.mean(tf.square(tf.sub(out, target))), s] as const;
    },
    { hasAux: true },
  )(params);
  const [updates, nextOpt] = opt.update(grads, optState, params);
  const nextParams = hk.optim.applyUpdates(params, updates);
  console.log(`step ${step}: loss ${loss.dataSync()[0]!.toFixed(6)}`);
  hk.tree.dispose([loss, grads, updates, params, optState, state] as never);
  [params, optState, state] = [nextParams, nextOpt, newState];
}

const dir = new URL("../../test/golden/fixtures/", import.meta.url).pathname;
const metadata = { generator: "tools/golden/write_ts_checkpoint.ts" };
await hk.io.saveParams(`${dir}checkpoint_ts_params.safetensors`, params, { metadata });
await hk.io.saveParams(`${dir}checkpoint_ts_state.safetensors`, state, { metadata });
console.log("wrote", Object.keys(params).join(", "), "|", Object.keys(state).join(", "));
