/** tfjs-layers as shipped: Dense / Conv2D layers, `compile` + `trainOnBatch`. */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { LEARNING_RATE, MLP_SIZES, benchTensors, type BenchSystem, type Workload } from "../workloads.js";

export function setup(w: Workload, inferBatch: number): BenchSystem {
  const model = tfl.sequential();
  if (w.name === "mlp") {
    MLP_SIZES.forEach((units, i) =>
      model.add(
        tfl.layers.dense({
          units,
          activation: i < MLP_SIZES.length - 1 ? "relu" : "linear",
          ...(i === 0 ? { inputShape: w.inputShape } : {}),
        }),
      ),
    );
  } else {
    model.add(
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: "same", activation: "relu", inputShape: w.inputShape }),
    );
    model.add(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: "valid" }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 200 }));
    model.add(tfl.layers.dropout({ rate: 0.3 }));
    model.add(tfl.layers.activation({ activation: "relu" }));
    model.add(tfl.layers.dense({ units: 10 }));
  }
  model.compile({
    optimizer: tf.train.adam(LEARNING_RATE),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const { x, y, xInfer } = benchTensors(w, inferBatch);
  return {
    async trainStep() {
      await model.trainOnBatch(x, y);
    },
    infer() {
      const out = model.predict(xInfer) as tf.Tensor;
      out.dataSync();
      out.dispose();
    },
  };
}
