// MultiHeadAttention against Haiku's golden checkpoint table (haiku/_src/integration/checkpoints:
// MultiHeadAttention(num_heads=8, key_size=64, w_init_scale=1.0) on f32[8,3,2]) and
// attention.py's equations, recomputed by hand (plain JS loops) below.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { transform } from "../../src/core/index.js";
import type { Params } from "../../src/core/index.js";
import { VarianceScaling } from "../../src/initializers/index.js";
import { key } from "../../src/random/index.js";
import { MultiHeadAttention } from "../../src/nn/attention.js";
import { expectClose, expectCpuAgrees, expectNoLeak, lcg, paramGrads, shapes } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";
import { transformAndRun } from "../transform_and_run.js";

/** x [T, D] @ w [D, O] + b, on plain arrays. */
function affine(x: number[], t: number, d: number, w: number[], b: number[], o: number): number[] {
  const out = new Array<number>(t * o).fill(0);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < o; j++) {
      let s = b[j]!;
      for (let k = 0; k < d; k++) s += x[i * d + k]! * w[k * o + j]!;
      out[i * o + j] = s;
    }
  return out;
}

/** Haiku's MHA on one unbatched sequence: q [T', D], kv [T, D], mask [H or 1][T'][T]. */
function referenceMha(
  p: Params,
  q: number[],
  kv: number[],
  tq: number,
  tk: number,
  d: number,
  h: number,
  ks: number,
  mask?: boolean[],
): number[] {
  const arr = (m: string, n: string) => Array.from(p[m]![n]!.dataSync());
  const qh = affine(q, tq, d, arr("multi_head_attention/query", "w"), arr("multi_head_attention/query", "b"), h * ks);
  const kh = affine(kv, tk, d, arr("multi_head_attention/key", "w"), arr("multi_head_attention/key", "b"), h * ks);
  const vh = affine(kv, tk, d, arr("multi_head_attention/value", "w"), arr("multi_head_attention/value", "b"), h * ks);
  const attn = new Array<number>(tq * h * ks).fill(0);
  for (let hh = 0; hh < h; hh++)
    for (let t = 0; t < tq; t++) {
      const logits: number[] = [];
      for (let s = 0; s < tk; s++) {
        let l = 0;
        for (let c = 0; c < ks; c++) l += qh[t * h * ks + hh * ks + c]! * kh[s * h * ks + hh * ks + c]!;
        l /= Math.sqrt(ks);
        if (mask && !mask[t * tk + s]) l = -1e30;
        logits.push(l);
      }
      const mx = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - mx));
      const z = e.reduce((a, b) => a + b, 0);
      for (let s = 0; s < tk; s++)
        for (let c = 0; c < ks; c++) {
          attn[t * h * ks + hh * ks + c]! += (e[s]! / z) * vh[s * h * ks + hh * ks + c]!;
        }
    }
  return affine(
    attn,
    tq,
    h * ks,
    arr("multi_head_attention/linear", "w"),
    arr("multi_head_attention/linear", "b"),
    h * ks,
  );
}

