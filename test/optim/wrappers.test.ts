// Behaviour of the optax wrappers (MultiSteps, injectHyperparams, applyIfFinite, zeroNans,
// lookahead) and memory over 20 steps of every optimizer added for issue 13; values against
// optax are in test/golden/optax_extra.test.ts.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";
import { CONSTANT_CACHE_CAPACITY } from "../../src/optim/scalars.js";

const { optim } = hk;
const makeParams = () => ({
  linear: {
    w: tf.tensor2d([
      [1, -2],
      [0.5, 3],
    ]),
    b: tf.tensor1d([0.1, -0.1]),
  },
});
const gradsAt = (i: number) => ({
  linear: { w: tf.fill([2, 2], Math.sin(i + 1)), b: tf.tensor1d([Math.cos(i), 0.3]) },
});
const values = (t: unknown) => hk.tree.leaves(t as hk.Params).map((x) => Array.from((x as tf.Tensor).dataSync()));

/** Runs `steps` updates and returns the tensor count after each (the first includes state). */
function run(opt: hk.optim.GradientTransformation, steps: number, wrap = (p: unknown) => p): number[] {
  let params = wrap(makeParams());
  let state = opt.init(params);
  const counts: number[] = [];
  for (let i = 0; i < steps; i++) {
    const g = gradsAt(i);
    const [u, next] = opt.update(g, state, params);
    const p = optim.applyUpdates(params, u);
    hk.tree.dispose([g, u, params, state]);
    params = p;
    state = next;
    counts.push(tf.memory().numTensors);
  }
  hk.tree.dispose([params, state]);
  return counts;
}

