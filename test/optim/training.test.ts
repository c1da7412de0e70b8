import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import { valueAndGrad } from "../../src/grad/index.js";
import * as optim from "../../src/optim/index.js";
import * as tree from "../../src/tree/index.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

type Params = { linear: { w: tf.Tensor; b: tf.Tensor } };

// y = x @ [2, -3] + 0.5 over a fixed design: the least-squares optimum is exactly that.
const TRUE_W = [2, -3];
const TRUE_B = 0.5;
function data(): { x: tf.Tensor; y: tf.Tensor } {
  const xs: number[][] = [];
  for (let i = 0; i < 32; i++) xs.push([Math.sin(i), Math.cos(1.7 * i)]);
  const ys = xs.map(
    (r) => (r[0] as number) * (TRUE_W[0] as number) + (r[1] as number) * (TRUE_W[1] as number) + TRUE_B,
  );
  return { x: tf.tensor2d(xs), y: tf.tensor2d(ys, [32, 1]) };
}

function initParams(): Params {
  return { linear: { w: tf.zeros([2, 1]), b: tf.zeros([1]) } };
}

const loss = (p: Params, x: tf.Tensor, y: tf.Tensor): tf.Tensor =>
  tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, p.linear.w), p.linear.b), y)));

describe("training loop pattern", () => {
  it("valueAndGrad + adam converges on linear regression (user-written loop)", () => {
    const { x, y } = data();
    const opt = optim.adam(0.05);
    let params = initParams();
    let optState = opt.init(params);
    const vg = valueAndGrad(loss);
    let first = NaN;
    let last = NaN;
    for (let step = 0; step < 600; step++) {
      const [value, grads] = vg(params, x, y);
      const [updates, newState] = opt.update(grads, optState, params);
      const newParams = optim.applyUpdates(params, updates);
      if (step === 0) first = value.dataSync()[0] as number;
      last = value.dataSync()[0] as number;
      tree.dispose([value, grads, updates, params, optState]);
      params = newParams;
      optState = newState;
    }
    expect(first).toBeGreaterThan(1);
    expect(last).toBeLessThan(1e-4);
    const w = Array.from(params.linear.w.dataSync());
    expect(w[0]).toBeCloseTo(2, 2);
    expect(w[1]).toBeCloseTo(-3, 2);
    expect(params.linear.b.dataSync()[0]).toBeCloseTo(0.5, 2);
    expect(Object.isFrozen(params.linear)).toBe(true);
    tree.dispose([params, optState, x, y]);
  });

  it("trainStep: 1000 steps keep tf.memory().numTensors constant and converge", () => {
    const { x, y } = data();
    const opt = optim.chain(
      optim.clipByGlobalNorm(10),
      optim.adamw(optim.warmupCosineDecay(0, 0.05, 50, 1000), { weightDecay: 1e-6 }),
    );
    const step = optim.trainStep(loss, opt);
    let params = initParams();
    let optState = opt.init(params);
    // One step first so one-time constants (cached hyper-parameter scalars) exist.
    ({ params, optState } = (() => {
      const r = step(params, optState, x, y);
      r.loss.dispose();
      return r;
    })());
    const before = tf.memory().numTensors;
    let lossValue = NaN;
    for (let i = 0; i < 1000; i++) {
      const r = step(params, optState, x, y);
      params = r.params;
      optState = r.optState;
      if (i === 999) lossValue = r.loss.dataSync()[0] as number;
      r.loss.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(lossValue).toBeLessThan(1e-3);
    tree.dispose([params, optState, x, y]);
  });

  it("trainStep with hasAux returns aux (e.g. a new model state) and disposeInputs: false keeps inputs", () => {
    const { x, y } = data();
    const opt = optim.sgd(0.1);
    const step = optim.trainStep(
      (p: Params, xx: tf.Tensor, yy: tf.Tensor): [tf.Tensor, { pred: tf.Tensor }] => {
        const pred = tf.add(tf.matMul(xx, p.linear.w), p.linear.b);
        return [tf.mean(tf.square(tf.sub(pred, yy))), { pred }];
      },
      opt,
      { hasAux: true, disposeInputs: false },
    );
    const params = initParams();
    const optState = opt.init(params);
    const r = step(params, optState, x, y);
    expect(r.aux.pred.shape).toEqual([32, 1]);
    expect(params.linear.w.isDisposed).toBe(false);
    // With zero params the prediction is 0 and the loss is mean(y²).
    const ys = Array.from(y.dataSync());
    expect(r.loss.dataSync()[0]).toBeCloseTo(ys.reduce((a, v) => a + v * v, 0) / ys.length, 4);
    tree.dispose([r, params, optState, x, y]);
  });

  it("each optimizer's update does not leak when the caller replaces state", () => {
    const makers: [string, () => optim.AnyTransformation][] = [
      ["sgd", () => optim.sgd(0.1)],
      ["nesterov", () => optim.sgd(0.1, { momentum: 0.9, nesterov: true })],
      ["adam", () => optim.adam(optim.exponentialDecay(1e-3, 10, 0.9))],
      ["adamw", () => optim.adamw(1e-3, { mask: { linear: { w: true, b: false } } })],
      ["rmsprop", () => optim.rmsprop(1e-3, { centered: true, momentum: 0.9, biasCorrection: true })],
      ["adagrad", () => optim.adagrad(1e-2, { initialAccumulatorValue: 0 })],
    ];
    for (const [, make] of makers) {
      const opt = make();
      let params = initParams();
      let state = opt.init(params);
      const g = { linear: { w: tf.ones([2, 1]), b: tf.ones([1]) } };
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) {
        const [u, s] = opt.update(g, state, params);
        const p = optim.applyUpdates(params, u);
        tree.dispose([u, state, params]);
        state = s;
        params = p;
      }
      expect(tf.memory().numTensors).toBe(before);
      tree.dispose([g, params, state]);
    }
  });
});

