// Known answers: Haiku's initializers (haiku/_src/initializers.py) are thin wrappers over
// jax.random; every expected value below is rebuilt from src/random's JAX samplers with the key
// Haiku's PRNGSequence yields (haiku/_src/base.py: the first key of a transform seeded with `s`
// is split(key(s), 2)[1], the next split(split(key(s))[0])[1]).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, test } from "vitest";
import * as hk from "../../src/index.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";

const { random, initializers: I } = hk;

function sample(init: hk.Initializer, shape: number[], seed = 0, dtype: tf.DataType = "float32"): tf.Tensor {
  const f = hk.transform(() => hk.getParameter("w", shape, { init, dtype }));
  return f.init(random.key(seed))["~"]!["w"]!;
}

function keys(seed: number, n: number): hk.random.PRNGKey[] {
  let k = random.key(seed);
  const out: hk.random.PRNGKey[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b] = random.split(k, 2);
    k = a!;
    out.push(b!);
  }
  return out;
}

function f32(x: number): number {
  return Math.fround(x);
}

function expectClose(actual: tf.Tensor, expected: ArrayLike<number>, tol = 1e-6): void {
  const a = actual.dataSync();
  expect(a.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe("Constant", () => {
  test("fills, broadcasts and casts", () => {
    expect(Array.from(sample(I.Constant(1.5), [2, 2]).dataSync())).toEqual([1.5, 1.5, 1.5, 1.5]);
    const t = sample(I.Constant([1, 2, 3]), [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 1, 2, 3]);
    const i = sample(I.Constant(2.7), [2], 0, "int32");
    expect(i.dtype).toBe("int32");
    expect(Array.from(i.dataSync())).toEqual([2, 2]);
  });

  test("a tensor constant is not consumed", () => {
    const c = tf.tensor1d([4, 5]);
    sample(I.Constant(c), [3, 2]);
    sample(I.Constant(c), [2]);
    expect(c.isDisposed).toBe(false);
    expect(Array.from(c.dataSync())).toEqual([4, 5]);
    c.dispose();
  });

  test("non-broadcastable constant names both shapes", () => {
    expect(() => sample(I.Constant([1, 2, 3]), [2, 2])).toThrow(/cannot be broadcast to the parameter shape \[2, 2\]/);
    expect(() => sample(I.Constant([1, 2, 3]), [2, 2])).toThrow(ShapeError);
  });
});

describe("random initializers use the transform's keys and JAX's samplers", () => {
  test("RandomNormal = mean + stddev * normal(key)", () => {
    const [k] = keys(0, 1);
    const z = random.normalValues(k!, [3, 4]);
    const expected = Array.from(z, (v) => f32(f32(0.5) + f32(f32(0.1) * v)));
    expectClose(sample(I.RandomNormal(0.1, 0.5), [3, 4]), expected, 0);
  });

  test("TruncatedNormal = stddev * truncated_normal(key, lower, upper) + mean", () => {
    const [k] = keys(3, 1);
    const z = random.truncatedNormalValues(k!, -1, 1.5, [50]);
    const expected = Array.from(z, (v) => f32(f32(f32(2) * v) + f32(-1)));
    const t = sample(I.TruncatedNormal(2, -1, -1, 1.5), [50], 3);
    expectClose(t, expected, 0);
    for (const v of t.dataSync()) expect(v >= -3 && v <= 2).toBe(true);
  });

  test("RandomUniform = uniform(key, minval, maxval)", () => {
    const [k] = keys(1, 1);
    const expected = random.uniformValues(k!, [7], { minval: -2, maxval: 3 });
    expectClose(sample(I.RandomUniform(-2, 3), [7], 1), expected, 0);
  });

  test("each initializer call draws one key, in order", () => {
    const f = hk.transform(() => {
      hk.getParameter("a", [2], { init: I.RandomNormal() });
      hk.getParameter("b", [2], { init: I.RandomNormal() });
    });
    const p = f.init(random.key(7))["~"]!;
    const [k1, k2] = keys(7, 2);
    expectClose(p["a"]!, random.normalValues(k1!, [2]), 0);
    expectClose(p["b"]!, random.normalValues(k2!, [2]), 0);
  });

  test("integer dtypes are refused with the initializer's name", () => {
    expect(() => sample(I.RandomNormal(), [2], 0, "int32")).toThrow(
      /^hk\.initializers\.RandomNormal: `dtype` must be "float32".*got "int32"\. Fix: /,
    );
    expect(() => sample(I.RandomNormal(), [2], 0, "int32")).toThrow(InvalidArgumentError);
    expect(() => sample(I.TruncatedNormal(), [2], 0, "int32")).toThrow(/TruncatedNormal/);
    expect(() => sample(I.TruncatedNormal(), [2], 0, "int32")).toThrow(InvalidArgumentError);
    expect(() => sample(I.RandomUniform(), [2], 0, "int32")).toThrow(/RandomUniform/);
    expect(() => sample(I.RandomUniform(), [2], 0, "int32")).toThrow(InvalidArgumentError);
  });

  test("bad hyper-parameters are refused at construction", () => {
    expect(() => I.TruncatedNormal(1, 0, 2, -2)).toThrow(
      /^hk\.initializers\.TruncatedNormal: `lower` must be less than `upper`, got lower=the number 2, upper=the number -2\. Fix: /,
    );
    expect(() => I.TruncatedNormal(1, 0, 2, -2)).toThrow(InvalidArgumentError);
    expect(() => I.RandomNormal(Number.NaN)).toThrow(/`stddev` must be a finite number/);
    expect(() => I.RandomNormal(Number.NaN)).toThrow(InvalidArgumentError);
  });
});

describe("VarianceScaling", () => {
  test("computeFans follows Haiku's _compute_fans", () => {
    expect(I.computeFans([])).toEqual([1, 1]);
    expect(I.computeFans([5])).toEqual([5, 5]);
    expect(I.computeFans([3, 7])).toEqual([3, 7]);
    expect(I.computeFans([3, 3, 4, 8])).toEqual([36, 72]);
    expect(I.computeFans([2, 3, 4], [0, 1])).toEqual([6, 4]);
  });

  // scale / max(1, n); truncated stddev sqrt(s) / f32(0.87962566103423978) (initializers.py).
  const shape = [3, 3, 4, 8];
  const cases: [hk.initializers.FanMode, number][] = [
    ["fan_in", 36],
    ["fan_out", 72],
    ["fan_avg", 54],
  ];
  for (const [mode, n] of cases) {
    test(`truncated_normal / ${mode}`, () => {
      const [k] = keys(0, 1);
      const s = 2.0 / n;
      const stddev = f32(Math.sqrt(s) / f32(0.87962566103423978));
      const z = random.truncatedNormalValues(k!, -2, 2, shape);
      expectClose(
        sample(I.VarianceScaling(2.0, mode), shape),
        Array.from(z, (v) => f32(stddev * v)),
        0,
      );
    });
  }

  test("normal and uniform", () => {
    const [k] = keys(0, 1);
    const s = 1.0 / 36;
    const zn = random.normalValues(k!, shape);
    expectClose(
      sample(I.VarianceScaling(1.0, "fan_in", "normal"), shape),
      Array.from(zn, (v) => f32(f32(Math.sqrt(s)) * v)),
      0,
    );
    const lim = Math.sqrt(3 * s);
    const zu = random.uniformValues(k!, shape, { minval: -lim, maxval: lim });
    expectClose(sample(I.VarianceScaling(1.0, { distribution: "uniform" }), shape), zu, 0);
  });

  test("the truncation correction gives samples of stddev sqrt(scale / fan_in)", () => {
    const t = sample(I.VarianceScaling(1.0), [400, 100]);
    const v = t.dataSync();
    let m2 = 0;
    for (const x of v) m2 += x * x;
    expect(Math.sqrt(m2 / v.length)).toBeCloseTo(1 / Math.sqrt(400), 3);
  });

  test("errors as Haiku's", () => {
    expect(() => I.VarianceScaling(-1)).toThrow(/`scale` must be a positive float/);
    expect(() => I.VarianceScaling(-1)).toThrow(InvalidArgumentError);
    expect(() => I.VarianceScaling(1, "fan_sideways" as never)).toThrow(
      /invalid `mode` argument the string "fan_sideways"/,
    );
    expect(() => I.VarianceScaling(1, "fan_sideways" as never)).toThrow(InvalidArgumentError);
    expect(() => I.VarianceScaling(1, "fan_in", "cauchy" as never)).toThrow(
      /invalid `distribution` argument the string "cauchy"/,
    );
    expect(() => I.VarianceScaling(1, "fan_in", "cauchy" as never)).toThrow(InvalidArgumentError);
  });

  test("UniformScaling: ±sqrt(3 / prod(shape[:-1])) * scale", () => {
    const [k] = keys(0, 1);
    const lim = Math.sqrt(3 / 12) * 2;
    expectClose(
      sample(I.UniformScaling(2), [3, 4, 5]),
      random.uniformValues(k!, [3, 4, 5], { minval: -lim, maxval: lim }),
      0,
    );
  });
});

// Orthogonal: QR of a standard normal matrix with Q * sign(diag(R)); that Q is the Gram-Schmidt
// orthonormalisation of the columns (the unique QR with a positive diagonal), computed here in
// float64 from the same normal draw.
function gramSchmidt(a: Float64Array, rows: number, cols: number): Float64Array {
  const q = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const v = new Float64Array(rows);
    for (let i = 0; i < rows; i++) v[i] = a[i * cols + j]!;
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += q[i * cols + p]! * a[i * cols + j]!;
      for (let i = 0; i < rows; i++) v[i]! -= dot * q[i * cols + p]!;
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) q[i * cols + j] = v[i]! / norm;
  }
  return q;
}

