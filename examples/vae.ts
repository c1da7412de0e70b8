/**
 * A variational autoencoder on the MNIST digits (Haiku's VAE example, in TypeScript): an MLP
 * encoder gives the mean and log-std of a 10-d latent, `hk.nextRngKey()` draws the noise of the
 * reparameterisation `z = mean + std * eps` (so `apply` takes an rng, as in Haiku), and an MLP
 * decoder gives Bernoulli logits of the 784 pixels. The loss is the negative ELBO: the binary
 * cross-entropy of the reconstruction plus the KL divergence to N(0, 1).
 *
 *   npx tsx examples/vae.ts [--quick]
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";
import { quick } from "./lib/cli.js";
import { gatherBatch, loadMnist, permutation } from "./lib/mnist_data.js";

await hk.ready();

const LATENT = 10;
const BATCH = quick ? 32 : 128;
const STEPS = quick ? 3 : 1000;

@hk.module
class Encoder extends hk.Module {
  call(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const h = tf.relu(new hk.Linear(512).call(tf.reshape(x, [x.shape[0]!, -1])));
    return [new hk.Linear(LATENT, { name: "mean" }).call(h), new hk.Linear(LATENT, { name: "log_stddev" }).call(h)];
  }
}

@hk.module
class Decoder extends hk.Module {
  call(z: tf.Tensor): tf.Tensor {
    return new hk.Linear(784).call(tf.relu(new hk.Linear(512).call(z)));
  }
}

/** Returns the reconstruction logits and the latent's mean and log-std. */
function vae(x: tf.Tensor): { logits: tf.Tensor; mean: tf.Tensor; logStd: tf.Tensor } {
  const [mean, logStd] = new Encoder().call(x);
  // The reparameterisation trick: the randomness comes from Haiku's key sequence.
  const eps = hk.random.normal(hk.nextRngKey(), mean.shape);
  const z = tf.add(mean, tf.mul(tf.exp(logStd), eps));
  return { logits: new Decoder().call(z), mean, logStd };
}

const model = hk.transform(vae);

function negativeElbo(p: hk.Params, rng: hk.random.PRNGKey, x: tf.Tensor): tf.Scalar {
  const { logits, mean, logStd } = model.apply(p, rng, x);
  const flat = tf.reshape(x, [x.shape[0]!, 784]);
  // Bernoulli log-likelihood, summed over pixels (stable form of the sigmoid cross-entropy).
  const bce = tf.sum(
    tf.add(tf.sub(tf.relu(logits), tf.mul(logits, flat)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))),
    1,
  );
  // KL(N(mean, std^2) || N(0, 1)), summed over the latent.
  const kl = tf.mul(
    0.5,
    tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(tf.mul(2, logStd))), tf.add(tf.mul(2, logStd), 1)), 1),
  );
  return tf.mean(tf.add(bce, kl)) as tf.Scalar;
}

const { train } = loadMnist();
const order = permutation(train.count, 0);
const batchAt = (i: number): tf.Tensor => {
  const start = (i * BATCH) % (train.count - BATCH);
  const b = gatherBatch(train, order, start, BATCH);
  return tf.tensor4d(b.images, [b.size, 28, 28, 1]);
};

const x0 = batchAt(0);
let params = model.init(hk.random.key(0), x0);
x0.dispose();
console.log("params:", Object.keys(params).join(", "));
const opt = hk.optim.adam(1e-3);
let optState = opt.init(params);
const step = hk.optim.trainStep(negativeElbo, opt);

const losses: number[] = [];
let key = hk.random.key(1);
for (let i = 0; i < STEPS; i++) {
  const [next, sub] = hk.random.split(key);
  key = next!;
  const x = batchAt(i);
  const r = step(params, optState, sub!, x);
  ({ params, optState } = r);
  losses.push(r.loss.dataSync()[0]!);
  r.loss.dispose();
  if (!quick && (i + 1) % 200 === 0) console.log(`step ${i + 1}: -ELBO ${losses[i]!.toFixed(1)} nats`);
}
console.log(
  `-ELBO ${losses[0]!.toFixed(1)} -> ${losses[losses.length - 1]!.toFixed(1)} nats per digit over ${STEPS} steps`,
);

// Two samples from the prior through the decoder (its params are those of the trained model), as ASCII art.
const samples = tf.tidy(() => {
  const z = hk.random.normal(hk.random.key(5), [2, LATENT]);
  const dec = hk.withoutApplyRng(hk.transform((zz: tf.Tensor) => new Decoder().call(zz)));
  return tf.sigmoid(dec.apply(params, z)).dataSync();
});
for (let r = 0; r < 28; r += 2) {
  let line = "";
  for (let s = 0; s < 2; s++)
    for (let c = 0; c < 28; c++)
      line += samples[s * 784 + r * 28 + c]! > 0.5 ? "#" : samples[s * 784 + r * 28 + c]! > 0.2 ? "+" : " ";
  console.log(line);
}
if (!quick && losses[losses.length - 1]! > 140) throw new Error("the VAE did not learn the digits");
hk.tree.dispose([params, optState]);
