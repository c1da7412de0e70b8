import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as io from "../../src/io/index.js";
import { ParameterError } from "../../src/util/errors.js";

describe("checkParams / assertParamsMatch", () => {
  const expected = {
    "mlp/~/linear_0": { w: [784, 300], b: [300] },
    "mlp/~/linear_1": { w: [300, 10], b: [10] },
    "~": { scale: [] },
  };

  it("reports nothing for a matching tree of tensors against a tree of shapes", () => {
    const before = tf.memory().numTensors;
    const loaded = {
      "mlp/~/linear_0": { w: tf.zeros([784, 300]), b: tf.zeros([300]) },
      "mlp/~/linear_1": { w: tf.zeros([300, 10]), b: tf.zeros([10]) },
      "~": { scale: tf.scalar(1) },
    };
    const afterMaking = tf.memory().numTensors;
    expect(io.checkParams(loaded, expected)).toEqual({ ok: true, missing: [], unexpected: [], mismatched: [] });
    expect(io.assertParamsMatch(loaded, expected)).toBe(loaded);
    expect(tf.memory().numTensors).toBe(afterMaking);
    for (const m of Object.values(loaded)) for (const t of Object.values(m)) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("lists missing, unexpected and mis-shaped entries by full name", () => {
    const loaded = {
      "mlp/~/linear_0": { w: tf.zeros([300, 784]), b: tf.zeros([300]) },
      "mlp/~/linear_2": { w: tf.zeros([10, 10]) },
      "~": { scale: tf.zeros([1]) },
    };
    expect(io.checkParams(loaded, expected)).toEqual({
      ok: false,
      missing: ["mlp/~/linear_1/w", "mlp/~/linear_1/b"],
      unexpected: ["mlp/~/linear_2/w"],
      mismatched: [
        { name: "mlp/~/linear_0/w", expected: [784, 300], actual: [300, 784] },
        { name: "~/scale", expected: [], actual: [1] },
      ],
    });
    expect(() => io.assertParamsMatch(loaded, expected)).toThrow(
      [
        "hk.io.assertParamsMatch: `loaded` does not match the params the model expects (`expected`):",
        "missing (2), expected by the model but not loaded:",
        "  mlp/~/linear_1/w",
        "  mlp/~/linear_1/b",
        "unexpected (1), loaded but not in the model:",
        "  mlp/~/linear_2/w",
        "mismatched (2):",
        "  mlp/~/linear_0/w: expected shape [784, 300], got [300, 784] (transposed: a PyTorch Linear weight is [out, in], Haiku's w is [in, out])",
        "  ~/scale: expected shape [], got [1]. Fix: names are Haiku's module/param: compare the export script's keys with the model's (Object.keys of init's params).",
      ].join("\n"),
    );
    expect(() => io.assertParamsMatch(loaded, expected)).toThrow(ParameterError);
    for (const m of Object.values(loaded)) for (const t of Object.values(m)) t.dispose();
  });

  it("compares dtypes when both sides are tensors", () => {
    const model = { ema: { counter: tf.scalar(0, "int32") } };
    const loaded = { ema: { counter: tf.scalar(0, "float32") } };
    expect(io.checkParams(loaded, model).mismatched).toEqual([
      { name: "ema/counter", expected: [], actual: [], expectedDtype: "int32", actualDtype: "float32" },
    ]);
    expect(() => io.assertParamsMatch(loaded, model)).toThrow("  ema/counter: expected dtype int32, got float32");
    tf.dispose([model.ema.counter, loaded.ema.counter]);
  });

  it("checks deeper state trees by their joined paths, and truncates long lists", () => {
    const model = {
      lstm: {
        carry: [
          [2, 3],
          [2, 3],
        ],
      },
    };
    const loaded = { lstm: { carry: [tf.zeros([2, 3])] } };
    expect(io.checkParams(loaded, model)).toEqual({
      ok: false,
      missing: ["lstm/carry/1"],
      unexpected: [],
      mismatched: [],
    });
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`m${i}`, { w: [1] }]));
    const message = (() => {
      try {
        io.assertParamsMatch({}, many);
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    expect(message).toContain("missing (25), expected by the model but not loaded:\n  m0/w\n");
    expect(message).toContain("  m19/w\n  ... and 5 more. Fix: ");
    expect(message).not.toContain("m20/w");
    loaded.lstm.carry[0]!.dispose();
  });

  it("works on a real round trip through serialize", () => {
    const params = { linear: { w: tf.ones([2, 3]), b: tf.zeros([3]) } };
    const loaded = io.deserialize(io.serialize(params));
    expect(io.checkParams(loaded, params).ok).toBe(true);
    tf.dispose([params.linear.w, params.linear.b, loaded["linear"]!["w"]!, loaded["linear"]!["b"]!]);
  });

  it("rejects leaves that are neither tensors nor shapes", () => {
    expect(() => io.checkParams({ m: { w: "x" } }, expected)).toThrow(
      'hk.io.checkParams: the leaf at "m/w" of `loaded` must be a tf.Tensor or a shape (number[]), got the string "x". Fix: give every leaf as a tensor or its shape.',
    );
    expect(() => io.checkParams({}, null as unknown as Record<string, unknown>)).toThrow(
      'hk.io.checkParams: `expected` must be a params/state tree (a plain object such as {"mlp/~/linear_0": {w, b}}), got null. Fix: ',
    );
  });
});
