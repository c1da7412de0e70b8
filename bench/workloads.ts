/** The benchmark workloads, shared by every system so they compute the same thing. */
import * as tf from "@tensorflow/tfjs-core";

export interface Workload {
  name: "mlp" | "cnn";
  batch: number;
  inputShape: number[];
  classes: number;
}

/** MLP 784-512-512-10, Adam, batch 128 (benchmark 1). */
export const MLP: Workload = { name: "mlp", batch: 128, inputShape: [784], classes: 10 };
/** The Keras JaxLayer documentation's CNN on 28x28x1, batch 64 (benchmark 2). */
export const CNN: Workload = { name: "cnn", batch: 64, inputShape: [28, 28, 1], classes: 10 };

export const MLP_SIZES = [512, 512, 10];
export const LEARNING_RATE = 1e-3;

/** Deterministic host data for one batch: inputs in [0, 1), one-hot labels. */
export function syntheticBatch(w: Workload, batch = w.batch): { x: Float32Array; y: Float32Array } {
  const size = w.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(batch * size);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s >>> 8) / 16777216;
  }
  const y = new Float32Array(batch * w.classes);
  for (let i = 0; i < batch; i++) y[i * w.classes + (i % w.classes)] = 1;
  return { x, y };
}

/** What one system returns for a workload: a training step and an inference pass. */
export interface BenchSystem {
  /** One optimisation step on the fixed batch (synchronous work plus a readback). */
  trainStep(): Promise<void> | void;
  /** Inference on `inferBatch` examples, when the system supports it. */
  infer?(): Promise<void> | void;
  /** Frees everything the system allocated. */
  dispose?(): void;
}

/** The fixed training batch and inference batch of a workload, as tensors. */
export function benchTensors(w: Workload, inferBatch: number): { x: tf.Tensor; y: tf.Tensor; xInfer: tf.Tensor } {
  const { x, y } = syntheticBatch(w);
  const { x: xi } = syntheticBatch(w, inferBatch);
  return {
    x: tf.tensor(x, [w.batch, ...w.inputShape]),
    y: tf.tensor(y, [w.batch, w.classes]),
    xInfer: tf.tensor(xi, [inferBatch, ...w.inputShape]),
  };
}
