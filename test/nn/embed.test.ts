// Embed against Haiku's golden checkpoint table (haiku/_src/integration/checkpoints: Embed(vocab_size=6,
// embed_dim=12) on s32[8] -> embed/embeddings [6,12]) and embed_test.py's errors.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { getParameter, transform } from "../../src/core/index.js";
import { TruncatedNormal } from "../../src/initializers/index.js";
import { key } from "../../src/random/index.js";
import { Embed } from "../../src/nn/embed.js";
import { expectClose, expectNoLeak, lcg, shapes } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";
import { transformAndRun } from "../transform_and_run.js";

const ids = tf.tensor1d([0, 5, 2, 2, 1, 3, 4, 0], "int32");

describe("Embed", () => {
  it("matches the golden structure and defaults to TruncatedNormal(stddev=1)", () => {
    const f = transform((i: tf.Tensor) => new Embed({ vocabSize: 6, embedDim: 12 }).call(i));
    const params = f.init(key(0), ids);
    expect(shapes(params)).toEqual({ embed: { embeddings: [6, 12] } });
    // Same key, same first rng draw: the default initializer is TruncatedNormal() unscaled.
    const ref = transform(() => getParameter("embeddings", [6, 12], { init: TruncatedNormal() })).init(key(0));
    expectClose(params["embed"]!["embeddings"]!, ref["~"]!["embeddings"]!.dataSync(), 0, 0);
  });

  it("accepts Haiku's positional form Embed(vocab_size, embed_dim, ...) with the same params", () => {
    const positional = transform((i: tf.Tensor) => new Embed(6, 12, { name: "tokens" }).call(i));
    const options = transform((i: tf.Tensor) => new Embed({ vocabSize: 6, embedDim: 12, name: "tokens" }).call(i));
    const a = positional.init(key(0), ids);
    const b = options.init(key(0), ids);
    expect(shapes(a)).toEqual({ tokens: { embeddings: [6, 12] } });
    expectClose(a["tokens"]!["embeddings"]!, b["tokens"]!["embeddings"]!.dataSync(), 0, 0);
    expect(() => transform(() => new Embed(6, undefined as unknown as number)).init(key(0))).toThrow(
      /hk\.Embed: the positional form is `new hk\.Embed\(vocabSize, embedDim, opts\)`, got embedDim undefined\. Fix/,
    );
    expect(() => transform(() => new Embed(6, undefined as unknown as number)).init(key(0))).toThrow(
      InvalidArgumentError,
    );
  });

  it("looks ids up by gather and by one-hot matmul with identical results", () => {
    const table = lcg(6 * 4, 21);
    const matrix = tf.tensor(table, [6, 4]);
    const ids2d = tf.tensor2d(
      [
        [0, 5, 2],
        [1, 1, 4],
      ],
      [2, 3],
      "int32",
    );
    const expected = [0, 5, 2, 1, 1, 4].flatMap((i) => table.slice(i * 4, i * 4 + 4));
    for (const lookupStyle of ["ARRAY_INDEX", "ONE_HOT", "one_hot"] as const) {
      const f = transform((i: tf.Tensor) => new Embed({ embeddingMatrix: matrix, lookupStyle }).call(i));
      const params = f.init(null, ids2d);
      expect(shapes(params)).toEqual({ embed: { embeddings: [6, 4] } });
      const out = f.apply(params, null, ids2d) as tf.Tensor;
      expect(out.shape).toEqual([2, 3, 4]);
      expectClose(out, expected, 1e-6);
    }
    const g = transform((i: number[]) => new Embed({ embeddingMatrix: matrix }).call(i, { lookupStyle: "ONE_HOT" }));
    expectClose(g.apply(g.init(null, [3]), null, [3]) as tf.Tensor, table.slice(12, 16), 1e-6);
  });

  it("has gradients on wasm for both lookup styles (scatter-add of the output gradient)", () => {
    expect(tf.getBackend()).toBe("wasm");
    const w = tf.tensor(lcg(8 * 3, 2), [8, 3]);
    const idv = Array.from(ids.dataSync());
    const expected = new Array<number>(18).fill(0);
    idv.forEach((id, r) => {
      for (let c = 0; c < 3; c++) expected[id * 3 + c]! += w.dataSync()[r * 3 + c]!;
    });
    for (const lookupStyle of ["ARRAY_INDEX", "ONE_HOT"] as const) {
      const f = transform((i: tf.Tensor) => new Embed({ vocabSize: 6, embedDim: 3, lookupStyle }).call(i));
      const params = f.init(key(1), ids);
      const [g] = tf.grads((e: tf.Tensor) =>
        tf.sum(tf.mul(f.apply({ embed: { embeddings: e } }, null, ids) as tf.Tensor, w)),
      )([params["embed"]!["embeddings"]!]);
      expectClose(g!, expected, 1e-6);
    }
  });

  it("raises Haiku's errors", () => {
    const init = (fn: () => unknown) => () => transformAndRun(fn);
    expect(init(() => new Embed({ vocabSize: 6, embedDim: 2 }).call(tf.tensor1d([0, 1])))).toThrow(
      /hk.Embed's __call__ method must take an array of integer dtype but was called with an array of float32/,
    );
    expect(init(() => new Embed({ vocabSize: 6, embedDim: 2 }).call(tf.tensor1d([0, 1])))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new Embed({ vocabSize: 6, embedDim: 2 }).call([0.5]))).toThrow(
      /must take an array of integer dtype/,
    );
    expect(init(() => new Embed({ vocabSize: 6, embedDim: 2 }).call([0.5]))).toThrow(InvalidArgumentError);
    expect(init(() => new Embed({ vocabSize: 6 }))).toThrow(
      /hk.Embed must be supplied either with an initial `embeddingMatrix` \(Haiku's `embedding_matrix`\) or with `embedDim` and `vocabSize`/,
    );
    expect(init(() => new Embed({ vocabSize: 6 }))).toThrow(InvalidArgumentError);
    expect(init(() => new Embed({ vocabSize: 5, embeddingMatrix: tf.ones([6, 2]) }))).toThrow(
      /the `vocabSize` \(Haiku's `vocab_size`\) of 5 was not consistent with its shape \[6, 2\]/,
    );
    expect(init(() => new Embed({ vocabSize: 5, embeddingMatrix: tf.ones([6, 2]) }))).toThrow(ShapeError);
    expect(init(() => new Embed({ embedDim: 3, embeddingMatrix: [[1, 2]] }))).toThrow(
      /the `embedDim` \(Haiku's `embed_dim`\) of 3 was not consistent/,
    );
    expect(init(() => new Embed({ embedDim: 3, embeddingMatrix: [[1, 2]] }))).toThrow(ShapeError);
    expect(init(() => new Embed({ vocabSize: 6, embedDim: 2, lookupStyle: "MAGIC" as never }))).toThrow(
      /`lookupStyle` \(Haiku's `lookup_style`\) the string "MAGIC" is not supported by hk.Embed/,
    );
    expect(init(() => new Embed({ vocabSize: 6, embedDim: 2, lookupStyle: "MAGIC" as never }))).toThrow(
      InvalidArgumentError,
    );
  });

  it("keeps the tensor count flat", () => {
    const f = transform((i: tf.Tensor) => new Embed({ vocabSize: 6, embedDim: 3 }).call(i));
    const params = f.init(key(0), ids);
    expectNoLeak(() => tf.dispose(f.apply(params, null, ids) as tf.Tensor));
  });
});
