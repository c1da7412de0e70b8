// Recurrent cores and unrolls against Haiku's golden checkpoint table (haiku/_src/integration/checkpoints:
// LSTM(1), GRU(1), VanillaRNN(8) on f32[8,128]) and recurrent.py / recurrent_test.py; one-step
// numbers are hand computations of recurrent.py's equations.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { module, transform } from "../../src/core/index.js";
import type { Params } from "../../src/core/index.js";
import { key } from "../../src/random/index.js";
import {
  DeepRNN,
  GRU,
  IdentityCore,
  LSTM,
  RNNCore,
  ResetCore,
  VanillaRNN,
  deepRnnWithSkipConnections,
} from "../../src/nn/recurrent.js";
import type { LSTMState } from "../../src/nn/recurrent.js";
import { dynamicUnroll, staticUnroll } from "../../src/nn/unroll.js";
import { expectClose, expectCpuAgrees, expectNoLeak, lcg, paramGrads, shapes } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";
import { transformAndRun } from "../transform_and_run.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const arr = (t: tf.Tensor) => Array.from(t.dataSync());

/** x [B, D] @ w [D, O] on plain arrays. */
function matmul(x: number[], b: number, d: number, w: number[], o: number): number[] {
  const out = new Array<number>(b * o).fill(0);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < o; j++) for (let k = 0; k < d; k++) out[i * o + j]! += x[i * d + k]! * w[k * o + j]!;
  return out;
}

/** Params of `init` with every tensor replaced by lcg values (so biases are non-zero). */
function randomised(p: Params, seed: number): Params {
  return Object.fromEntries(
    Object.entries(p).map(([m, inner], i) => [
      m,
      Object.fromEntries(
        Object.entries(inner).map(([n, t], j) => [n, tf.tensor(lcg(t.size, seed + 10 * i + j), t.shape)]),
      ),
    ]),
  );
}

@module
class IncrementByOneCore extends RNNCore<tf.Tensor, tf.Tensor, tf.Tensor> {
  call(_inputs: tf.Tensor, prev: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const s = tf.add(prev, 1);
    return [s, s];
  }
  initialState(batchSize: number | null): tf.Tensor {
    return batchSize === null ? tf.zeros([4]) : tf.zeros([batchSize, 4]);
  }
}

describe("golden structures", () => {
  const x = tf.tensor(lcg(8 * 128, 1), [8, 128]);

  it("LSTM(1): lstm/linear {w [129,4], b [4]} for static and dynamic unroll", () => {
    for (const unroll of [staticUnroll, dynamicUnroll]) {
      const f = transform((xs: tf.Tensor) => {
        const core = new LSTM(1);
        return unroll(core, xs, core.initialState(null))[0];
      });
      const params = f.init(key(0), x);
      expect(shapes(params)).toEqual({ "lstm/linear": { w: [129, 4], b: [4] } });
      expect((f.apply(params, null, x) as tf.Tensor).shape).toEqual([8, 1]);
    }
  });

  it("GRU(1): gru {w_i [128,3], w_h [1,3], b [3]}; VanillaRNN(8): linear [128,8], linear_1 [8,8]", () => {
    const g = transform((xs: tf.Tensor) => {
      const core = new GRU(1);
      return dynamicUnroll(core, xs, core.initialState(null))[0];
    });
    expect(shapes(g.init(key(0), x))).toEqual({ gru: { w_i: [128, 3], w_h: [1, 3], b: [3] } });
    const v = transform((xs: tf.Tensor) => {
      const core = new VanillaRNN(8);
      return dynamicUnroll(core, xs, core.initialState(null))[0];
    });
    expect(shapes(v.init(key(0), x))).toEqual({
      "vanilla_rnn/linear": { w: [128, 8], b: [8] },
      "vanilla_rnn/linear_1": { w: [8, 8], b: [8] },
    });
    const single = transform((xs: tf.Tensor) => {
      const core = new VanillaRNN(8, { doubleBias: false });
      return dynamicUnroll(core, xs, core.initialState(null))[0];
    });
    expect(shapes(single.init(key(0), x))["vanilla_rnn/linear_1"]).toEqual({ w: [8, 8] });
  });
});