describe("optimizer errors", () => {
  it("names the path on a grads/state mismatch and rejects foreign states", () => {
    const opt = optim.adam(1e-3);
    const params = initParams();
    const state = opt.init(params);
    const before = tf.memory().numTensors;
    const bad = { linear: { w: tf.ones([2, 1]) } };
    expect(() => opt.update(bad, state)).toThrow(ShapeError);
    expect(() => opt.update(bad, state)).toThrow(
      /hk\.optim\.scaleByAdam: structure mismatch at `linear`: state\.mu should match updates, which has an object with keys \[w\] there, but it has an object with keys \[b, w\] \(unexpected keys \[b\]\)/,
    );
    expect(() => opt.update(bad, [{}, {}])).toThrow(
      /hk\.optim\.scaleByAdam: `state` must be the state returned by this transformation's init\/update \(an object with keys \[count, mu, nu\]\), got an object with keys \[\]\. Fix: /,
    );
    expect(() => opt.update(bad, [{}, {}])).toThrow(ShapeError);
    expect(() => opt.update(bad, {} as never)).toThrow(
      /hk\.optim\.chain: `state` must be the state from this chain's init\/update \(an array of 2 states\), got an object with keys \[\]/,
    );
    expect(() => opt.update(bad, {} as never)).toThrow(ShapeError);
    tree.dispose(bad);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose([params, state]);
  });

  it("explains disposed state, missing params for weight decay, and bad hyper-parameters", () => {
    const params = initParams();
    const opt = optim.adamw(1e-3);
    const state = opt.init(params);
    const g = { linear: { w: tf.ones([2, 1]), b: tf.ones([1]) } };
    expect(() => opt.update(g, state)).toThrow(
      /hk\.optim\.addDecayedWeights: this transformation needs the current params, but `params` was not passed to `update`\. Fix: call opt\.update\(grads, state, params\)/,
    );
    expect(() => opt.update(g, state)).toThrow(InvalidArgumentError);
    tree.dispose(state);
    expect(() => opt.update(g, state, params)).toThrow(
      /hk\.optim\.scaleByAdam: the tensor at `linear\.b` of state\.mu is already disposed/,
    );
    expect(() => optim.adam(Number.NaN)).toThrow(
      /hk\.optim\.adam: `learningRate` \(optax's `learning_rate`\) must be a finite number or a schedule \(count\) => number, got the number NaN\. Fix: /,
    );
    expect(() => optim.adam(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => optim.chain(optim.scaleByAdam as never)).toThrow(
      /hk\.optim\.chain: `transforms\[0\]` must be a GradientTransformation .*, got function scaleByAdam\. Fix: call optimizer factories/,
    );
    expect(() => optim.adam(1e-3).init({ n: 3 })).toThrow(
      /leaf `n` of `params` must be a float32 tensor .*, got the number 3\. Fix: /,
    );
    expect(() => optim.adam(1e-3).init({ n: 3 })).toThrow(InvalidArgumentError);
    expect(() => optim.applyUpdates(params, { linear: { w: g.linear.w } })).toThrow(
      /hk\.optim\.applyUpdates: structure mismatch at `linear`/,
    );
    tree.dispose([params, g]);
  });

  it("update never changes its inputs and its outputs are independent of them", () => {
    const params = initParams();
    const opt = optim.sgd(0.1, { momentum: 0.9 });
    const state = opt.init(params);
    const g = { linear: { w: tf.ones([2, 1]), b: tf.ones([1]) } };
    const [u, s] = opt.update(g, state);
    // Disposing the inputs and the new state leaves the updates valid (no shared handles).
    tree.dispose([g, state, s]);
    expect(Array.from((u as typeof g).linear.w.dataSync())).toEqual([-0.1, -0.1].map((v) => expect.closeTo(v, 6)));
    tree.dispose([u, params]);
  });
});
