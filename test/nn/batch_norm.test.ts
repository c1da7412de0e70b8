// BatchNorm against Haiku's golden checkpoint table (from
// haiku/_src/integration/checkpoints) and batch_norm_test.py; numbers are hand computations.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { transformWithState } from "../../src/core/index.js";
import type { Initializer, Params, State } from "../../src/core/index.js";
import { BatchNorm } from "../../src/nn/batch_norm.js";
import type { BatchNormOptions } from "../../src/nn/batch_norm.js";
import { channelStats, expectClose, expectNoLeak, lcg, shapes } from "./helpers.js";
import { InvalidArgumentError, ParameterError } from "../../src/util/errors.js";
import { transformAndRun } from "../transform_and_run.js";

const bnFn = (opts: BatchNormOptions = {}, create = true) =>
  transformWithState((x: tf.Tensor, isTraining: boolean) =>
    new BatchNorm(create, create, 0.9, opts).call(x, isTraining),
  );

function normalized(values: number[], c: number, mean: number[], variance: number[], eps = 1e-5): number[] {
  return values.map((v, i) => (v - mean[i % c]!) / Math.sqrt(variance[i % c]! + eps));
}

describe("BatchNorm", () => {
  const xv = lcg(8 * 2 * 2 * 3, 11).map((v, i) => v * (1 + (i % 3)) + (i % 3));
  const x = tf.tensor(xv, [8, 2, 2, 3]);

  it("matches the golden structure: params [1,1,1,C], EMA state under batch_norm/~/mean_ema", () => {
    const [params, state] = bnFn().init(null, x, true);
    expect(shapes(params)).toEqual({ batch_norm: { scale: [1, 1, 1, 3], offset: [1, 1, 1, 3] } });
    expect(Object.keys(params["batch_norm"]!)).toEqual(["scale", "offset"]);
    expect(shapes(state)).toEqual({
      "batch_norm/~/mean_ema": { counter: [], hidden: [1, 1, 1, 3], average: [1, 1, 1, 3] },
      "batch_norm/~/var_ema": { counter: [], hidden: [1, 1, 1, 3], average: [1, 1, 1, 3] },
    });
    expect((state["batch_norm/~/mean_ema"]!["counter"] as tf.Tensor).dtype).toBe("int32");
    expectClose(params["batch_norm"]!["scale"]!, [1, 1, 1]);
    expectClose(params["batch_norm"]!["offset"]!, [0, 0, 0]);
  });

  it("normalises with batch statistics in training and updates the moving averages", () => {
    const f = bnFn();
    const [params, state] = f.init(null, x, true);
    const { mean, variance } = channelStats(xv, 3);
    // After init: average = the first debiased statistic, hidden/counter = 0.
    expectClose(state["batch_norm/~/mean_ema"]!["average"] as tf.Tensor, mean, 1e-5);
    const [y, s1] = f.apply(params, state, null, x, true);
    expectClose(y as tf.Tensor, normalized(xv, 3, mean, variance), 1e-4);
    expectClose(
      s1["batch_norm/~/var_ema"]!["hidden"] as tf.Tensor,
      variance.map((v) => 0.1 * v),
      1e-5,
    );
    expectClose(s1["batch_norm/~/var_ema"]!["counter"] as tf.Tensor, [1]);
    // Second step with other data: hidden = 0.9 h + 0.1 m', average = hidden / (1 - 0.9^2).
    const x2v = lcg(xv.length, 12);
    const [, s2] = f.apply(params, s1, null, tf.tensor(x2v, [8, 2, 2, 3]), true);
    const m2 = channelStats(x2v, 3).mean;
    expectClose(
      s2["batch_norm/~/mean_ema"]!["average"] as tf.Tensor,
      mean.map((m, i) => (0.9 * 0.1 * m + 0.1 * m2[i]!) / (1 - 0.81)),
      1e-5,
    );
  });

  it("uses the moving averages in eval mode and batch stats with testLocalStats, without updating", () => {
    const f = transformWithState((v: tf.Tensor, isTraining: boolean, local: boolean) =>
      new BatchNorm(true, true, 0.9).call(v, isTraining, { testLocalStats: local }),
    );
    const [params, state] = f.init(null, x, true, false);
    const { mean, variance } = channelStats(xv, 3);
    const shifted = xv.map((v) => v + 1);
    const xs = tf.tensor(shifted, [8, 2, 2, 3]);
    const [yEval, sEval] = f.apply(params, state, null, xs, false, false);
    expectClose(yEval as tf.Tensor, normalized(shifted, 3, mean, variance), 1e-4);
    for (const [m, inner] of Object.entries(state)) {
      for (const [k, v] of Object.entries(inner)) expectClose(sEval[m]![k] as tf.Tensor, (v as tf.Tensor).dataSync());
    }
    const [yLocal] = f.apply(params, state, null, xs, false, true);
    expectClose(yLocal as tf.Tensor, normalized(xv, 3, mean, variance), 1e-4);
  });

  it("applies scale and offset: external ones (test_simple_training) and created ones", () => {
    const f = transformWithState((v: tf.Tensor) =>
      new BatchNorm(false, false, 0.9).call(v, true, { scale: tf.fill([5], 0.5), offset: tf.fill([5], 2) }),
    );
    const ones = tf.ones([2, 3, 3, 5]);
    const [, st] = f.init(null, ones);
    expectClose(f.apply({}, st, null, ones)[0] as tf.Tensor, new Array(90).fill(2));
    const nchw = transformWithState((v: tf.Tensor) =>
      new BatchNorm(false, false, 0.9, { dataFormat: "NCHW" }).call(v, true, {
        scale: tf.fill([5, 1, 1], 0.5),
        offset: tf.fill([5, 1, 1], 2),
      }),
    );
    const onesNchw = tf.ones([2, 5, 3, 3]);
    const [, st2] = nchw.init(null, onesNchw);
    expectClose(nchw.apply({}, st2, null, onesNchw)[0] as tf.Tensor, new Array(90).fill(2));
    const constant =
      (c: number): Initializer =>
      (shape, dtype) =>
        tf.fill(shape, c, dtype);
    const g = bnFn({ scaleInit: constant(2), offsetInit: constant(-1) });
    const [p, s] = g.init(null, x, true);
    const { mean, variance } = channelStats(xv, 3);
    expectClose(
      g.apply(p, s, null, x, true)[0] as tf.Tensor,
      normalized(xv, 3, mean, variance).map((v) => 2 * v - 1),
      1e-4,
    );
  });

  it("honours an explicit axis and a channels-first layout (test_simple_training_normalized_axes)", () => {
    const f = transformWithState((v: tf.Tensor) => new BatchNorm(false, false, 0.9, { axis: [0, 2, 3] }).call(v, true));
    const input = tf.concat([tf.fill([5, 1, 3, 3], 2), tf.ones([5, 1, 3, 3])], 1);
    const [, st] = f.init(null, input);
    expectClose(f.apply({}, st, null, input)[0] as tf.Tensor, new Array(90).fill(0));
    const [, st2] = transformWithState((v: tf.Tensor) =>
      new BatchNorm(true, true, 0.9, { dataFormat: "channels_first" }).call(v, true),
    ).init(null, tf.ones([2, 4, 3]));
    expect(shapes(st2)["batch_norm/~/mean_ema"]!["average"]).toEqual([1, 4, 1]);
  });

  it("has gradients on wasm: d/doffset = sum(w), d/dscale = sum(w * xhat), dx matches cpu", () => {
    expect(tf.getBackend()).toBe("wasm");
    const f = bnFn();
    const [params, state] = f.init(null, x, true);
    const wv = lcg(xv.length, 5);
    const w = tf.tensor(wv, x.shape);
    const loss = (p: Params, input: tf.Tensor) =>
      tf.sum(tf.mul(f.apply(p, state, null, input, true)[0] as tf.Tensor, w));
    const grads = tf.grads((scale: tf.Tensor, offset: tf.Tensor, input: tf.Tensor) =>
      loss({ batch_norm: { scale, offset } }, input),
    );
    const [gScale, gOffset, gX] = grads([params["batch_norm"]!["scale"]!, params["batch_norm"]!["offset"]!, x]);
    const { mean, variance } = channelStats(xv, 3);
    const xhat = normalized(xv, 3, mean, variance);
    const sumW = [0, 0, 0];
    const sumWX = [0, 0, 0];
    wv.forEach((v, i) => {
      sumW[i % 3]! += v;
      sumWX[i % 3]! += v * xhat[i]!;
    });
    expectClose(gOffset!, sumW, 1e-4);
    expectClose(gScale!, sumWX, 1e-4);
    // Analytic input gradient of batch norm: (w - mean(w) - xhat * mean(w * xhat)) / sqrt(var + eps).
    const n = xv.length / 3;
    const expected = wv.map(
      (v, i) => (v - sumW[i % 3]! / n - xhat[i]! * (sumWX[i % 3]! / n)) / Math.sqrt(variance[i % 3]! + 1e-5),
    );
    expectClose(gX!, expected, 1e-4, 1e-3);
  });

  it("raises Haiku's errors", () => {
    const init = (fn: () => unknown) => () => transformAndRun(fn);
    expect(init(() => new BatchNorm(false, true, 0.9, { scaleInit: (s, d) => tf.ones(s, d) }))).toThrow(
      /Cannot set `scaleInit` \(Haiku's `scale_init`\) if `createScale` \(Haiku's `create_scale`\) is false\. Fix: /,
    );
    expect(init(() => new BatchNorm(false, true, 0.9, { scaleInit: (s, d) => tf.ones(s, d) }))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new BatchNorm(true, false, 0.9, { offsetInit: (s, d) => tf.zeros(s, d) }))).toThrow(
      /Cannot set `offsetInit` \(Haiku's `offset_init`\) if `createOffset` \(Haiku's `create_offset`\) is false\. Fix: /,
    );
    expect(init(() => new BatchNorm(true, false, 0.9, { offsetInit: (s, d) => tf.zeros(s, d) }))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new BatchNorm(true, true, 0.9).call(x, true, { scale: tf.ones([3]) }))).toThrow(
      /Cannot pass `scale` at call time if `createScale` \(Haiku's `create_scale`\) is true/,
    );
    expect(init(() => new BatchNorm(true, true, 0.9).call(x, true, { scale: tf.ones([3]) }))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new BatchNorm(true, true, 0.9).call(x, true, { offset: tf.ones([3]) }))).toThrow(
      /Cannot pass `offset` at call time if `createOffset` \(Haiku's `create_offset`\) is true/,
    );
    expect(init(() => new BatchNorm(true, true, 0.9).call(x, true, { offset: tf.ones([3]) }))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new BatchNorm(true, true, 0.9).call(x, undefined as unknown as boolean))).toThrow(
      /^BatchNorm 'batch_norm': `isTraining` \(Haiku's `is_training`\) must be a boolean, got undefined\. Fix: /,
    );
    expect(init(() => new BatchNorm(true, true, 0.9).call(x, undefined as unknown as boolean))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new BatchNorm(true, true, 0.9, { axis: [0, 4] }).call(x, true))).toThrow(
      /`axis` 4 is out of range/,
    );
    expect(init(() => new BatchNorm(true, true, 0.9, { axis: [0, 4] }).call(x, true))).toThrow(InvalidArgumentError);
    expect(init(() => new BatchNorm(true, true, 0.9, { dataFormat: "HWC?" }))).toThrow(
      /Unable to extract channel information/,
    );
    expect(init(() => new BatchNorm(true, true, 0.9, { dataFormat: "HWC?" }))).toThrow(InvalidArgumentError);
    // Haiku issue #579: initialising in eval mode cannot read the moving averages.
    expect(() => bnFn().init(null, x, false)).toThrow(
      /^BatchNorm 'batch_norm': the moving statistics are missing \(No value for "average" in "batch_norm\/~\/mean_ema".*\. Fix: run init with `isTraining` true/,
    );
    expect(() => bnFn().init(null, x, false)).toThrow(ParameterError);
  });

  it("keeps the tensor count flat over repeated applies", () => {
    const f = bnFn();
    const [params, state] = f.init(null, x, true);
    expectNoLeak(() => {
      const [y, s] = f.apply(params, state, null, x, true);
      tf.dispose(y as tf.Tensor);
      disposeState(s);
    });
  });
});

function disposeState(s: State): void {
  for (const inner of Object.values(s)) tf.dispose(Object.values(inner) as tf.Tensor[]);
}
