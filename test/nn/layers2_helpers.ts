// Shared helpers of the normalization / embed / attention / recurrent / experimental tests.
import * as tf from "@tensorflow/tfjs-core";
import { expect } from "vitest";

/** Deterministic values in [-1, 1) from an LCG, so tests never depend on a sampler. */
export function lcg(size: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(s / 2 ** 31 - 1));
  }
  return out;
}

/** A float32 tensor of {@link lcg} values. */
export function lcgTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(lcg(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** Asserts element-wise closeness (absolute + relative tolerance). */
export function expectClose(actual: tf.Tensor | ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  const a = actual instanceof tf.Tensor ? Array.from(actual.dataSync()) : Array.from(actual);
  const e = Array.from(expected);
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const tol = atol + rtol * Math.abs(e[i]!);
    if (!(Math.abs(a[i]! - e[i]!) <= tol)) {
      throw new Error(`element ${i}: got ${a[i]}, expected ${e[i]} (tolerance ${tol})`);
    }
  }
}

/** `{module: {name: shape}}` of a params / state tree (tensor leaves only). */
export function shapes(tree: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [m, inner] of Object.entries(tree)) {
    out[m] = {};
    for (const [k, v] of Object.entries(inner)) out[m]![k] = (v as tf.Tensor).shape;
  }
  return out;
}

/** Runs `fn` `n` times and asserts the live tensor count does not grow after the first run. */
export function expectNoLeak(fn: () => void, n = 3): void {
  fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < n; i++) fn();
  expect(tf.memory().numTensors).toBe(before);
}

/** Per-channel (last axis) mean and biased variance of a row-major array with `c` channels. */
export function channelStats(values: readonly number[], c: number): { mean: number[]; variance: number[] } {
  const n = values.length / c;
  const mean = new Array<number>(c).fill(0);
  const variance = new Array<number>(c).fill(0);
  values.forEach((v, i) => (mean[i % c]! += v / n));
  values.forEach((v, i) => (variance[i % c]! += (v - mean[i % c]!) ** 2 / n));
  return { mean, variance };
}

/**
 * Gradients of `loss(params, ...inputs)` with respect to every parameter (in the params' order)
 * and then every input, as plain arrays, on the current backend.
 */
export function paramGrads(
  params: Readonly<Record<string, Readonly<Record<string, tf.Tensor>>>>,
  inputs: tf.Tensor[],
  loss: (p: Record<string, Record<string, tf.Tensor>>, ...inputs: tf.Tensor[]) => tf.Tensor,
): number[][] {
  const names = Object.keys(params).flatMap((m) => Object.keys(params[m]!).map((n) => [m, n] as const));
  const grads = tf.grads((...ts: tf.Tensor[]) => {
    const p: Record<string, Record<string, tf.Tensor>> = {};
    names.forEach(([m, n], i) => ((p[m] ??= {})[n] = ts[i]!));
    return loss(p, ...ts.slice(names.length)) as tf.Scalar;
  })([...names.map(([m, n]) => params[m]![n]!), ...inputs]);
  return grads.map((g) => Array.from(g.dataSync()));
}

/**
 * Runs `fn` on wasm and on cpu, asserts the results agree, and returns the wasm result; the
 * backend is wasm again afterwards.
 */
export function expectCpuAgrees(fn: () => number[][], atol = 1e-5, rtol = 1e-3): number[][] {
  expect(tf.getBackend()).toBe("wasm");
  const onWasm = fn();
  tf.setBackend("cpu");
  try {
    const onCpu = fn();
    expect(onCpu).toHaveLength(onWasm.length);
    onCpu.forEach((g, i) => expectClose(onWasm[i]!, g, atol, rtol));
  } finally {
    tf.setBackend("wasm");
  }
  return onWasm;
}