describe("one step, by hand", () => {
  const [b, d, h] = [2, 3, 2];
  const xv = lcg(b * d, 5);
  const hv = lcg(b * h, 6);
  const cv = lcg(b * h, 7);
  const x = tf.tensor(xv, [b, d]);

  it("LSTM: gates i, g, f, o from one Linear over [x, h]; forget bias +1", () => {
    const f = transform((xs: tf.Tensor, st: LSTMState) => new LSTM(h).call(xs, st));
    const state = { hidden: tf.tensor(hv, [b, h]), cell: tf.tensor(cv, [b, h]) };
    const params = randomised(f.init(key(0), x, state), 100);
    const [out, next] = f.apply(params, null, x, state) as [tf.Tensor, LSTMState];
    const w = arr(params["lstm/linear"]!["w"]!);
    const bias = arr(params["lstm/linear"]!["b"]!);
    const xh = [0, 1].flatMap((r) => [...xv.slice(r * d, r * d + d), ...hv.slice(r * h, r * h + h)]);
    const gated = matmul(xh, b, d + h, w, 4 * h).map((v, i) => v + bias[i % (4 * h)]!);
    const expH: number[] = [];
    const expC: number[] = [];
    for (let r = 0; r < b; r++)
      for (let j = 0; j < h; j++) {
        const g4 = (k: number) => gated[r * 4 * h + k * h + j]!;
        const c = sigmoid(g4(2) + 1) * cv[r * h + j]! + sigmoid(g4(0)) * Math.tanh(g4(1));
        expC.push(c);
        expH.push(sigmoid(g4(3)) * Math.tanh(c));
      }
    expectClose(out, expH, 1e-5);
    expectClose(next.hidden, expH, 1e-5);
    expectClose(next.cell, expC, 1e-5);
  });

  it("GRU: z, r from [W_i x + W_h h + b], a = tanh(W_ia x + W_ha (r h) + b_a)", () => {
    const f = transform((xs: tf.Tensor, st: tf.Tensor) => new GRU(h).call(xs, st));
    const state = tf.tensor(hv, [b, h]);
    const params = randomised(f.init(key(0), x, state), 200);
    const [out] = f.apply(params, null, x, state) as [tf.Tensor, tf.Tensor];
    const wi = arr(params["gru"]!["w_i"]!);
    const wh = arr(params["gru"]!["w_h"]!);
    const bb = arr(params["gru"]!["b"]!);
    const gx = matmul(xv, b, d, wi, 3 * h);
    const expected: number[] = [];
    for (let r = 0; r < b; r++) {
      const hr = hv.slice(r * h, r * h + h);
      const zr = [...Array(2 * h).keys()].map((k) =>
        sigmoid(gx[r * 3 * h + k]! + hr.reduce((a, hj, j) => a + hj * wh[j * 3 * h + k]!, 0) + bb[k]!),
      );
      for (let k = 0; k < h; k++) {
        const z = zr[k]!;
        const a = Math.tanh(
          gx[r * 3 * h + 2 * h + k]! +
            hr.reduce((acc, hj, j) => acc + zr[h + j]! * hj * wh[j * 3 * h + 2 * h + k]!, 0) +
            bb[2 * h + k]!,
        );
        expected.push((1 - z) * hr[k]! + z * a);
      }
    }
    expectClose(out, expected, 1e-5);
  });

  it("VanillaRNN: relu(W_i x + b_i + W_h h + b_h); rank-1 inputs give unbatched outputs", () => {
    const f = transform((xs: tf.Tensor, st: tf.Tensor) => new VanillaRNN(h).call(xs, st));
    const state = tf.tensor(hv, [b, h]);
    const params = randomised(f.init(key(0), x, state), 300);
    const [out] = f.apply(params, null, x, state) as [tf.Tensor, tf.Tensor];
    const a = matmul(xv, b, d, arr(params["vanilla_rnn/linear"]!["w"]!), h);
    const c = matmul(hv, b, h, arr(params["vanilla_rnn/linear_1"]!["w"]!), h);
    const bi = arr(params["vanilla_rnn/linear"]!["b"]!);
    const bh = arr(params["vanilla_rnn/linear_1"]!["b"]!);
    expectClose(
      out,
      a.map((v, i) => Math.max(0, v + c[i]! + bi[i % h]! + bh[i % h]!)),
      1e-5,
    );
    const g = transform((xs: tf.Tensor) => {
      const core = new GRU(h);
      return core.call(xs, core.initialState(null))[0];
    });
    const x1 = tf.tensor(xv.slice(0, d));
    expect((g.apply(g.init(key(0), x1), null, x1) as tf.Tensor).shape).toEqual([h]);
  });
});