describe("Orthogonal", () => {
  test("tall matrix: Q with positive-diagonal R, scaled", () => {
    const [k] = keys(0, 1);
    const z = Float64Array.from(random.normalValues(k!, [6, 3]));
    const q = gramSchmidt(z, 6, 3);
    expectClose(
      sample(I.Orthogonal(2.0), [6, 3]),
      Array.from(q, (v) => 2 * v),
      1e-5,
    );
  });

  test("wide matrix is the transpose of the tall construction", () => {
    const [k] = keys(0, 1);
    const z = Float64Array.from(random.normalValues(k!, [5, 2]));
    const q = gramSchmidt(z, 5, 2);
    const t = Array.from({ length: 10 }, (_, idx) => q[(idx % 5) * 2 + Math.floor(idx / 5)]!);
    expectClose(sample(I.Orthogonal(), [2, 5]), t, 1e-5);
  });

  test("rank 3, axis 0: rows along axis 0 are orthonormal", () => {
    const t = sample(I.Orthogonal(1, 0), [4, 2, 3]);
    const m = tf.reshape(t, [4, 6]);
    const g = tf.matMul(m, m, false, true).dataSync();
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(g[i * 4 + j]!).toBeCloseTo(i === j ? 1 : 0, 5);
  });

  test("needs at least 2-D", () => {
    expect(() => sample(I.Orthogonal(), [3])).toThrow(/Orthogonal initializer requires at least a 2D shape, got \[3\]/);
    expect(() => sample(I.Orthogonal(), [3])).toThrow(ShapeError);
  });
});

describe("Identity", () => {
  test("eye(shape[-2], shape[-1]) * gain, batched", () => {
    expect(Array.from(sample(I.Identity(3), [2, 3]).dataSync())).toEqual([3, 0, 0, 0, 3, 0]);
    const b = sample(I.Identity(), [2, 2, 2]);
    expect(Array.from(b.dataSync())).toEqual([1, 0, 0, 1, 1, 0, 0, 1]);
    expect(() => sample(I.Identity(), [4])).toThrow(/Identity initializer requires at least a 2D shape/);
    expect(() => sample(I.Identity(), [4])).toThrow(ShapeError);
  });
});

test("initializers leak no tensors", () => {
  const inits = [
    I.Constant([1, 2]),
    I.RandomNormal(),
    I.TruncatedNormal(),
    I.VarianceScaling(),
    I.Orthogonal(),
    I.Identity(),
    I.UniformScaling(),
  ];
  for (const init of inits) tf.dispose(sample(init, [2, 2]));
  const before = tf.memory().numTensors;
  for (const init of inits) tf.dispose(sample(init, [2, 2]));
  expect(tf.memory().numTensors).toBe(before);
});
