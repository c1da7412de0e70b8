// Convolutional LSTMs against Haiku's golden checkpoint table (haiku/_src/integration/checkpoints:
// Conv2DLSTM(input_shape=[2,2], output_channels=3, kernel_shape=3) on f32[8,2,2,2]) and
// recurrent.py's ConvNDLSTM equations (a 1x1 kernel makes it a per-pixel LSTM, computed by hand).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { transform } from "../../src/core/index.js";
import type { Params } from "../../src/core/index.js";
import { key } from "../../src/random/index.js";
import { Conv1DLSTM, Conv2DLSTM, Conv3DLSTM } from "../../src/nn/conv_lstm.js";
import type { LSTMState } from "../../src/nn/recurrent.js";
import { dynamicUnroll } from "../../src/nn/unroll.js";
import { expectClose, expectCpuAgrees, lcg, paramGrads, shapes } from "./helpers.js";
import { InvalidArgumentError } from "../../src/util/errors.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe("ConvNDLSTM", () => {
  it("matches the golden structure of Conv2DLSTM and names the 1-D / 3-D variants", () => {
    const f = transform((x: tf.Tensor) => {
      const core = new Conv2DLSTM([2, 2], 3, 3);
      return core.call(x, core.initialState(8))[0];
    });
    const x = tf.ones([8, 2, 2, 2]);
    const params = f.init(key(0), x);
    expect(shapes(params)).toEqual({
      "conv2_dlstm/input_to_hidden": { w: [3, 3, 2, 12], b: [12] },
      "conv2_dlstm/hidden_to_hidden": { w: [3, 3, 3, 12], b: [12] },
    });
    expect((f.apply(params, null, x) as tf.Tensor).shape).toEqual([8, 2, 2, 3]);
    const g = transform((x1: tf.Tensor, x3: tf.Tensor) => {
      const c1 = new Conv1DLSTM([4], 2, 3);
      const c3 = new Conv3DLSTM([2, 2, 2], 2, 1);
      return [c1.call(x1, c1.initialState(1))[0], c3.call(x3, c3.initialState(1))[0]];
    });
    expect(Object.keys(g.init(key(0), tf.ones([1, 4, 5]), tf.ones([1, 2, 2, 2, 5])))).toEqual([
      "conv1_dlstm/input_to_hidden",
      "conv1_dlstm/hidden_to_hidden",
      "conv3_dlstm/input_to_hidden",
      "conv3_dlstm/hidden_to_hidden",
    ]);
  });

  it("with a 1x1 kernel is a per-pixel LSTM (hand computation)", () => {
    const [b, hw, cin, cout] = [2, 3, 2, 2];
    const f = transform((x: tf.Tensor, s: LSTMState) => new Conv1DLSTM([hw], cout, 1).call(x, s));
    const xv = lcg(b * hw * cin, 3);
    const hv = lcg(b * hw * cout, 4);
    const cv = lcg(b * hw * cout, 5);
    const x = tf.tensor(xv, [b, hw, cin]);
    const state = { hidden: tf.tensor(hv, [b, hw, cout]), cell: tf.tensor(cv, [b, hw, cout]) };
    const init = f.init(key(0), x, state);
    const params: Params = Object.fromEntries(
      Object.entries(init).map(([m, inner], i) => [m, { w: inner["w"]!, b: tf.tensor(lcg(inner["b"]!.size, 50 + i)) }]),
    );
    const [out, next] = f.apply(params, null, x, state) as [tf.Tensor, LSTMState];
    const wi = Array.from(params["conv1_dlstm/input_to_hidden"]!["w"]!.dataSync());
    const bi = Array.from(params["conv1_dlstm/input_to_hidden"]!["b"]!.dataSync());
    const wh = Array.from(params["conv1_dlstm/hidden_to_hidden"]!["w"]!.dataSync());
    const bh = Array.from(params["conv1_dlstm/hidden_to_hidden"]!["b"]!.dataSync());
    const expH: number[] = [];
    const expC: number[] = [];
    for (let p = 0; p < b * hw; p++) {
      const gate = (k: number) => {
        let s = bi[k]! + bh[k]!;
        for (let j = 0; j < cin; j++) s += xv[p * cin + j]! * wi[j * 4 * cout + k]!;
        for (let j = 0; j < cout; j++) s += hv[p * cout + j]! * wh[j * 4 * cout + k]!;
        return s;
      };
      for (let j = 0; j < cout; j++) {
        const c = sigmoid(gate(2 * cout + j) + 1) * cv[p * cout + j]! + sigmoid(gate(j)) * Math.tanh(gate(cout + j));
        expC.push(c);
        expH.push(sigmoid(gate(3 * cout + j)) * Math.tanh(c));
      }
    }
    expectClose(out, expH, 1e-5);
    expectClose(next.cell, expC, 1e-5);
  });

  it("has gradients on wasm through an unrolled Conv2DLSTM (matches cpu)", () => {
    expect(tf.getBackend()).toBe("wasm");
    const f = transform((xs: tf.Tensor) => {
      const core = new Conv2DLSTM([3, 3], 2, 3);
      return dynamicUnroll(core, xs, core.initialState(2))[0];
    });
    const xs = tf.tensor(lcg(3 * 2 * 3 * 3 * 2, 7), [3, 2, 3, 3, 2]);
    const params = f.init(key(1), xs);
    const onWasm = expectCpuAgrees(() =>
      paramGrads(params, [], (p) => tf.sum(tf.square(f.apply(p, null, xs) as tf.Tensor))),
    );
    expect(onWasm.every((g) => g.some((v) => v !== 0) && g.every(Number.isFinite))).toBe(true);
  });

  it("validates its arguments", () => {
    expect(() => transform(() => new Conv2DLSTM([2, -1], 3, 3)).init(null)).toThrow(
      /^Conv2DLSTM 'conv2_dlstm': `inputShape` \(Haiku's `input_shape`\) must be a list of positive integers/,
    );
    expect(() => transform(() => new Conv2DLSTM([2, -1], 3, 3)).init(null)).toThrow(InvalidArgumentError);
    expect(() => transform(() => new Conv2DLSTM([2, 2], 0, 3)).init(null)).toThrow(
      /`outputChannels` \(Haiku's `output_channels`\) must be a positive integer/,
    );
    expect(() => transform(() => new Conv2DLSTM([2, 2], 0, 3)).init(null)).toThrow(InvalidArgumentError);
  });
});