describe("unrolls", () => {
  const [t, b, d] = [5, 3, 4];
  const xs = tf.tensor(lcg(t * b * d, 9), [t, b, d]);

  const run = (opts: { reverse?: boolean; returnAllStates?: boolean; timeMajor?: boolean; static?: boolean }) =>
    transform((seq: tf.Tensor) => {
      const core = new LSTM(6);
      const init = core.initialState(b);
      if (opts.static) return staticUnroll(core, seq, init, opts.timeMajor ?? true);
      return dynamicUnroll(core, seq, init, opts);
    });

  it("static and dynamic unrolls give the same params and outputs; batch-major swaps axes", () => {
    const fs = run({ static: true });
    const fd = run({});
    const params = fd.init(key(2), xs);
    expect(shapes(fs.init(key(2), xs))).toEqual(shapes(params));
    const [os, ss] = fs.apply(params, null, xs) as [tf.Tensor, LSTMState];
    const [od, sd] = fd.apply(params, null, xs) as [tf.Tensor, LSTMState];
    expect(od.shape).toEqual([t, b, 6]);
    expectClose(os, arr(od), 0, 0);
    expectClose(ss.cell, arr(sd.cell), 0, 0);
    // The final output is the final hidden state.
    expectClose(tf.slice(od, [t - 1, 0, 0], [1, b, 6]), arr(sd.hidden), 0, 0);
    const xb = tf.transpose(xs, [1, 0, 2]);
    for (const f of [run({ timeMajor: false }), run({ timeMajor: false, static: true })]) {
      const [ob] = f.apply(params, null, xb) as [tf.Tensor, LSTMState];
      expect(ob.shape).toEqual([b, t, 6]);
      expectClose(tf.transpose(ob, [1, 0, 2]), arr(od), 1e-6);
    }
  });

  it("reverse scans from the end (== unrolling the reversed sequence); returnAllStates stacks states", () => {
    const params = run({}).init(key(2), xs);
    const [rev] = run({ reverse: true }).apply(params, null, xs) as [tf.Tensor, LSTMState];
    const [fwdOfReversed] = run({}).apply(params, null, tf.reverse(xs, 0)) as [tf.Tensor, LSTMState];
    expectClose(rev, arr(tf.reverse(fwdOfReversed, 0)), 1e-6);
    const [outs, states] = run({ returnAllStates: true }).apply(params, null, xs) as [tf.Tensor, LSTMState];
    expect(states.hidden.shape).toEqual([t, b, 6]);
    expectClose(states.hidden, arr(outs), 0, 0);
    const [, statesB] = run({ returnAllStates: true, timeMajor: false }).apply(
      params,
      null,
      tf.transpose(xs, [1, 0, 2]),
    ) as [tf.Tensor, LSTMState];
    expect(statesB.cell.shape).toEqual([b, t, 6]);
  });

  it("unrolls plain step functions outside a transform (test_unroll_outside_transform)", () => {
    const step = (x: tf.Tensor, s: number): [tf.Tensor, number] => [tf.add(x, 1), s + 1];
    for (const unroll of [staticUnroll, dynamicUnroll]) {
      const [outs, state] = unroll(step, tf.range(0, 8), 0);
      expectClose(outs as tf.Tensor, [1, 2, 3, 4, 5, 6, 7, 8]);
      expect(state).toBe(8);
    }
  });

  it("has gradients on wasm through the unrolled LSTM and GRU (matches cpu)", () => {
    expect(tf.getBackend()).toBe("wasm");
    for (const make of [() => new LSTM(4), () => new GRU(4)] as const) {
      const f = transform((seq: tf.Tensor) => {
        const core = make();
        return dynamicUnroll(core as RNNCore<tf.Tensor, unknown, tf.Tensor>, seq, core.initialState(b))[0];
      });
      const params = f.init(key(4), xs);
      const onWasm = expectCpuAgrees(() =>
        paramGrads(params, [xs], (p, seq) => tf.sum(tf.square(f.apply(p, null, seq!) as tf.Tensor))),
      );
      expect(onWasm.every((g) => g.some((v) => v !== 0) && g.every(Number.isFinite))).toBe(true);
    }
  });

  it("keeps the tensor count flat", () => {
    const f = run({});
    const params = f.init(key(2), xs);
    expectNoLeak(() => tf.dispose(f.apply(params, null, xs) as unknown as tf.Tensor[]));
  });
});

