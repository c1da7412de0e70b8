/**
 * A sequence model: an LSTM unrolled over time with `hk.dynamicUnroll` learns to continue
 * noisy sine waves (one step ahead). Parameters are named as in Haiku (`lstm/linear`,
 * `linear`), and the whole loop is `hk.optim.trainStep` with Adam.
 *
 *   npx tsx examples/lstm_sequence.ts [--quick]
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";
import { quick } from "./lib/cli.js";

await hk.ready();

const T = 24;
const BATCH = 32;

/** Sine waves with random phases and frequencies: inputs x[t], targets x[t + 1]. */
function batch(seed: number): { x: tf.Tensor3D; y: tf.Tensor3D } {
  return tf.tidy(() => {
    const [kp, kf] = hk.random.split(hk.random.key(seed));
    const phase = tf.mul(hk.random.uniform(kp!, [BATCH, 1]), 2 * Math.PI);
    const freq = tf.add(tf.mul(hk.random.uniform(kf!, [BATCH, 1]), 0.3), 0.2);
    const t = tf.reshape(tf.range(0, T + 1, 1, "float32"), [1, T + 1]);
    const wave = tf.sin(tf.add(tf.mul(freq, t), phase)); // [B, T + 1]
    const x = tf.reshape(tf.slice(wave, [0, 0], [BATCH, T]), [BATCH, T, 1]) as tf.Tensor3D;
    const y = tf.reshape(tf.slice(wave, [0, 1], [BATCH, T]), [BATCH, T, 1]) as tf.Tensor3D;
    return { x, y };
  });
}

function forward(x: tf.Tensor3D): tf.Tensor {
  const lstm = new hk.LSTM(32);
  const [hidden] = hk.dynamicUnroll(lstm, x, lstm.initialState(x.shape[0]), { timeMajor: false });
  const readout = new hk.Linear(1);
  return new hk.BatchApply((h: tf.Tensor) => readout.call(h)).call(hidden);
}

const model = hk.withoutApplyRng(hk.transform(forward));
const first = batch(0);
let params = model.init(hk.random.key(0), first.x);
console.log(
  "params:",
  Object.entries(params)
    .map(
      ([m, p]) =>
        `${m} {${Object.entries(p)
          .map(([n, v]) => `${n}: [${v.shape}]`)
          .join(", ")}}`,
    )
    .join("; "),
);
tf.dispose([first.x, first.y]);

const opt = hk.optim.adam(1e-2);
let optState = opt.init(params);
const step = hk.optim.trainStep(
  (p: hk.Params, x: tf.Tensor3D, y: tf.Tensor3D) => tf.losses.meanSquaredError(y, model.apply(p, x)) as tf.Scalar,
  opt,
);

const steps = quick ? 5 : 200;
const losses: number[] = [];
for (let i = 0; i < steps; i++) {
  const { x, y } = batch(i + 1);
  const r = step(params, optState, x, y);
  ({ params, optState } = r);
  losses.push(r.loss.dataSync()[0]!);
  tf.dispose([r.loss, x, y]);
  if (!quick && (i + 1) % 50 === 0) console.log(`step ${i + 1}: loss ${losses[i]!.toFixed(4)}`);
}
console.log(
  `one-step-ahead MSE ${losses[0]!.toFixed(4)} -> ${losses[losses.length - 1]!.toFixed(4)} over ${steps} steps`,
);
if (!quick && losses[losses.length - 1]! > 0.05) throw new Error("the LSTM did not learn the sine waves");
hk.tree.dispose([params, optState]);
