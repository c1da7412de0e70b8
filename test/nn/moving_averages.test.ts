// ExponentialMovingAverage / EMAParamsTree against Haiku's moving_averages_test.py.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { transformWithState } from "../../src/core/index.js";
import type { Params } from "../../src/core/index.js";
import { EMAParamsTree, ExponentialMovingAverage } from "../../src/nn/moving_averages.js";
import { expectClose, expectNoLeak, lcg } from "./helpers.js";
import { InvalidArgumentError } from "../../src/util/errors.js";

describe("ExponentialMovingAverage", () => {
  it("ema(3.) then ema(6.) with decay 0.5 gives 3 and 5 (moving_averages_test.py test_call)", () => {
    const f = transformWithState(() => {
      const ema = new ExponentialMovingAverage(0.5);
      return [ema.call(3), ema.call(6)];
    });
    const [, state] = f.init(null);
    const [[a, b]] = f.apply({}, state, null) as unknown as [[tf.Tensor, tf.Tensor]];
    expectClose(a, [3]);
    expectClose(b, [5]);
  });

  it("has Haiku's state layout: counter int32 [], hidden and average of the value's shape", () => {
    const f = transformWithState((x: tf.Tensor) => new ExponentialMovingAverage(0.9).call(x));
    const [params, state] = f.init(null, tf.ones([2, 3]));
    expect(params).toEqual({});
    const s = state["exponential_moving_average"]!;
    expect(Object.keys(s).sort()).toEqual(["average", "counter", "hidden"]);
    expect((s["counter"] as tf.Tensor).dtype).toBe("int32");
    expect((s["counter"] as tf.Tensor).shape).toEqual([]);
    expect((s["hidden"] as tf.Tensor).shape).toEqual([2, 3]);
    // Init keeps the first stored value of each entry: counter/hidden from their init (0),
    // average from its first set_state (the debiased first value = the value itself).
    expectClose(s["counter"] as tf.Tensor, [0]);
    expectClose(s["hidden"] as tf.Tensor, [0, 0, 0, 0, 0, 0]);
    expectClose(s["average"] as tf.Tensor, [1, 1, 1, 1, 1, 1]);
  });

  it("zero decay returns the input; state advances across apply calls (hand computation)", () => {
    const f = transformWithState((x: tf.Tensor) => new ExponentialMovingAverage(0.8).call(x));
    const xs = [lcg(4, 1), lcg(4, 2), lcg(4, 3)];
    let [, state] = f.init(null, tf.tensor(xs[0]!));
    let hidden = [0, 0, 0, 0];
    xs.forEach((x, step) => {
      const [avg, next] = f.apply({}, state, null, tf.tensor(x));
      hidden = hidden.map((h, i) => h * 0.8 + x[i]! * 0.2);
      const debias = 1 - 0.8 ** (step + 1);
      expectClose(
        avg as tf.Tensor,
        hidden.map((h) => h / debias),
      );
      expectClose(next["exponential_moving_average"]!["counter"] as tf.Tensor, [step + 1]);
      state = next;
    });
    const g = transformWithState((x: tf.Tensor) => new ExponentialMovingAverage(0).call(x));
    const [, s0] = g.init(null, tf.tensor(xs[0]!));
    expectClose(g.apply({}, s0, null, tf.tensor(xs[1]!))[0] as tf.Tensor, xs[1]!);
  });

  it("warmup: tracks the input for warmup_length calls, then decays (test_warmup)", () => {
    const x0 = lcg(6, 7);
    const x1 = lcg(6, 8);
    const f = transformWithState(() => {
      const ema = new ExponentialMovingAverage(0.5, { warmupLength: 2, zeroDebias: false });
      return [ema.call(tf.tensor(x0)), ema.call(tf.tensor(x0)), ema.call(tf.tensor(x1))];
    });
    const [, state] = f.init(null);
    const [[a, b, c]] = f.apply({}, state, null) as unknown as [[tf.Tensor, tf.Tensor, tf.Tensor]];
    expectClose(a, x0);
    expectClose(b, x0);
    expectClose(
      c,
      x0.map((v, i) => (v + x1[i]!) / 2),
    );
  });

  it("updateStats: false leaves state untouched", () => {
    const f = transformWithState((x: tf.Tensor) => new ExponentialMovingAverage(0.5).call(x, { updateStats: false }));
    const [, state] = f.init(null, tf.scalar(2));
    const [out, next] = f.apply({}, state, null, tf.scalar(4));
    expectClose(out as tf.Tensor, [4]);
    expectClose(next["exponential_moving_average"]!["counter"] as tf.Tensor, [0]);
  });

  it("initialize() creates zeros only once (test_initialize)", () => {
    const f = transformWithState(() => {
      const ema = new ExponentialMovingAverage(0.99);
      ema.initialize([]);
      const first = tf.clone(ema.average);
      ema.call(tf.scalar(100));
      ema.initialize([]);
      return [first, ema.average];
    });
    const [, state] = f.init(null);
    const [[first, second]] = f.apply({}, state, null) as unknown as [[tf.Tensor, tf.Tensor]];
    expectClose(first, [0]);
    expect(second.dataSync()[0]).not.toBe(0);
  });

  it("rejects Haiku's invalid configurations", () => {
    const make = (opts: object) => () => transformWithState(() => new ExponentialMovingAverage(0.5, opts)).init(null);
    expect(make({ warmupLength: -1, zeroDebias: false })).toThrow(
      /`warmupLength` \(Haiku's `warmup_length`\) is -1, but should be non-negative/,
    );
    expect(make({ warmupLength: -1, zeroDebias: false })).toThrow(InvalidArgumentError);
    expect(make({ warmupLength: 2 })).toThrow(/Zero debiasing does not make sense/);
    expect(make({ warmupLength: 2 })).toThrow(InvalidArgumentError);
  });

  it("has gradients on wasm: d average / d value = (1 - decay) / (1 - decay^counter)", () => {
    expect(tf.getBackend()).toBe("wasm");
    const f = transformWithState((x: tf.Tensor) => new ExponentialMovingAverage(0.8).call(x));
    const [, state] = f.init(null, tf.ones([3]));
    const g = tf.grad((x: tf.Tensor) => tf.sum(f.apply({}, state, null, x)[0] as tf.Tensor))(tf.tensor([1, 2, 3]));
    expectClose(g, new Array(3).fill(0.2 / (1 - 0.8)));
  });

  it("does not leak tensors across applies", () => {
    const f = transformWithState((x: tf.Tensor) => new ExponentialMovingAverage(0.9).call(x));
    const x = tf.ones([3]);
    const [, state] = f.init(null, x);
    expectNoLeak(() => {
      const [out, s] = f.apply({}, state, null, x);
      tf.dispose([out as tf.Tensor]);
      for (const inner of Object.values(s)) tf.dispose(Object.values(inner) as tf.Tensor[]);
    });
  });
});

describe("EMAParamsTree", () => {
  const params: Params = {
    so_is_this: { w: tf.tensor([1, 2, 3, 4], [2, 2]), b: tf.tensor([1, 1]) },
  };

  it("names one EMA per leaf from its path (test_ema_naming_scheme)", () => {
    const f = transformWithState((p: Params) =>
      new EMAParamsTree(0.2, { name: "this_is_a_wacky_but_valid_name" }).call(p),
    );
    const [, state] = f.init(null, params);
    expect(Object.keys(state).sort()).toEqual([
      "this_is_a_wacky_but_valid_name/so_is_this__b",
      "this_is_a_wacky_but_valid_name/so_is_this__w",
    ]);
    const g = transformWithState((p: Params) => new EMAParamsTree(0.2).call(p));
    const [, s2] = g.init(null, { "mlp/~/linear_0": { w: tf.ones([1]) } });
    expect(Object.keys(s2)).toEqual(["ema_params_tree/mlp___tilde___linear_0__w"]);
  });

  it("averages changing params and honours ignore_regex (test_ignore_regex)", () => {
    const f = transformWithState((p: Params) => new EMAParamsTree(0.2, { ignoreRegex: ".*w" }).call(p));
    const [, s0] = f.init(null, params);
    const [, s1] = f.apply({}, s0, null, params);
    const doubled: Params = {
      so_is_this: { w: tf.mul(params["so_is_this"]!["w"]!, 2), b: tf.mul(params["so_is_this"]!["b"]!, 2) },
    };
    const [ema] = f.apply({}, s1, null, doubled);
    const out = ema as Params;
    expectClose(out["so_is_this"]!["w"]!, [2, 4, 6, 8]);
    // b (decay 0.2): hidden = 0.8 * 1 after the first apply, then 0.2 * 0.8 + 0.8 * 2 = 1.76,
    // debiased by 1 - 0.2^2.
    expectClose(out["so_is_this"]!["b"]!, [1.76 / 0.96, 1.76 / 0.96]);
  });
});
