// Misuse and edge cases of the optimizers added for issue 13 (values are checked against optax
// in test/golden/optax_extra.test.ts).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";

const { optim } = hk;
const params = () => ({ linear: { w: tf.ones([3, 2]), b: tf.zeros([2]) } });

describe("optimizers that read params", () => {
  for (const [name, make] of [
    ["lamb", () => optim.lamb(1e-3)],
    ["lars", () => optim.lars(0.1)],
    ["adafactor", () => optim.adafactor(1e-2)],
    ["novograd with weightDecay", () => optim.novograd(1e-2, { weightDecay: 0.1 })],
  ] as const) {
    it(`${name}: update without params throws InvalidArgumentError naming the fix, and leaks nothing`, () => {
      const p = params();
      const opt = make();
      const state = opt.init(p);
      const before = tf.memory().numTensors;
      expect(() => opt.update(p, state)).toThrow(hk.InvalidArgumentError);
      expect(() => opt.update(p, state)).toThrow(
        /`params` was not passed to `update`\. Fix: call opt\.update\(grads, state, params\)/,
      );
      expect(tf.memory().numTensors).toBe(before);
      hk.tree.dispose([p, state]);
    });
  }
});

describe("scaleByTrustRatio", () => {
  it("uses a ratio of 1 where the param or the update is zero (optax scale_by_trust_ratio)", () => {
    const t = optim.scaleByTrustRatio();
    const p = { a: tf.zeros([2]), b: tf.tensor1d([3, 4]) };
    const u = { a: tf.tensor1d([1, 2]), b: tf.tensor1d([0.6, 0.8]) };
    const [out] = t.update(u, t.init(p), p);
    expect(Array.from(out.a.dataSync())).toEqual([1, 2]);
    // |p| = 5, |u| = 1: the update is scaled by 5.
    const b = Array.from(out.b.dataSync());
    expect(b[0]).toBeCloseTo(3, 5);
    expect(b[1]).toBeCloseTo(4, 5);
    hk.tree.dispose([p, u, out]);
  });
});

describe("scaleByFactoredRms", () => {
  it("keeps row and column statistics for a factored leaf (optax factorized._factored_dims)", () => {
    const t = optim.scaleByFactoredRms({ minDimSizeToFactor: 2 });
    const p = { w: tf.ones([4, 3]), b: tf.ones([3]) };
    const s = t.init(p);
    const shapes = (x: unknown) => hk.tree.map((v: tf.Tensor) => v.shape, x as hk.Params);
    // d0 = 0 (the largest dim, 4) and d1 = 1: vRow drops d0, vCol drops d1.
    expect(shapes(s.vRow)).toEqual({ w: [3], b: [1] });
    expect(shapes(s.vCol)).toEqual({ w: [4], b: [1] });
    expect(shapes(s.v)).toEqual({ w: [1], b: [3] });
    hk.tree.dispose([p, s]);
  });
});

describe("radam", () => {
  it("returns the debiased momentum until ro reaches the threshold (optax scale_by_radam)", () => {
    // With b1 = 0, mu_hat is the gradient itself; with b2 = 0.999, ro < 5 for the first 5 steps.
    const t = optim.scaleByRadam({ b1: 0 });
    const p = { w: tf.tensor1d([1, -2]) };
    let s = t.init(p);
    for (let i = 0; i < 5; i++) {
      const [u, next] = t.update(p, s);
      expect(Array.from(u.w.dataSync())).toEqual([1, -2]);
      hk.tree.dispose([u, s]);
      s = next;
    }
    hk.tree.dispose([p, s]);
  });
});

describe("sm3", () => {
  it("rejects scalar params (optax's scale_by_sm3 keeps one accumulator per axis)", () => {
    const p = { w: tf.ones([2]), s: tf.scalar(1) };
    expect(() => optim.sm3(0.1).init(p)).toThrow(
      /hk\.optim\.scaleBySm3: the param `s` is a scalar; SM3 keeps one accumulator per axis and needs rank >= 1\. Fix:/,
    );
    hk.tree.dispose(p);
  });
});
