// Measures the runtime's wasm kernel fixes on two training steps (not part of CI):
//   npx tsx bench/runtime-kernels.ts [--steps N]
// MLP 784-512-512-10 (batch 128) and the Keras JaxLayer documentation's CNN (Conv2D 32 3x3 SAME, AvgPool 2 VALID,
// Dense 200, Dense 10; batch 64 on 28x28x1), both with Adam, hand-written tfjs-core, run with
// the built-in wasm matmul kernels and with the runtime's fast matmul (the other runtime fixes
// stay on in both: the CNN cannot train on wasm without the filled Conv2DBackpropFilter).
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";

const builtIn = [tf.BatchMatMul, tf._FusedMatMul].map((n) => tf.getKernel(n, "wasm")!);
const { ready } = await import("../src/runtime/index.js");
await import("../src/runtime/training.js"); // tfjs' gradients (hand-written training steps)
await ready();
const fast = [tf.BatchMatMul, tf._FusedMatMul].map((n) => tf.getKernel(n, "wasm")!);

function use(configs: tf.KernelConfig[]): void {
  for (const c of configs) {
    tf.unregisterKernel(c.kernelName, "wasm");
    tf.registerKernel(c);
  }
}

const stepsArg = process.argv.indexOf("--steps");
const STEPS = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 20;

function glorot(shape: number[], seed: number): tf.Variable {
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const fanOut = shape[shape.length - 1]!;
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return tf.variable(tf.randomUniform(shape, -lim, lim, "float32", seed));
}

interface Model {
  vars: tf.Variable[];
  loss: () => tf.Scalar;
}

function mlp(): Model {
  const x = tf.randomNormal([128, 784], 0, 1, "float32", 1);
  const y = tf.oneHot(tf.randomUniform([128], 0, 10, "int32", 2), 10);
  const w1 = glorot([784, 512], 3),
    b1 = tf.variable(tf.zeros([512]));
  const w2 = glorot([512, 512], 4),
    b2 = tf.variable(tf.zeros([512]));
  const w3 = glorot([512, 10], 5),
    b3 = tf.variable(tf.zeros([10]));
  return {
    vars: [w1, b1, w2, b2, w3, b3],
    loss: () => {
      const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
      const logits = tf.add(tf.matMul(h2, w3), b3);
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    },
  };
}

function cnn(): Model {
  const x = tf.randomNormal([64, 28, 28, 1], 0, 1, "float32", 6) as tf.Tensor4D;
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, "int32", 7), 10);
  const k = glorot([3, 3, 1, 32], 8),
    kb = tf.variable(tf.zeros([32]));
  const w1 = glorot([14 * 14 * 32, 200], 9),
    b1 = tf.variable(tf.zeros([200]));
  const w2 = glorot([200, 10], 10),
    b2 = tf.variable(tf.zeros([10]));
  return {
    vars: [k, kb, w1, b1, w2, b2],
    loss: () => {
      const c = tf.relu(tf.add(tf.conv2d(x, k as tf.Tensor4D, 1, "same"), kb));
      const p = tf.avgPool(c as tf.Tensor4D, 2, 2, "valid");
      const h = tf.relu(tf.add(tf.matMul(tf.reshape(p, [64, 14 * 14 * 32]), w1), b1));
      const logits = tf.add(tf.matMul(h, w2), b2);
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    },
  };
}

// Steps of the two kernel sets are interleaved, so load from other processes hits both alike.
function compare(model: Model): Record<"builtIn" | "fast", { rate: number; leaked: number }> {
  const opt = tf.train.adam(1e-3);
  const step = () => {
    const cost = opt.minimize(model.loss, true, model.vars);
    cost?.dataSync();
    cost?.dispose();
  };
  const sets = { builtIn, fast };
  const times: Record<string, number[]> = { builtIn: [], fast: [] };
  const leaked: Record<string, number> = { builtIn: 0, fast: 0 };
  for (const name of ["builtIn", "fast"] as const) {
    use(sets[name]);
    step(); // warm-up: XNNPACK set-up, Adam slots
  }
  for (let i = 0; i < STEPS; i++) {
    for (const name of ["builtIn", "fast"] as const) {
      use(sets[name]);
      const before = tf.memory().numTensors;
      const t0 = performance.now();
      step();
      times[name]!.push(performance.now() - t0);
      leaked[name]! += tf.memory().numTensors - before;
    }
  }
  const rate = (t: number[]) => 1000 / t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
  return {
    builtIn: { rate: rate(times.builtIn!), leaked: leaked.builtIn! },
    fast: { rate: rate(times.fast!), leaked: leaked.fast! },
  };
}

for (const [name, make] of [
  ["MLP 784-512-512-10, batch 128", mlp],
  ["CNN seed, batch 64", cnn],
] as const) {
  const model = make();
  const r = compare(model);
  console.log(
    `${name}: built-in wasm matmul ${r.builtIn.rate.toFixed(2)} steps/s, runtime fast matmul ` +
      `${r.fast.rate.toFixed(2)} steps/s (${(r.fast.rate / r.builtIn.rate).toFixed(1)}x; medians of ${STEPS} ` +
      `interleaved steps; tensors leaked: ${r.builtIn.leaked} / ${r.fast.leaked})`,
  );
  tf.dispose(model.vars);
}
use(fast);
