import * as tf from "@tensorflow/tfjs-core";
import { expect } from "vitest";

/** Deterministic host data (an LCG), so both backends see identical inputs. */
function hostData(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** A tensor filled from {@link hostData}. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    hostData(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/**
 * Runs `fn` on the wasm backend and on the cpu backend and returns both results as plain arrays;
 * the backend is wasm again afterwards.
 */
export function onBothBackends(fn: () => tf.Tensor[]): {
  wasm: Float32Array[];
  cpu: Float32Array[];
  shapes: number[][];
} {
  const run = (name: string) => {
    tf.setBackend(name);
    return tf.tidy(() => {
      const outs = fn();
      return { values: outs.map((t) => Float32Array.from(t.dataSync())), shapes: outs.map((t) => t.shape) };
    });
  };
  try {
    const wasm = run("wasm");
    const cpu = run("cpu");
    expect(cpu.shapes).toEqual(wasm.shapes);
    return { wasm: wasm.values, cpu: cpu.values, shapes: wasm.shapes };
  } finally {
    tf.setBackend("wasm");
  }
}

/** Asserts |a - b| <= tol·(1 + |b|) elementwise. */
export function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN)) / (1 + Math.abs(expected[i] ?? 0));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `worst relative error at index ${at}`).toBeLessThanOrEqual(tol);
}

/** Compares every output of `fn` between wasm and cpu. */
export function expectSameOnBothBackends(fn: () => tf.Tensor[], tol = 1e-4): void {
  const { wasm, cpu } = onBothBackends(fn);
  wasm.forEach((w, i) => expectClose(w, cpu[i]!, tol));
}

/**
 * Asserts that repeated calls of `fn` (which must free its own results) leave the tensor count
 * and the wasm backend's buffer count unchanged.
 */
export function expectNoLeaks(fn: () => void, repeats = 3): void {
  fn(); // warm-up: lazily created constants are allowed once
  const tensors = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  for (let i = 0; i < repeats; i++) fn();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(tf.engine().backend.numDataIds()).toBe(dataIds);
}
