/**
 * Memory held for the backward pass of a deep MLP, with and without `hk.remat` on each block:
 * the bytes of tfjs tensors alive right after the forward pass inside `hk.valueAndGrad` (what
 * the tape keeps for the backward pass), and the gradients' agreement. Byte counts are exact
 * (not timings), so the shared machine does not disturb them.
 *
 *   npx tsx bench/remat_memory.ts
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../src/index.js";

await hk.ready();

const DEPTH = 16;
const WIDTH = 512;
const BATCH = 256;

const net = (useRemat: boolean) =>
  hk.withoutApplyRng(
    hk.transform((x: tf.Tensor) => {
      const block = (h: tf.Tensor) => tf.relu(new hk.Linear(WIDTH).call(tf.relu(new hk.Linear(WIDTH).call(h))));
      const b = useRemat ? hk.remat(block) : block;
      for (let i = 0; i < DEPTH; i++) x = b(x);
      return x;
    }),
  );

const x = hk.random.normal(hk.random.key(0), [BATCH, WIDTH]);
const params = net(false).init(hk.random.key(1), x);

function measure(useRemat: boolean): { heldMiB: number; grads: hk.Params } {
  const t = net(useRemat);
  let held = 0;
  const [v, grads] = hk.valueAndGrad((p: hk.Params) => {
    const before = tf.memory().numBytes;
    const y = t.apply(p, x);
    held = tf.memory().numBytes - before;
    return tf.mean(tf.square(y));
  })(params);
  v.dispose();
  return { heldMiB: held / 2 ** 20, grads: grads as hk.Params };
}

const plain = measure(false);
const rem = measure(true);
let maxDiff = 0;
for (const m of Object.keys(plain.grads)) {
  for (const n of Object.keys(plain.grads[m]!)) {
    maxDiff = Math.max(maxDiff, tf.max(tf.abs(tf.sub(plain.grads[m]![n]!, rem.grads[m]![n]!))).dataSync()[0]!);
  }
}
console.log(`MLP ${DEPTH} blocks x 2 Linear(${WIDTH}), batch ${BATCH}, backend ${tf.getBackend()}`);
console.log(
  `held after the forward pass: plain ${plain.heldMiB.toFixed(1)} MiB, hk.remat ${rem.heldMiB.toFixed(1)} MiB`,
);
console.log(`max |grad difference| ${maxDiff.toExponential(2)}`);
