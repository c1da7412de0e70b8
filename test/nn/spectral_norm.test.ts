// SpectralNorm / SNParamsTree against Haiku's golden checkpoint table (haiku/_src/integration/checkpoints:
// SpectralNorm() on f32[8,3,2] -> state spectral_norm {sigma: f32[], u0: [1,2]}) and
// spectral_norm.py's power iteration, recomputed by hand.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { transformWithState } from "../../src/core/index.js";
import type { Params } from "../../src/core/index.js";
import { key } from "../../src/random/index.js";
import { SNParamsTree, SpectralNorm } from "../../src/nn/spectral_norm.js";
import { expectClose, lcg, shapes } from "./helpers.js";
import { ShapeError } from "../../src/util/errors.js";

describe("SpectralNorm", () => {
  it("matches the golden state structure", () => {
    const f = transformWithState((x: tf.Tensor) => new SpectralNorm().call(x));
    const [params, state] = f.init(key(0), tf.ones([8, 3, 2]));
    expect(params).toEqual({});
    expect(shapes(state)).toEqual({ spectral_norm: { u0: [1, 2], sigma: [] } });
  });

  it("does one power-iteration step from the stored u0 (hand computation) and converges to the top singular value", () => {
    const w = [
      [2, 1, 0],
      [1, 3, 1],
    ];
    const f = transformWithState((x: tf.Tensor) => new SpectralNorm().call(x));
    const x = tf.tensor2d(w);
    const [, init] = f.init(key(0), x);
    const u = [0.6, -0.8, 0.5];
    const state = { spectral_norm: { u0: tf.tensor2d([u]), sigma: init["spectral_norm"]!["sigma"]! } };
    const [out, next] = f.apply({}, state, null, x);
    const norm = (v: number[]) => v.map((a) => a / Math.sqrt(v.reduce((s, b) => s + b * b, 0) + 1e-4));
    const v0 = norm(w.map((row) => row.reduce((s, a, j) => s + a * u[j]!, 0)));
    const u1 = norm([0, 1, 2].map((j) => v0.reduce((s, a, i) => s + a * w[i]![j]!, 0)));
    const sigma = v0.reduce((s, a, i) => s + a * w[i]!.reduce((t, b, j) => t + b * u1[j]!, 0), 0);
    expectClose(next["spectral_norm"]!["u0"] as tf.Tensor, u1, 1e-5);
    expectClose(next["spectral_norm"]!["sigma"] as tf.Tensor, [sigma], 1e-5);
    expectClose(
      out as tf.Tensor,
      w.flat().map((a) => a / sigma),
      1e-5,
    );

    const many = transformWithState((m: tf.Tensor) => new SpectralNorm({ nSteps: 50 }).call(m));
    const diag = tf.tensor2d([
      [3, 0],
      [0, 1],
    ]);
    const [, s0] = many.init(key(1), diag);
    const [y, s1] = many.apply({}, s0, null, diag);
    expectClose(s1["spectral_norm"]!["sigma"] as tf.Tensor, [3], 1e-3);
    expectClose(y as tf.Tensor, [1, 0, 0, 1 / 3], 1e-3);
  });

  it("has gradients on wasm (u0 and v0 are constants, sigma depends on the input), matching cpu", () => {
    expect(tf.getBackend()).toBe("wasm");
    const f = transformWithState((m: tf.Tensor) => new SpectralNorm().call(m));
    const x = tf.tensor(lcg(12, 3), [4, 3]);
    const wts = tf.tensor(lcg(12, 4), [4, 3]);
    const [, state] = f.init(key(2), x);
    const grad = () =>
      Array.from(
        tf
          .grad((m: tf.Tensor) => tf.sum(tf.mul(f.apply({}, state, null, m)[0] as tf.Tensor, wts)))(x)
          .dataSync(),
      );
    const onWasm = grad();
    // With u, v held constant: d/dW sum(G * W / sigma) = G / sigma - sum(G * W) / sigma² * v uᵀ.
    const W = Array.from(x.dataSync());
    const G = Array.from(wts.dataSync());
    const uPrev = Array.from((state["spectral_norm"]!["u0"] as tf.Tensor).dataSync());
    const norm = (v: number[]) => v.map((a) => a / Math.sqrt(v.reduce((t, b) => t + b * b, 0) + 1e-4));
    const v0 = norm([0, 1, 2, 3].map((i) => [0, 1, 2].reduce((t, j) => t + W[i * 3 + j]! * uPrev[j]!, 0)));
    const u1 = norm([0, 1, 2].map((j) => [0, 1, 2, 3].reduce((t, i) => t + W[i * 3 + j]! * v0[i]!, 0)));
    const sigma = [0, 1, 2, 3].reduce(
      (t, i) => t + v0[i]! * [0, 1, 2].reduce((r, j) => r + W[i * 3 + j]! * u1[j]!, 0),
      0,
    );
    const gw = W.reduce((t, w, k) => t + w * G[k]!, 0);
    expectClose(
      onWasm,
      W.map((_, k) => G[k]! / sigma - (gw / sigma ** 2) * v0[Math.floor(k / 3)]! * u1[k % 3]!),
      1e-5,
      1e-3,
    );
    tf.setBackend("cpu");
    try {
      expectClose(onWasm, grad(), 1e-5, 1e-4);
    } finally {
      tf.setBackend("wasm");
    }
  });

  it("raises Haiku's errors and leaves state alone without updateStats", () => {
    const init = (fn: (x: tf.Tensor) => unknown, x: tf.Tensor) => () => transformWithState(fn).init(key(0), x);
    expect(init((x) => new SpectralNorm().call(x), tf.ones([3]))).toThrow(
      /Spectral normalization is not well defined for scalar or vector inputs/,
    );
    expect(init((x) => new SpectralNorm().call(x), tf.ones([3]))).toThrow(ShapeError);
    expect(init((x) => new SpectralNorm().call(x, { errorOnNonMatrix: true }), tf.ones([2, 2, 2]))).toThrow(
      /Input is 3D but `errorOnNonMatrix` \(Haiku's `error_on_non_matrix`\) is true/,
    );
    expect(init((x) => new SpectralNorm().call(x, { errorOnNonMatrix: true }), tf.ones([2, 2, 2]))).toThrow(ShapeError);
    const f = transformWithState((x: tf.Tensor) => new SpectralNorm().call(x, { updateStats: false }));
    const x = tf.ones([2, 2]);
    const [, s] = f.init(key(0), x);
    const [, s1] = f.apply({}, s, null, x);
    expectClose(s1["spectral_norm"]!["u0"] as tf.Tensor, (s["spectral_norm"]!["u0"] as tf.Tensor).dataSync(), 0, 0);
  });
});

describe("SNParamsTree", () => {
  it("normalises every leaf, names states from paths, honours ignoreRegex", () => {
    const params: Params = {
      "mlp/~/linear_0": {
        w: tf.tensor2d([
          [3, 0],
          [0, 1],
        ]),
        b: tf.tensor2d([[1, 1]]),
      },
    };
    const f = transformWithState((p: Params) => new SNParamsTree({ nSteps: 50, ignoreRegex: ".*b$" }).call(p));
    const [, state] = f.init(key(0), params);
    expect(Object.keys(state)).toEqual(["sn_params_tree/mlp___tilde__linear_0__w"]);
    const [out] = f.apply({}, state, null, params);
    const o = out as Params;
    expectClose(o["mlp/~/linear_0"]!["w"]!, [1, 0, 0, 1 / 3], 1e-3);
    expectClose(o["mlp/~/linear_0"]!["b"]!, [1, 1], 0, 0);
  });
});
