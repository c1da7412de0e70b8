// Zero-size inputs on the wasm backend (issue 11, item 5). tfjs-backend-wasm 4.22's kernels skip
// their work when an input is empty and return their output buffer unwritten, so after the heap
// held other data a sum over an empty axis or a [4, 0] x [0, 3] product is stale memory. Each
// case below is run on wasm after filling freed heap memory with 7s and compared with the cpu
// backend; `tools/audit_wasm_empty.ts` prints the same comparison as a table.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { ShapeError } from "../../src/util/errors.js";
import * as hk from "../../src/index.js";
import { emptyCases, poisonHeap } from "./empty_cases.js";
import { expectNoLeaks } from "./helpers.js";

type Outcome = { values: number[][]; shapes: number[][]; dtypes: string[] } | { error: string };

function outcome(backend: string, run: () => tf.Tensor | tf.Tensor[]): Outcome {
  tf.setBackend(backend);
  if (backend === "wasm") poisonHeap();
  try {
    return tf.tidy(() => {
      const out = run();
      const list = Array.isArray(out) ? out : [out];
      return {
        values: list.map((t) => Array.from(t.dataSync() as ArrayLike<number>)),
        shapes: list.map((t) => t.shape),
        dtypes: list.map((t) => t.dtype),
      };
    });
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    tf.setBackend("wasm");
  }
}

describe("wasm kernels with zero-size inputs", () => {
  for (const c of emptyCases()) {
    it(`${c.name}: as on cpu, whatever the heap held`, () => {
      const cpu = outcome("cpu", c.run);
      const wasm = outcome("wasm", c.run);
      // toEqual treats NaN as equal to NaN; the cpu values are float32 too, so no tolerance.
      expect(wasm).toEqual(cpu);
    });
  }

  it("the issue's repro: tf.sum(zeros([4, 0]), 1) after tf.fill([1000], 7) is zeros; matMul [4,0]x[0,3] too", () => {
    tf.fill([1000], 7).dispose();
    const s = tf.sum(tf.zeros([4, 0]), 1);
    expect(Array.from(s.dataSync())).toEqual([0, 0, 0, 0]);
    tf.fill([1000], 7).dispose();
    const m = tf.matMul(tf.zeros([4, 0]), tf.zeros([0, 3]));
    expect(Array.from(m.dataSync())).toEqual(new Array<number>(12).fill(0));
    tf.dispose([s, m]);
  });

  it("a Linear on an empty feature axis outputs its bias and gets the gradient of a bias", () => {
    // With no input features x @ w is a sum over nothing (0), so y = b for every row, dL/db is
    // the sum over rows of dL/dy, and dL/dw has w's shape [0, 3].
    const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.Linear(3).call(x)));
    const params = { linear: { w: tf.zeros([0, 3]), b: tf.tensor1d([0.5, -1, 2]) } };
    const x = tf.zeros([5, 0]);
    poisonHeap();
    const y = f.apply(params, x);
    expect(y.shape).toEqual([5, 3]);
    expect(Array.from(y.dataSync())).toEqual([0.5, -1, 2, 0.5, -1, 2, 0.5, -1, 2, 0.5, -1, 2, 0.5, -1, 2]);
    poisonHeap();
    const [gw, gb] = tf.grads((w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f.apply({ linear: { w, b } }, x))))([
      params.linear.w,
      params.linear.b,
    ]);
    expect(gw!.shape).toEqual([0, 3]);
    expect(Array.from(gb!.dataSync())).toEqual([5, -10, 20]); // 5 rows x 2 b
    tf.dispose([y, gw!, gb!, x, params.linear.w, params.linear.b]);
  });
});

