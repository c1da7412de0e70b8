// hk.experimental.tabulate / evalSummary against Haiku's summarise.py (docstring tables) and
// summarise_test.py.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { Module, getParameter, module, transform } from "../../src/core/index.js";
import { formatBytes } from "../../src/experimental/array_spec.js";
import { evalSummary, tabulate } from "../../src/experimental/index.js";
import { BatchNorm } from "../../src/nn/batch_norm.js";
import { Linear } from "../../src/nn/linear.js";
import { MLP } from "../../src/nn/nets/mlp.js";
import { InvalidArgumentError } from "../../src/util/errors.js";

// haiku/_src/summarise.py, tabulate's docstring: hk.nets.MLP([300, 100, 10]) on f32[8,784].
const HAIKU_MLP_TABLE = `
+-------------------------+------------------------------------------+-----------------+------------+------------+---------------+---------------+
| Module                  | Config                                   | Module params   | Input      | Output     |   Param count |   Param bytes |
+=========================+==========================================+=================+============+============+===============+===============+
| mlp (MLP)               | MLP(output_sizes=[300, 100, 10])         |                 | f32[8,784] | f32[8,10]  |       266,610 |       1.07 MB |
+-------------------------+------------------------------------------+-----------------+------------+------------+---------------+---------------+
| mlp/~/linear_0 (Linear) | Linear(output_size=300, name='linear_0') | w: f32[784,300] | f32[8,784] | f32[8,300] |       235,500 |     942.00 KB |
|  └ mlp (MLP)            |                                          | b: f32[300]     |            |            |               |               |
+-------------------------+------------------------------------------+-----------------+------------+------------+---------------+---------------+
| mlp/~/linear_1 (Linear) | Linear(output_size=100, name='linear_1') | w: f32[300,100] | f32[8,300] | f32[8,100] |        30,100 |     120.40 KB |
|  └ mlp (MLP)            |                                          | b: f32[100]     |            |            |               |               |
+-------------------------+------------------------------------------+-----------------+------------+------------+---------------+---------------+
| mlp/~/linear_2 (Linear) | Linear(output_size=10, name='linear_2')  | w: f32[100,10]  | f32[8,100] | f32[8,10]  |         1,010 |       4.04 KB |
|  └ mlp (MLP)            |                                          | b: f32[10]      |            |            |               |               |
+-------------------------+------------------------------------------+-----------------+------------+------------+---------------+---------------+`.trim();

/** Removes the `col`-th column (0-based) from a grid table. */
function dropColumn(table: string, col: number): string {
  return table
    .split("\n")
    .map((line) => {
      const seps = [...line].flatMap((ch, i) => (ch === "|" || ch === "+" ? [i] : []));
      return line.slice(0, seps[col]) + line.slice(seps[col + 1]);
    })
    .join("\n");
}

/** Trimmed cell texts of every content line of a grid table. */
function cells(table: string): string[][] {
  return table
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .map((l) =>
      l
        .slice(1, -1)
        .split("|")
        .map((c) => c.trim()),
    );
}

const mlp = (x: tf.Tensor) => new MLP([300, 100, 10]).call(x);

@module
class Params4 extends Module {
  call(): tf.Tensor {
    const mk = (n: string, s: number[]) => getParameter(n, s, { init: (shape, dtype) => tf.zeros(shape, dtype) });
    for (const [n, s] of [
      ["a", [1]],
      ["b", [2]],
      ["c", [2]],
      ["d", [3]],
    ] as const)
      mk(n, [...s]);
    return tf.zeros([1]);
  }
}

@module
class Structured extends Module {
  call(): { a: tf.Tensor; b: [tf.Tensor, tf.Tensor] } {
    return { a: tf.zeros([32, 32]), b: [tf.zeros([1]), tf.scalar(0, "int32")] };
  }
}

@module
class NoOutput extends Module {
  call(): void {}
}

