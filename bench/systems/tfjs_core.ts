/**
 * Hand-written tfjs-core, as a user writes it: `tf.variableGrads` + `tf.train.adam`.
 * Gradients come from importing `@tensorflow/tfjs-layers` (tfjs-core's Node bundle has none).
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import { LEARNING_RATE, MLP_SIZES, benchTensors, type BenchSystem, type Workload } from "../workloads.js";

function glorot(shape: number[]): tf.Variable {
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return tf.variable(tf.randomNormal(shape, 0, 1 / Math.sqrt(fanIn), "float32", 1));
}

export function setup(w: Workload, inferBatch: number): BenchSystem {
  const { x, y, xInfer } = benchTensors(w, inferBatch);
  const opt = tf.train.adam(LEARNING_RATE);
  let forward: (x: tf.Tensor, training: boolean) => tf.Tensor;
  if (w.name === "mlp") {
    const ws: tf.Variable[] = [];
    const bs: tf.Variable[] = [];
    let inSize = w.inputShape[0]!;
    for (const out of MLP_SIZES) {
      ws.push(glorot([inSize, out]));
      bs.push(tf.variable(tf.zeros([out])));
      inSize = out;
    }
    forward = (input) => {
      let h = input;
      for (let i = 0; i < ws.length; i++) {
        h = tf.add(tf.matMul(h, ws[i]!), bs[i]!);
        if (i < ws.length - 1) h = tf.relu(h);
      }
      return h;
    };
  } else {
    const k = glorot([3, 3, 1, 32]);
    const kb = tf.variable(tf.zeros([32]));
    const w1 = glorot([14 * 14 * 32, 200]);
    const b1 = tf.variable(tf.zeros([200]));
    const w2 = glorot([200, 10]);
    const b2 = tf.variable(tf.zeros([10]));
    forward = (input, training) => {
      let h: tf.Tensor = tf.relu(tf.add(tf.conv2d(input as tf.Tensor4D, k as tf.Tensor4D, 1, "same"), kb));
      h = tf.avgPool(h as tf.Tensor4D, 2, 2, "valid");
      h = tf.reshape(h, [h.shape[0]!, -1]);
      h = tf.add(tf.matMul(h, w1), b1);
      if (training) h = tf.dropout(h, 0.3);
      h = tf.relu(h);
      return tf.add(tf.matMul(h, w2), b2);
    };
  }
  return {
    trainStep() {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x, true)) as tf.Scalar, true);
      loss?.dataSync();
      loss?.dispose();
    },
    infer() {
      const out = tf.tidy(() => forward(xInfer, false));
      out.dataSync();
      out.dispose();
    },
  };
}