describe("reductions over nothing give JAX's values on both backends", () => {
  // Expected values: jnp.sum / jnp.prod / jnp.mean / jnp.var / jnp.all / jnp.any /
  // jax.nn.logsumexp over axis 1 of jnp.zeros((4, 0)) (jax 0.10.2) give 0, 1, nan, nan, True,
  // False, -inf; jnp.max / jnp.min raise (no identity) and lax.reduce_max / lax.reduce_min give
  // -inf / inf (int32: -2^31 / 2^31 - 1), the identities used here; jnp.argmax raises.
  // tfjs-backend-cpu 4.22 alone gives NaN for max / min, false for all and 0 for mean.
  const x = () => tf.zeros([4, 0]);
  const cases: [string, () => tf.Tensor, number[]][] = [
    ["sum", () => tf.sum(x(), 1), [0, 0, 0, 0]],
    ["prod", () => tf.prod(x(), 1), [1, 1, 1, 1]],
    ["mean", () => tf.mean(x(), 1), [NaN, NaN, NaN, NaN]],
    ["variance (moments)", () => tf.moments(x(), 1).variance, [NaN, NaN, NaN, NaN]],
    ["all", () => tf.all(tf.cast(x(), "bool"), 1), [1, 1, 1, 1]],
    ["any", () => tf.any(tf.cast(x(), "bool"), 1), [0, 0, 0, 0]],
    ["logSumExp", () => tf.logSumExp(x(), 1), [-Infinity, -Infinity, -Infinity, -Infinity]],
    ["max", () => tf.max(x(), 1), [-Infinity, -Infinity, -Infinity, -Infinity]],
    ["min", () => tf.min(x(), 1), [Infinity, Infinity, Infinity, Infinity]],
    ["int32 max", () => tf.max(tf.zeros([2, 0], "int32"), 1), [-(2 ** 31), -(2 ** 31)]],
    ["int32 min", () => tf.min(tf.zeros([2, 0], "int32"), 1), [2 ** 31 - 1, 2 ** 31 - 1]],
    ["int32 sum", () => tf.sum(tf.zeros([2, 0], "int32"), 1), [0, 0]],
    ["max of all of [0] (keepDims)", () => tf.max(tf.zeros([0]), undefined, true), [-Infinity]],
    ["sum over the middle axis of [2, 0, 3]", () => tf.sum(tf.zeros([2, 0, 3]), 1), [0, 0, 0, 0, 0, 0]],
  ];
  for (const backend of ["wasm", "cpu"]) {
    for (const [name, run, want] of cases) {
      it(`${name} on ${backend}`, () => {
        const got = outcome(backend, run);
        expect("values" in got && got.values[0]).toEqual(want);
      });
    }
  }

  it("argMax / argMin over an empty axis throw, naming the op, the axis and the shape", () => {
    for (const backend of ["wasm", "cpu"]) {
      tf.setBackend(backend);
      try {
        expect(() => tf.argMax(tf.zeros([4, 0]), 1)).toThrow(
          /tf\.argMax: `axis` 1 of the input \(shape \[4,0\]\) has size 0.*Fix:/,
        );
        expect(() => tf.argMin(tf.zeros([0, 3]), 0)).toThrow(/tf\.argMin: `axis` 0 .*\[0,3\]/);
        expect(() => tf.argMin(tf.zeros([0, 3]), 0)).toThrow(ShapeError);
        // An empty output is fine: nothing is reduced over an empty axis.
        expect(tf.argMax(tf.zeros([0, 3]), 1).shape).toEqual([0]);
      } finally {
        tf.setBackend("wasm");
      }
    }
  });

  it("keeps non-empty reductions on the kernels they had (same values as cpu)", () => {
    const v = tf.tensor2d([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    for (const [op, want] of [
      [tf.max, [3, 5]],
      [tf.min, [-2, -6]],
      [tf.prod, [-6, -120]],
      [tf.mean, [2 / 3, 1]],
    ] as const) {
      const out = op(v, 1);
      expect(Array.from(out.dataSync())).toEqual(want.map(Math.fround));
      out.dispose();
    }
    v.dispose();
  });
});

describe("the zero-size guard's memory", () => {
  it("leaks no tensors and no wasm or cpu buffers (cpu fallback, multi-output kernels, reductions)", () => {
    const a = tf.zeros([4, 0]);
    const b = tf.ones([0, 3]);
    const bias = tf.ones([3]);
    const cpu = tf.engine().findBackend("cpu");
    const cpuBuffers = cpu.numDataIds();
    expectNoLeaks(() => {
      tf.tidy(() => {
        tf.fused.matMul({ a, b, bias, activation: "relu" });
        tf.concat([a, tf.zeros([4, 2])], 1);
        tf.sum(a, 1);
        tf.max(a, 1, true);
        tf.topk(tf.zeros([0, 4]), 2);
        tf.grad((w: tf.Tensor) => tf.sum(tf.matMul(tf.zeros([0, 4]), w)))(tf.ones([4, 3]));
      });
    });
    expect(cpu.numDataIds()).toBe(cpuBuffers);
    tf.dispose([a, b, bias]);
  });
});

describe("coverage of the zero-size cases", () => {
  // Kernels no case gives a zero-size input, and why.
  const unreachable: Record<string, string> = {
    ArgMax: "throws by design over an empty axis (tested above)",
    ArgMin: "throws by design over an empty axis (tested above)",
    ExpandDims: "tf.expandDims runs Reshape",
    Fill: "takes no tensor input",
    LinSpace: "takes no tensor input",
    Range: "takes no tensor input",
    LogicalXor: "tf.logicalXor composes And / Or / Not",
    Multinomial: "tf.multinomial rejects fewer than 2 outcomes before the kernel",
    SearchSorted: "tf.searchSorted fails reshaping an empty input before the kernel",
    StringNGrams: "string kernels are not guarded",
    StringSplit: "string kernels are not guarded",
    StringToHashBucketFast: "string kernels are not guarded",
  };

  it("every wasm kernel with a tensor input gets a zero-size input from some case, or is listed with the reason", async () => {
    const reached = new Set<string>();
    for (const c of emptyCases()) {
      // tf.profile does not await the kernels' timing promises: a case that throws would reject
      // one of them unhandled, so only cases that run are profiled.
      if ("error" in outcome("wasm", c.run)) continue;
      const info = await tf.profile(() => c.run());
      for (const k of info.kernels) if (k.inputShapes.some((s) => s?.includes(0))) reached.add(k.name);
      tf.dispose(info.result as tf.Tensor | tf.Tensor[]);
    }
    const missing = tf
      .getKernelsForBackend("wasm")
      .map((k) => k.kernelName)
      // The project's own kernels (HaikuTfjs*, e.g. the optimizers') are tested with their modules.
      .filter((k) => !reached.has(k) && unreachable[k] === undefined && !k.startsWith("HaikuTfjs"));
    expect(missing).toEqual([]);
  });
});