describe("tabulate", () => {
  it("prints Haiku's docstring table for MLP([300, 100, 10]) (all columns but Config)", () => {
    const out = tabulate(mlp, {
      columns: ["module", "owned_params", "input", "output", "params_size", "params_bytes"],
    })(tf.ones([8, 784]));
    expect(out).toBe(dropColumn(HAIKU_MLP_TABLE, 1));
  });

  it("prints the config from constructor parameters and fields", () => {
    const rows = tabulate(mlp, { columns: ["config"] })(tf.ones([8, 784])).split("\n");
    expect(rows).toContain("| Linear(outputSize=300, name='linear_0') |");
    const bn = tabulate((x: tf.Tensor) => new BatchNorm(true, true, 0.9).call(x, true), {
      columns: ["module", "config", "input"],
    })(tf.ones([4, 3]));
    expect(cells(bn)).toEqual([
      ["Module", "Config", "Input"],
      ["batch_norm (BatchNorm)", "BatchNorm(createScale=true, createOffset=true, decayRate=0.9)", "f32[4,3], true"],
      [
        "batch_norm/~/mean_ema (ExponentialMovingAverage)",
        "ExponentialMovingAverage(decay=0.9, name='mean_ema')",
        "f32[1,3]",
      ],
      ["└ batch_norm (BatchNorm)", "", ""],
      [
        "batch_norm/~/var_ema (ExponentialMovingAverage)",
        "ExponentialMovingAverage(decay=0.9, name='var_ema')",
        "f32[1,3]",
      ],
      ["└ batch_norm (BatchNorm)", "", ""],
    ]);
  });

  it("sorts owned params by size then name and formats structured outputs (summarise_test.py)", () => {
    expect(tabulate(() => new Params4().call(), { columns: ["owned_params"] })()).toContain(
      ["| d: f32[3]       |", "| b: f32[2]       |", "| c: f32[2]       |", "| a: f32[1]       |"].join("\n"),
    );
    expect(tabulate(() => new Structured().call(), { columns: ["output"] })()).toContain(
      "| {a: f32[32,32], b: [f32[1], s32[]]} |",
    );
  });

  it("filters rows: has_output (default), has_params; says when nothing is left", () => {
    const f = () => {
      new NoOutput().call();
      return new Linear(2).call(tf.ones([1, 3]));
    };
    expect(tabulate(f, { columns: ["module"] })()).not.toContain("no_output");
    expect(tabulate(f, { columns: ["module"], filters: [] })()).toContain("no_output (NoOutput)");
    expect(tabulate(() => new NoOutput().call())()).toBe("No modules matching filters.");
    expect(tabulate(() => new Structured().call(), { filters: ["has_params"] })()).toBe("No modules matching filters.");
  });

  it("accepts transformed objects, their init / apply (unwrapped as Haiku does), and the github format", () => {
    const a = tabulate(mlp)(tf.ones([2, 5]));
    expect(tabulate(transform(mlp))(tf.ones([2, 5]))).toBe(a);
    expect(tabulate(transform(mlp).apply)(tf.ones([2, 5]))).toBe(a);
    expect(tabulate(transform(mlp).init)(tf.ones([2, 5]))).toBe(a);
    const md = tabulate(mlp, { columns: ["module", "params_size"], tablefmt: "github" })(tf.ones([2, 5]));
    expect(md.split("\n").slice(0, 3)).toEqual([
      "| Module                  |   Param count |",
      "|:------------------------|--------------:|",
      "| mlp (MLP)               |        32,910 |",
    ]);
  });

  it("raises Haiku's errors for unknown columns and filters", () => {
    expect(() => tabulate(mlp, { columns: ["nonsense" as never] })).toThrow(
      /Invalid column\(s\) \['nonsense'\], valid columns \['module'/,
    );
    expect(() => tabulate(mlp, { columns: ["nonsense" as never] })).toThrow(InvalidArgumentError);
    expect(() => tabulate(mlp, { filters: ["nonsense" as never] })).toThrow(
      /Invalid filter\(s\) \['nonsense'\], valid filters \['has_output', 'has_params'\]/,
    );
    expect(() => tabulate(mlp, { filters: ["nonsense" as never] })).toThrow(InvalidArgumentError);
    expect(() => tabulate(42)).toThrow(/expected a function or the result of hk.transform/);
    expect(() => tabulate(42)).toThrow(InvalidArgumentError);
  });
});

describe("evalSummary", () => {
  it("records calls parent-first with specs (summarise.py eval_summary docstring)", () => {
    const rows = evalSummary(mlp)(tf.ones([8, 784]));
    expect(
      rows.map(
        (r) => `${r.moduleDetails.module.moduleName} | in := ${String(r.argsSpec[0])} out := ${String(r.outputSpec)}`,
      ),
    ).toEqual([
      "mlp | in := f32[8,784] out := f32[8,10]",
      "mlp/~/linear_0 | in := f32[8,784] out := f32[8,300]",
      "mlp/~/linear_1 | in := f32[8,300] out := f32[8,100]",
      "mlp/~/linear_2 | in := f32[8,100] out := f32[8,10]",
    ]);
    expect(rows[1]!.callStack.map((d) => d.module.moduleName)).toEqual(["mlp/~/linear_0", "mlp"]);
    expect(Object.keys(rows[0]!.moduleDetails.params)).toHaveLength(6);
  });

  it("is empty for no modules and for constructor-only use; one row per call", () => {
    expect(evalSummary(() => null)()).toEqual([]);
    expect(evalSummary(() => void new Linear(1))()).toEqual([]);
    const rows = evalSummary((x: tf.Tensor) => {
      const l = new Linear(3);
      return [l.call(x), l.call(x), l.call(x)];
    })(tf.ones([1, 2]));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.moduleDetails.module.moduleName === "linear")).toBe(true);
  });

  it("frees everything it computes", () => {
    const x = tf.ones([2, 5]);
    const run = evalSummary(mlp);
    run(x);
    const before = tf.memory().numTensors;
    run(x);
    run(x);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("formatBytes", () => {
  it("uses base-1000 units with Decimal half-even rounding (utils.format_bytes)", () => {
    expect(formatBytes(942_000)).toBe("942.00 KB");
    expect(formatBytes(1_066_440)).toBe("1.07 MB");
    expect(formatBytes(24)).toBe("24.00 B");
    expect(formatBytes(2_125)).toBe("2.12 KB");
    expect(formatBytes(2_135)).toBe("2.14 KB");
    expect(formatBytes(999_999)).toBe("1000.00 KB");
    expect(formatBytes(5e15)).toBe("5000.00 TB");
  });
});