describe("ResetCore, DeepRNN, IdentityCore", () => {
  it("ResetCore resets unbatched state where asked (recurrent_test.py test_unbatched)", () => {
    for (const unroll of [staticUnroll, dynamicUnroll]) {
      const f = transform(() => {
        const core = new ResetCore(new IncrementByOneCore());
        const inputs = tf.range(0, 5);
        return unroll(core, [inputs, tf.equal(inputs, 2)], core.initialState(null))[0];
      });
      expectClose(
        f.apply(f.init(null), null) as tf.Tensor,
        [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3],
      );
    }
  });

  it("ResetCore resets one batch entry of an LSTM (test_resetting)", () => {
    const f = transform((seq: tf.Tensor, resets: tf.Tensor) => {
      const lstm = new LSTM(4);
      const reset = new ResetCore(lstm);
      const plain = dynamicUnroll(lstm, seq, lstm.initialState(4))[0];
      const withReset = dynamicUnroll(reset, [seq, resets], reset.initialState(4))[0];
      return [plain, withReset];
    });
    const one = tf.tensor(lcg(4 * 3, 3), [1, 4, 3]);
    const seq = tf.concat([one, one], 0);
    const resets = tf.tensor2d(
      [
        [false, false, false, false],
        [true, false, false, false],
      ],
      [2, 4],
      "bool",
    );
    const params = f.init(key(428), seq, resets);
    expect(Object.keys(params)).toEqual(["lstm/linear"]);
    const [plain, reset] = f.apply(params, null, seq, resets) as [tf.Tensor, tf.Tensor];
    const p = arr(plain);
    const r = arr(reset);
    expectClose(r.slice(0, 16), p.slice(0, 16), 1e-6); // step 0: no reset
    expectClose(r.slice(16, 20), p.slice(0, 4), 1e-6); // step 1, entry 0: reset -> like step 0
    expectClose(r.slice(20), p.slice(20), 1e-6); // step 1, other entries untouched
  });

  it("DeepRNN chains cores and functions; skip connections concatenate", () => {
    const f = transform((x: tf.Tensor) => {
      const deep = new DeepRNN([new LSTM(3), tf.relu, new LSTM(5)]);
      const init = deep.initialState(2);
      const [out, next] = deep.call(x, init);
      return [out, next, init] as const;
    });
    const x = tf.tensor(lcg(2 * 4, 8), [2, 4]);
    const params = f.init(key(0), x);
    expect(shapes(params)).toEqual({
      "lstm/linear": { w: [7, 12], b: [12] },
      "lstm_1/linear": { w: [8, 20], b: [20] },
    });
    const [out, next, init] = f.apply(params, null, x) as unknown as [tf.Tensor, LSTMState[], LSTMState[]];
    expect(out.shape).toEqual([2, 5]);
    expect(next).toHaveLength(2);
    expect(init[0]!.hidden.shape).toEqual([2, 3]);
    expectClose(next[1]!.hidden, arr(out), 0, 0);
    const skip = transform((v: tf.Tensor) => {
      const core = deepRnnWithSkipConnections([new LSTM(3), new LSTM(5)]);
      return core.call(v, core.initialState(2))[0] as tf.Tensor;
    });
    const sp = skip.init(key(0), x);
    expect(shapes(sp)["lstm_1/linear"]).toEqual({ w: [4 + 3 + 5, 20], b: [20] });
    expect((skip.apply(sp, null, x) as tf.Tensor).shape).toEqual([2, 8]);
    const id = transform(() => {
      const core = new IdentityCore();
      return core.call(tf.ones([2]), core.initialState(1));
    });
    const [io, is] = id.apply({}, null) as [tf.Tensor, unknown[]];
    expect(io.shape).toEqual([2]);
    expect(is).toEqual([]);
  });

  it("has gradients on wasm through ResetCore(DeepRNN([VanillaRNN, relu, GRU])) (matches cpu)", () => {
    const f = transform((seq: tf.Tensor, resets: tf.Tensor) => {
      const core = new ResetCore(new DeepRNN([new VanillaRNN(3), tf.relu, new GRU(2)]));
      return dynamicUnroll(core, [seq, resets], core.initialState(2))[0];
    });
    const seq = tf.tensor(lcg(4 * 2 * 3, 12), [4, 2, 3]);
    const resets = tf.tensor2d(
      [
        [0, 0],
        [0, 1],
        [0, 0],
        [1, 0],
      ],
      [4, 2],
    );
    const params = f.init(key(5), seq, resets);
    expect(Object.keys(params)).toEqual(["vanilla_rnn/linear", "vanilla_rnn/linear_1", "gru"]);
    const onWasm = expectCpuAgrees(() =>
      paramGrads(params, [seq], (p, s) => tf.sum(tf.square(f.apply(p, null, s!, resets) as tf.Tensor))),
    );
    expect(onWasm.every((g) => g.some((v) => v !== 0) && g.every(Number.isFinite))).toBe(true);
  });

  it("raises Haiku's errors", () => {
    const init = (fn: () => unknown) => () => transformAndRun(fn);
    expect(
      init(() => {
        const c = new LSTM(2);
        return c.call(tf.ones([1, 2, 3]), c.initialState(1));
      }),
    ).toThrow(/LSTM input must be rank-1 or rank-2/);
    expect(
      init(() => {
        const c = new LSTM(2);
        return c.call(tf.ones([1, 2, 3]), c.initialState(1));
      }),
    ).toThrow(ShapeError);
    expect(
      init(() => {
        const c = new GRU(2);
        return c.call(tf.ones([1, 2, 3]), c.initialState(1));
      }),
    ).toThrow(/GRU input must be rank-1 or rank-2/);
    expect(
      init(() => {
        const c = new GRU(2);
        return c.call(tf.ones([1, 2, 3]), c.initialState(1));
      }),
    ).toThrow(ShapeError);
    expect(init(() => deepRnnWithSkipConnections([new LSTM(2), tf.relu as never]))).toThrow(
      /`skipConnections` \(Haiku's `skip_connections`\) requires for all layers to be `hk.RNNCore`s/,
    );
    expect(init(() => deepRnnWithSkipConnections([new LSTM(2), tf.relu as never]))).toThrow(InvalidArgumentError);
    expect(
      init(() => {
        const c = new ResetCore(new LSTM(2));
        return c.call([tf.ones([3, 2]), tf.ones([2])], c.initialState(3));
      }),
    ).toThrow(/should_reset signal shape \[2\] is not compatible with state shape \[3, 2\]/);
    expect(
      init(() => {
        const c = new ResetCore(new LSTM(2));
        return c.call([tf.ones([3, 2]), tf.ones([2])], c.initialState(3));
      }),
    ).toThrow(ShapeError);
    expect(init(() => new LSTM(0))).toThrow(/`hiddenSize` \(Haiku's `hidden_size`\) must be a positive integer/);
    expect(init(() => new LSTM(0))).toThrow(InvalidArgumentError);
    expect(() => dynamicUnroll({} as never, tf.ones([2]), null)).toThrow(/`core` must be an RNNCore/);
    expect(() => dynamicUnroll({} as never, tf.ones([2]), null)).toThrow(InvalidArgumentError);
  });
});