describe("memory: every new optimizer and wrapper frees its intermediates (20 steps)", () => {
  const cases: [string, () => hk.optim.GradientTransformation, ((p: unknown) => unknown)?][] = [
    ["lion", () => optim.lion(1e-3)],
    ["adamax", () => optim.adamax(1e-3)],
    ["radam", () => optim.radam(1e-3)],
    ["adabelief", () => optim.adabelief(1e-3, { nesterov: true })],
    ["yogi", () => optim.yogi(1e-3)],
    ["novograd", () => optim.novograd(1e-3, { weightDecay: 0.1 })],
    ["lamb", () => optim.lamb(1e-3, { weightDecay: 0.1 })],
    ["lars", () => optim.lars(0.1)],
    ["sm3", () => optim.sm3(0.1)],
    ["adafactor", () => optim.adafactor(1e-2, { minDimSizeToFactor: 2, momentum: 0.9, weightDecayRate: 0.01 })],
    ["MultiSteps", () => new optim.MultiSteps(optim.adam(1e-3), 3)],
    ["injectHyperparams", () => optim.injectHyperparams((h) => optim.adam(h.learningRate), { learningRate: 1e-3 })],
    ["applyIfFinite", () => optim.applyIfFinite(optim.adam(1e-3), 2)],
    ["zeroNans", () => optim.chain(optim.zeroNans(), optim.sgd(0.1))],
    [
      "lookahead",
      () => optim.lookahead(optim.adam(1e-3), { syncPeriod: 3, slowStepSize: 0.5, resetState: true }),
      optim.lookaheadParams,
    ],
  ];
  for (const [name, make, wrap] of cases) {
    it(`${name}: tf.memory().numTensors is flat over 20 steps and back to the start after disposal`, () => {
      const opt = make();
      run(opt, 1, wrap); // warm the constant cache
      const before = tf.memory().numTensors;
      const counts = run(opt, 20, wrap);
      expect(new Set(counts).size, `${name}: counts ${counts.join(",")}`).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe("MultiSteps", () => {
  it("applies the inner optimizer on every k-th mini-step, on the mean gradient (optax MultiSteps)", () => {
    const opt = new optim.MultiSteps(optim.sgd(1), 2);
    const p = { w: tf.tensor1d([0]) };
    let s = opt.init(p);
    const seen: number[][] = [];
    const updated: boolean[] = [];
    for (const g of [1, 3, 5, 9]) {
      const grads = { w: tf.tensor1d([g]) };
      const [u, next] = opt.update(grads, s, p);
      seen.push(Array.from(u.w.dataSync()));
      updated.push(opt.hasUpdated(next));
      hk.tree.dispose([grads, u, s]);
      s = next;
    }
    // sgd(1) on the mean of (1, 3) then (5, 9); zeros in between.
    expect(seen).toEqual([[0], [-2], [0], [-7]]);
    expect(updated).toEqual([false, true, false, true]);
    expect(s.gradientStep).toBe(2);
    hk.tree.dispose([p, s]);
  });

  it("rejects a k that is not a positive integer", () => {
    expect(() => new optim.MultiSteps(optim.sgd(1), 0)).toThrow(
      /hk\.optim\.MultiSteps: `everyKSchedule` must give a positive integer number of mini-steps, got the number 0\. Fix:/,
    );
    expect(() => new optim.MultiSteps(optim.sgd as unknown as hk.optim.GradientTransformation, 2)).toThrow(
      /`innerOpt` \(optax's `opt`\) must be a GradientTransformation \(\{init, update\}\), got function sgd/,
    );
  });
});

describe("injectHyperparams", () => {
  it("shows numeric hyper-parameters in the state and uses a changed value at the next step", () => {
    const opt = optim.injectHyperparams((h) => optim.sgd(h.learningRate, { momentum: h.momentum }), {
      learningRate: 0.1,
      momentum: 0,
    });
    const p = { w: tf.tensor1d([0]) };
    const g = { w: tf.tensor1d([1]) };
    const s = opt.init(p);
    expect(s.hyperparams).toEqual({ learningRate: 0.1, momentum: 0 });
    const [u1, s1] = opt.update(g, s, p);
    expect(u1.w.dataSync()[0]).toBeCloseTo(-0.1, 6);
    const changed = { ...s1, hyperparams: { ...s1.hyperparams, learningRate: 0.5 } };
    const [u2, s2] = opt.update(g, changed, p);
    expect(u2.w.dataSync()[0]).toBeCloseTo(-0.5, 6);
    expect(s2.hyperparams.learningRate).toBe(0.5);
    expect(() => opt.update(g, { ...s2, hyperparams: { ...s2.hyperparams, learningRate: Number.NaN } }, p)).toThrow(
      /hk\.optim\.injectHyperparams: `state\.hyperparams\.learningRate` must be a finite number, got the number NaN/,
    );
    hk.tree.dispose([p, g, s, u1, s1, u2, s2]);
  });

  it("keeps at most the constant cache's capacity of tensors over a schedule of 200 distinct values", async () => {
    // Each value is a new cached float32 constant; the cache trims itself once the loop yields
    // (src/optim/scalars.ts), as a training loop that awaits its data does.
    const opt = optim.injectHyperparams((h) => optim.sgd(h.learningRate), {
      learningRate: optim.linearSchedule(1, 0, 200) as unknown as number,
    });
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
    await settle();
    const before = tf.memory().numTensors;
    let params: unknown = makeParams();
    let state = opt.init(params);
    let most = 0;
    for (let i = 0; i < 200; i++) {
      const g = gradsAt(i);
      const [u, next] = opt.update(g, state, params);
      const p = optim.applyUpdates(params, u);
      hk.tree.dispose([g, u, params, state]);
      [params, state] = [p, next];
      await settle();
      most = Math.max(most, tf.memory().numTensors - before);
    }
    hk.tree.dispose([params, state]);
    expect(most).toBeLessThanOrEqual(CONSTANT_CACHE_CAPACITY + 4);
  });
});

describe("applyIfFinite and zeroNans", () => {
  it("skips non-finite updates, keeps the inner state, and applies after maxConsecutiveErrors (optax apply_if_finite)", () => {
    const opt = optim.applyIfFinite(optim.sgd(1, { momentum: 0.5 }), 1);
    const p = { w: tf.tensor1d([0, 0]) };
    let s = opt.init(p);
    const out: number[][] = [];
    for (const g of [
      [1, 1],
      [Number.NaN, 1],
      [Infinity, 1],
      [1, 1],
    ]) {
      const grads = { w: tf.tensor1d(g) };
      const [u, next] = opt.update(grads, s, p);
      out.push(Array.from(u.w.dataSync()));
      hk.tree.dispose([grads, u, s]);
      s = next;
    }
    expect(out[0]).toEqual([-1, -1]);
    expect(out[1]).toEqual([0, 0]); // rejected: 1 in a row
    expect(out[2]![0]).toBe(-Infinity); // 2 in a row > 1: applied
    expect(s).toMatchObject({ notfiniteCount: 0, lastFinite: true, totalNotfinite: 2 });
    hk.tree.dispose([p, s]);
  });

  it("zeroNans replaces NaNs by zeros and flags the leaves that had one", () => {
    const opt = optim.zeroNans();
    const u = { a: tf.tensor1d([1, Number.NaN]), b: tf.tensor1d([2]) };
    const [out, s] = opt.update(u, opt.init(u));
    expect(values(out)).toEqual([[1, 0], [2]]);
    expect(values(s.foundNan)).toEqual([[1], [0]]);
    hk.tree.dispose([u, out, s]);
  });
});

describe("lookahead", () => {
  it("checks its arguments and the {fast, slow} params", () => {
    expect(() => optim.lookahead(optim.sgd(1), { syncPeriod: 0, slowStepSize: 0.5 })).toThrow(
      /`syncPeriod` must be an integer >= 1/,
    );
    const opt = optim.lookahead(optim.sgd(1), { syncPeriod: 2, slowStepSize: 0.5 });
    const p = makeParams();
    const s = opt.init(p);
    expect(() => opt.update(p, s, p)).toThrow(
      /`params` must be the lookahead params \{fast, slow\}.*Fix: pass hk\.optim\.lookaheadParams\(params\)/,
    );
    hk.tree.dispose([p, s]);
  });
});