describe("MultiHeadAttention", () => {
  it("matches the golden structure: query/key/value [2,512], linear [512,512]", () => {
    const f = transform((x: tf.Tensor) => new MultiHeadAttention(8, 64, { wInitScale: 1.0 }).call(x, x, x));
    const x = tf.ones([8, 3, 2]);
    const params = f.init(key(0), x);
    expect(shapes(params)).toEqual({
      "multi_head_attention/query": { w: [2, 512], b: [512] },
      "multi_head_attention/key": { w: [2, 512], b: [512] },
      "multi_head_attention/value": { w: [2, 512], b: [512] },
      "multi_head_attention/linear": { w: [512, 512], b: [512] },
    });
    expect((f.apply(params, null, x) as tf.Tensor).shape).toEqual([8, 3, 512]);
    const g = transform((x2: tf.Tensor) =>
      new MultiHeadAttention(2, 3, { wInit: VarianceScaling(1), withBias: false, valueSize: 5, modelSize: 7 }).call(
        x2,
        x2,
        x2,
      ),
    );
    expect(shapes(g.init(key(0), x))).toEqual({
      "multi_head_attention/query": { w: [2, 6] },
      "multi_head_attention/key": { w: [2, 6] },
      "multi_head_attention/value": { w: [2, 10] },
      "multi_head_attention/linear": { w: [10, 7] },
    });
  });

  it("computes softmax(q kᵀ / sqrt(K)) v per head, then the output projection (hand computation)", () => {
    const [tq, tk, d, h, ks] = [3, 4, 5, 2, 3];
    const q = lcg(2 * tq * d, 31);
    const kv = lcg(2 * tk * d, 32);
    const f = transform((a: tf.Tensor, b: tf.Tensor, m?: tf.Tensor) =>
      new MultiHeadAttention(h, ks, { wInit: VarianceScaling(2) }).call(a, b, b, m),
    );
    const qt = tf.tensor(q, [2, tq, d]);
    const kvt = tf.tensor(kv, [2, tk, d]);
    const init = f.init(key(3), qt, kvt);
    // Non-zero biases so they are exercised too.
    const params: Params = Object.fromEntries(
      Object.entries(init).map(([m, inner], i) => [m, { w: inner["w"]!, b: tf.tensor(lcg(inner["b"]!.size, 40 + i)) }]),
    );
    const out = f.apply(params, null, qt, kvt) as tf.Tensor;
    expect(out.shape).toEqual([2, tq, h * ks]);
    const expected = [0, 1].flatMap((bi) =>
      referenceMha(
        params,
        q.slice(bi * tq * d, (bi + 1) * tq * d),
        kv.slice(bi * tk * d, (bi + 1) * tk * d),
        tq,
        tk,
        d,
        h,
        ks,
      ),
    );
    expectClose(out, expected, 1e-5, 1e-4);

    // A causal-style mask [B, 1, T', T] broadcast over heads; float masks count non-zero as true.
    const maskValues = Array.from({ length: tq * tk }, (_, i) => Math.floor(i / tk) >= i % tk);
    const mask = tf.tensor(maskValues.map(Number), [1, 1, tq, tk]);
    const masked = f.apply(params, null, qt, kvt, mask) as tf.Tensor;
    const expectedMasked = [0, 1].flatMap((bi) =>
      referenceMha(
        params,
        q.slice(bi * tq * d, (bi + 1) * tq * d),
        kv.slice(bi * tk * d, (bi + 1) * tk * d),
        tq,
        tk,
        d,
        h,
        ks,
        maskValues,
      ),
    );
    expectClose(masked, expectedMasked, 1e-5, 1e-4);
    const boolMasked = f.apply(params, null, qt, kvt, tf.cast(mask, "bool")) as tf.Tensor;
    expectClose(boolMasked, expectedMasked, 1e-5, 1e-4);
  });

  it("has gradients on wasm for every parameter and the inputs (matches cpu)", () => {
    expect(tf.getBackend()).toBe("wasm");
    const f = transform((a: tf.Tensor, m: tf.Tensor) =>
      new MultiHeadAttention(2, 3, { wInit: VarianceScaling(1) }).call(a, a, a, m),
    );
    const x = tf.tensor(lcg(2 * 4 * 5, 51), [2, 4, 5]);
    const mask = tf.tensor(
      Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 0 : 1)),
      [1, 1, 4, 4],
    );
    const params = f.init(key(0), x, mask);
    const onWasm = expectCpuAgrees(() =>
      paramGrads(params, [x], (p, input) => tf.sum(tf.square(f.apply(p, null, input!, mask) as tf.Tensor))),
    );
    expect(onWasm).toHaveLength(9);
    expect(onWasm.every((g) => g.some((v) => v !== 0) && g.every(Number.isFinite))).toBe(true);
  });

  it("raises Haiku's errors", () => {
    const x = tf.ones([2, 3, 4]);
    const init = (fn: () => unknown) => () => transformAndRun(fn);
    expect(init(() => new MultiHeadAttention(2, 3))).toThrow(
      /Please provide a weight initializer: `wInit` \(Haiku's `w_init`\)/,
    );
    expect(init(() => new MultiHeadAttention(2, 3))).toThrow(InvalidArgumentError);
    expect(init(() => new MultiHeadAttention(2, 3, { wInit: VarianceScaling(1), wInitScale: 1 }))).toThrow(
      /Please provide only `wInit` \(Haiku's `w_init`\), not `wInitScale` \(Haiku's `w_init_scale`\)/,
    );
    expect(init(() => new MultiHeadAttention(2, 3, { wInit: VarianceScaling(1), wInitScale: 1 }))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new MultiHeadAttention(2, 3, { wInitScale: 1 }).call(x, x, x, tf.ones([2, 3, 3])))).toThrow(
      /Mask dimensionality 3 must match logits dimensionality 4/,
    );
    expect(init(() => new MultiHeadAttention(2, 3, { wInitScale: 1 }).call(x, x, x, tf.ones([2, 3, 3])))).toThrow(
      ShapeError,
    );
    expect(init(() => new MultiHeadAttention(0, 3, { wInitScale: 1 }))).toThrow(
      /`numHeads` \(Haiku's `num_heads`\) must be a positive integer/,
    );
    expect(init(() => new MultiHeadAttention(0, 3, { wInitScale: 1 }))).toThrow(InvalidArgumentError);
    expect(init(() => new MultiHeadAttention(2, 3, { wInitScale: 1 }).call(tf.ones([4]), x, x))).toThrow(
      /`query` must be a tf.Tensor of rank >= 2/,
    );
    expect(init(() => new MultiHeadAttention(2, 3, { wInitScale: 1 }).call(tf.ones([4]), x, x))).toThrow(ShapeError);
  });

  it("keeps the tensor count flat", () => {
    const f = transform((a: tf.Tensor) => new MultiHeadAttention(2, 3, { wInitScale: 1 }).call(a, a, a));
    const x = tf.ones([2, 3, 4]);
    const params = f.init(key(0), x);
    expectNoLeak(() => tf.dispose(f.apply(params, null, x) as tf.Tensor));
  });
});
