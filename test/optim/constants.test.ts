// Hyper-parameter constants are cached per value (so a step uploads none), but the cache is
// bounded: a sweep over thousands of optimizers with distinct hyper-parameters keeps none of them.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import * as optim from "../../src/optim/index.js";
import * as tree from "../../src/tree/index.js";

/** One init + update + dispose of `opt` on a small params tree, the way a sweep uses it. */
function useOnce(opt: optim.GradientTransformation<unknown>): void {
  const params = { w: tf.ones([3, 2]), b: tf.zeros([2]) };
  const grads = { w: tf.fill([3, 2], 0.5), b: tf.fill([2], -0.25) };
  const state = opt.init(params);
  const [updates, next] = opt.update(grads, state, params);
  tree.dispose([params, grads, state, updates, next]);
}

/** Lets the cache trim itself (it evicts after the current synchronous work). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe("optimizer constants", () => {
  it("a sweep of 1,000 adam / sgd-momentum / adamw / rmsprop optimizers with distinct hyper-parameters keeps numTensors flat", async () => {
    const sweep = (from: number, to: number): void => {
      for (let i = from; i < to; i++) {
        const lr = 1e-4 * (1 + i / 1000);
        useOnce(optim.adam(lr, { b1: 0.9 - i * 1e-5 }));
        useOnce(optim.sgd(lr, { momentum: 0.5 + i * 1e-4 }));
        useOnce(optim.adamw(lr, { weightDecay: 1e-3 + i * 1e-6 }));
        useOnce(optim.rmsprop(lr, { decay: 0.8 + i * 1e-4 }));
        useOnce(optim.chain(optim.clipByGlobalNorm(1 + i), optim.sgd(lr)));
      }
    };
    sweep(0, 100);
    await settle();
    const afterFirstHundred = tf.memory().numTensors;
    sweep(100, 1000);
    await settle();
    expect(tf.memory().numTensors).toBe(afterFirstHundred);
  });

  it("reuses a value's constant while it is in use: repeated steps upload no new tensors", () => {
    expectFlatOverSteps(optim.sgd(0.1, { momentum: 0.9 }), 4, 20);
  });

  it("an evicted constant is uploaded again when its optimizer is used later, with the same result", async () => {
    const opt = optim.sgd(0.37);
    const grads = { w: tf.tensor1d([1, -2]) };
    const [first] = opt.update(grads, opt.init(grads));
    // Push 0.37 out of the cache with many other values.
    for (let i = 0; i < 500; i++) useOnce(optim.sgd(1 + i));
    await settle();
    const [second] = opt.update(grads, opt.init(grads));
    // optax sgd with no momentum: updates = -lr * g (optax/_src/alias.py sgd; transform.py scale).
    expect(Array.from((second as { w: tf.Tensor }).w.dataSync())).toEqual(
      Array.from((first as { w: tf.Tensor }).w.dataSync()),
    );
    expect((second as { w: tf.Tensor }).w.dataSync()[0]).toBeCloseTo(-0.37, 6);
    tree.dispose([grads, first, second]);
  });

  it("addDecayedWeights with a schedule keeps numTensors flat over steps (the scheduled rate lives in the step)", () => {
    expectFlatOverSteps(
      optim.addDecayedWeights((count: number) => 1e-2 / (1 + count)),
      3,
      10,
    );
  });
});

/**
 * Trains `{w: ones([size])}` with constant gradients, one warm-up step then `steps` more, and
 * asserts the live tensor count does not move.
 */
function expectFlatOverSteps(opt: optim.AnyTransformation, size: number, steps: number): void {
  let params = { w: tf.ones([size]) };
  let state: unknown = opt.init(params);
  const step = (): void => {
    const grads = { w: tf.fill([size], 0.5) };
    const [updates, next] = opt.update(grads, state, params);
    const newParams = optim.applyUpdates(params, updates);
    tree.dispose([grads, updates, state, params]);
    params = newParams;
    state = next;
  };
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) step();
  expect(tf.memory().numTensors).toBe(before);
  tree.dispose([params, state]);
}
