// The Haiku training loop (hk.transform + value_and_grad + optax), end to end on real modules.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import * as hk from "../../src/index.js";

function regressionData(): { x: tf.Tensor; y: tf.Tensor } {
  // y = sin(3 x0) + x1², a smooth target an MLP fits quickly.
  const xs: number[][] = [];
  for (let i = 0; i < 64; i++) xs.push([Math.sin(0.37 * i), Math.cos(0.61 * i)]);
  const ys = xs.map(([a, b]) => [Math.sin(3 * (a as number)) + (b as number) ** 2]);
  return { x: tf.tensor2d(xs), y: tf.tensor2d(ys) };
}

describe("training Haiku modules with hk.valueAndGrad + hk.optim", () => {
  it("an MLP made with hk.transform converges with adam, params keep Haiku's names", () => {
    const { x, y } = regressionData();
    const net = hk.withoutApplyRng(hk.transform((inp: tf.Tensor) => new hk.nets.MLP([32, 32, 1]).call(inp)));
    let params = net.init(hk.random.key(0), x);
    expect(Object.keys(params)).toEqual(["mlp/~/linear_0", "mlp/~/linear_1", "mlp/~/linear_2"]);
    const loss = (p: hk.Params, xx: tf.Tensor, yy: tf.Tensor): tf.Tensor =>
      tf.mean(tf.square(tf.sub(net.apply(p, xx) as tf.Tensor, yy)));
    const opt = hk.optim.adam(2e-2);
    let optState = opt.init(params);
    const step = hk.optim.trainStep(loss, opt);
    const first = (() => {
      const v = loss(params, x, y);
      const n = v.dataSync()[0] as number;
      v.dispose();
      return n;
    })();
    let before = -1;
    let last = NaN;
    for (let i = 0; i < 200; i++) {
      const r = step(params, optState, x, y);
      params = r.params;
      optState = r.optState;
      last = r.loss.dataSync()[0] as number;
      r.loss.dispose();
      if (i === 0) before = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first / 20);
    expect(Object.keys(params)).toEqual(["mlp/~/linear_0", "mlp/~/linear_1", "mlp/~/linear_2"]);
    expect(Object.isFrozen(params["mlp/~/linear_0"])).toBe(true);
    hk.tree.dispose([params, optState, x, y]);
  });

  it("a BatchNorm model (transformWithState) carries its state through aux with flat memory", () => {
    const { x, y } = regressionData();
    const net = hk.withoutApplyRng(
      hk.transformWithState((inp: tf.Tensor, isTraining: boolean) => {
        const h = new hk.Linear(16).call(inp);
        const n = new hk.BatchNorm(true, true, 0.9).call(h, isTraining);
        return new hk.Linear(1).call(tf.relu(n));
      }),
    );
    let [params, state] = net.init(hk.random.key(1), x, true);
    const loss = (p: hk.Params, s: hk.State, xx: tf.Tensor, yy: tf.Tensor): [tf.Tensor, hk.State] => {
      const [out, newState] = net.apply(p, s, xx, true);
      return [tf.mean(tf.square(tf.sub(out as tf.Tensor, yy))), newState];
    };
    const opt = hk.optim.sgd(0.05, { momentum: 0.9 });
    let optState = opt.init(params);
    const step = hk.optim.trainStep(loss, opt, { hasAux: true });
    let before = -1;
    let firstLoss = NaN;
    let lastLoss = NaN;
    for (let i = 0; i < 100; i++) {
      const r = step(params, optState, state, x, y);
      // The old model state is replaced by the new one; spare entries the new state reuses.
      hk.tree.dispose(state, r.aux);
      params = r.params;
      optState = r.optState;
      state = r.aux;
      const l = r.loss.dataSync()[0] as number;
      if (i === 0) firstLoss = l;
      lastLoss = l;
      r.loss.dispose();
      if (i === 0) before = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(lastLoss).toBeLessThan(firstLoss / 5);
    // The moving average of the mean moved away from its zero start (state really flowed).
    const ema = state["batch_norm/~/mean_ema"] as Record<string, tf.Tensor>;
    expect(Object.keys(ema).sort()).toEqual(["average", "counter", "hidden"]);
    expect(Array.from((ema["average"] as tf.Tensor).dataSync()).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    hk.tree.dispose([params, optState, state, x, y]);
  });

  it("hk.grad over Haiku params matches the analytic gradient of a Linear layer", () => {
    const net = hk.withoutApplyRng(hk.transform((inp: tf.Tensor) => new hk.Linear(1).call(inp)));
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const params = net.init(hk.random.key(2), x);
    // L = sum(x w + b): dL/dw_j = sum_i x_ij, dL/db = batch size.
    const g = hk.grad((p: hk.Params) => tf.sum(net.apply(p, x) as tf.Tensor))(params);
    expect(Array.from((g["linear"]?.["w"] as tf.Tensor).dataSync())).toEqual([4, 6]);
    expect(Array.from((g["linear"]?.["b"] as tf.Tensor).dataSync())).toEqual([2]);
    hk.tree.dispose([g, params, x]);
  });
});
