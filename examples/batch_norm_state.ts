/**
 * A stateful model with `hk.transformWithState`: BatchNorm keeps moving averages in `state`
 * (`batch_norm/~/mean_ema`, `batch_norm/~/var_ema`), which change while training
 * (`isTraining = true`) and stay fixed at evaluation. The training loop threads params, state
 * and the optimizer state through `hk.valueAndGrad` with `hasAux`, replacing each every step.
 *
 *   npx tsx examples/batch_norm_state.ts [--quick]
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";
import { quick } from "./lib/cli.js";

await hk.ready();

function net(x: tf.Tensor, isTraining: boolean): tf.Tensor {
  let h = new hk.Linear(32).call(x);
  h = new hk.BatchNorm(true, true, 0.9).call(h, isTraining);
  h = tf.relu(h);
  return new hk.Linear(1).call(h);
}

const model = hk.withoutApplyRng(hk.transformWithState(net));

// y = sum(x) + noise, with inputs far from zero mean so BatchNorm has work to do.
const n = 256;
const x = tf.add(tf.mul(hk.random.normal(hk.random.key(1), [n, 8]), 3), 5);
const y = tf.tidy(() => tf.add(tf.sum(x, 1, true), tf.mul(hk.random.normal(hk.random.key(2), [n, 1]), 0.1)));

let [params, state] = model.init(hk.random.key(0), x, true);
console.log(
  "state entries:",
  Object.keys(state)
    .map((m) => `${m} {${Object.keys(state[m]!).join(", ")}}`)
    .join("; "),
);

type Aux = hk.State;
const lossFn = (p: hk.Params, s: hk.State, xb: tf.Tensor, yb: tf.Tensor): [tf.Scalar, Aux] => {
  const [pred, newState] = model.apply(p, s, xb, true);
  return [tf.losses.meanSquaredError(yb, pred) as tf.Scalar, newState];
};
const opt = hk.optim.adam(1e-2);
let optState = opt.init(params);
const step = hk.optim.trainStep(lossFn, opt, { hasAux: true });

const meanBefore = (state["batch_norm/~/mean_ema"]!["average"] as tf.Tensor).dataSync().slice(0, 3);
const steps = quick ? 20 : 300;
let firstLoss = NaN;
let lastLoss = NaN;
for (let i = 0; i < steps; i++) {
  const r = step(params, optState, state, x, y);
  const oldState = state;
  ({ params, optState } = r);
  state = r.aux;
  hk.tree.dispose(oldState);
  const l = r.loss.dataSync()[0]!;
  if (i === 0) firstLoss = l;
  lastLoss = l;
  r.loss.dispose();
}
const meanAfter = (state["batch_norm/~/mean_ema"]!["average"] as tf.Tensor).dataSync().slice(0, 3);
console.log(`training loss ${firstLoss.toFixed(3)} -> ${lastLoss.toFixed(3)} over ${steps} steps`);
console.log(
  `moving mean (first 3) before [${Array.from(meanBefore, (v) => v.toFixed(3))}] after [${Array.from(meanAfter, (v) => v.toFixed(3))}]`,
);

// Evaluation uses the moving averages and leaves the state as it was.
const [pred, evalState] = model.apply(params, state, x, false);
const same = tf.tidy(
  () =>
    tf
      .all(
        tf.equal(
          evalState["batch_norm/~/mean_ema"]!["average"] as tf.Tensor,
          state["batch_norm/~/mean_ema"]!["average"] as tf.Tensor,
        ),
      )
      .dataSync()[0],
);
const evalLoss = tf.tidy(() => tf.losses.meanSquaredError(y, pred).dataSync()[0]!);
console.log(`evaluation loss ${evalLoss.toFixed(3)}; state unchanged by evaluation: ${same === 1}`);
if (lastLoss >= firstLoss) throw new Error("training did not reduce the loss");
pred.dispose();
if (evalState !== state) hk.tree.dispose(evalState);
hk.tree.dispose([params, state, optState, x, y]);
