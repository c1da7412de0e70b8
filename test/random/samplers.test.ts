import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import * as random from "../../src/random/index.js";
import { InvalidArgumentError } from "../../src/util/errors.js";
import { threefryBlock } from "../../src/random/threefry.js";

const key = random.key;

// Seeds of jax tests/random_test.py::_RANDOM_VALUES_CASES: zlib.adler32((name + "threefry2x32").encode()).
const SEED = {
  bits: 942802475,
  uniform: 1338574713,
  normal: 1193674498,
  bernoulli: 1612777541,
  truncated_normal: 2846034731,
};

/** Distance in float32 ulps between two float32 values (same sign assumed). */
function ulps(a: number, b: number): number {
  const fa = new Float32Array([a, b]);
  const ia = new Int32Array(fa.buffer);
  return Math.abs((ia[0] as number) - (ia[1] as number));
}

function legacy<T>(fn: () => T): T {
  return random.withThreefryPartitionable(false, fn);
}

afterEach(() => {
  expect(random.config.threefryPartitionable).toBe(true);
});

describe("bits", () => {
  it("bits(key(0)) (jax-js test/random.test.ts, citing JAX)", () => {
    expect(Array.from(random.bitsValues(key(0)))).toEqual([4070199207]);
  });
  it("bits(key(10), (4,)) (jax-js test/random.test.ts)", () => {
    expect(Array.from(random.bitsValues(key(10), [4]))).toEqual([169096361, 1572511259, 2689743692, 2228103506]);
  });
  it("partitionable bits of shape (n) are a prefix of shape (n + k), and shape only reshapes", () => {
    const long = random.bitsValues(key(5), [37]);
    expect(Array.from(random.bitsValues(key(5), [10]))).toEqual(Array.from(long.subarray(0, 10)));
    expect(Array.from(random.bitsValues(key(5), [3, 4]))).toEqual(Array.from(long.subarray(0, 12)));
  });
  it("legacy bits(PRNGKey(1701), (3,)) uint32 (jax tests/random_test.py::testRngRandomBits)", () => {
    expect(Array.from(legacy(() => random.bitsValues(key(1701), [3])))).toEqual([56197195, 4200222568, 961309823]);
  });
  it("legacy _RANDOM_VALUES_CASES bits uint32 (jax tests/random_test.py)", () => {
    expect(Array.from(legacy(() => random.bitsValues(key(SEED.bits), [5])))).toEqual([
      1978747883, 4134381225, 3628107870, 689687174, 2788938207,
    ]);
  });
  it("legacy bits use the halved counter layout, so split(k) words are bits(k, (4,))", () => {
    // jax prng.py: _threefry_split_original is threefry_2x32(key, iota(2 * num)), the same hash
    // as random_bits(key, 32, (2 * num,)).
    const words = legacy(() => random.bitsValues(key(0), [4]));
    const keys = legacy(() => random.split(key(0)));
    expect(Array.from(words)).toEqual([...keys[0]!, ...keys[1]!]);
    // Odd sizes (jax prng.py threefry_2x32): the counter 0..4 is padded with one 0, halved into
    // X0 = [0, 1, 2], X1 = [3, 4, 0], hashed pairwise, and concat(Y0, Y1)[:5] is kept.
    const k = key(3);
    const block = (c0: number, c1: number): number[] => {
      const out = new Uint32Array(2);
      threefryBlock(k[0]!, k[1]!, c0, c1, out, 0);
      return Array.from(out);
    };
    const [y0a, y1a] = block(0, 3);
    const [y0b, y1b] = block(1, 4);
    const [y0c] = block(2, 0);
    expect(Array.from(legacy(() => random.bitsValues(k, [5])))).toEqual([y0a, y0b, y0c, y1a, y1b]);
  });
  it("legacy mode has no prefix property and uses the legacy bits for uniform at kernel sizes", () => {
    const short = legacy(() => random.bitsValues(key(5), [100]));
    const long = legacy(() => random.bitsValues(key(5), [101]));
    expect(Array.from(short.subarray(0, 10))).not.toEqual(Array.from(long.subarray(0, 10)));
    const u = legacy(() => random.uniformValues(key(5), [100]));
    u.forEach((x, i) => expect(x).toBe((short[i]! >>> 9) * 2 ** -23));
  });
  it("bits tensor is int32 with the same bit patterns, in the requested shape", () => {
    const t = random.bits(key(10), [2, 2]);
    expect(t.dtype).toBe("int32");
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(new Uint32Array((t.dataSync() as Int32Array).buffer))).toEqual([
      169096361, 1572511259, 2689743692, 2228103506,
    ]);
    t.dispose();
    const s = random.bits(key(0));
    expect(s.shape).toEqual([]);
    s.dispose();
  });
});

describe("uniform", () => {
  it("uniform(key(51), (4,)) (jax-js test/random.test.ts)", () => {
    const v = random.uniformValues(key(51), [4]);
    expect(Array.from(v)).toEqual([0.471269, 0.12344253, 0.17550635, 0.5663593].map(Math.fround));
  });
  it("uniform(key(0), (3,)) (jax docs printout)", () => {
    expect(Array.from(random.uniformValues(key(0), [3]))).toEqual([0.947667, 0.9785799, 0.33229148].map(Math.fround));
  });
  it("stateful_rng(42).uniform() x4 = uniform(fold_in(key(42), i)) (jax/_src/random/stateful_rng.py doctest)", () => {
    const got = [0, 1, 2, 3].map((i) => random.uniformValues(random.foldIn(key(42), i))[0]);
    expect(got).toEqual([0.5302608, 0.72766423, 0.6672406, 0.3890121].map(Math.fround));
  });
  it("legacy uniform: _RANDOM_VALUES_CASES (jax tests/random_test.py) and PRNGKey(0) (old JAX docs)", () => {
    const v = legacy(() => random.uniformValues(key(SEED.uniform), [5]));
    const expected = [0.298671, 0.073213, 0.873356, 0.260549, 0.412797];
    v.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThan(1e-6));
    expect(legacy(() => random.uniformValues(key(0)))[0]).toBe(0.41845703125);
  });
  it("builds floats from the top 23 bits and maps [0,1) to [minval, maxval) in float32", () => {
    const words = random.bitsValues(key(7), [1000]);
    const u = random.uniformValues(key(7), [1000]);
    const ab = random.uniformValues(key(7), [1000], { minval: -3, maxval: 5 });
    for (let i = 0; i < 1000; i++) {
      const w = words[i]!;
      // JAX: bitcast((bits >> 9) | bits(1.0f)) - 1.0f.
      const f = new Float32Array(new Uint32Array([(w >>> 9) | 0x3f800000]).buffer)[0]! - 1;
      expect(u[i]).toBe(f);
      expect(ab[i]).toBe(Math.max(-3, Math.fround(f * 8 - 3))); // product exact: fused or not
      expect(ab[i]).toBeGreaterThanOrEqual(-3);
      expect(ab[i]).toBeLessThan(5);
    }
  });
  it("returns a float32 tensor of the requested shape", () => {
    const t = random.uniform(key(51), [2, 2], { dtype: "float32" });
    expect(t.dtype).toBe("float32");
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(random.uniformValues(key(51), [4])));
    t.dispose();
  });
  it("rejects other dtypes, bad shapes, bad bounds and bad keys with clear errors", () => {
    expect(() => random.uniform(key(0), [2], { dtype: "int32" })).toThrow(
      /hk\.random\.uniform: `dtype` must be "float32", got the string "int32"\. Fix: /,
    );
    expect(() => random.uniform(key(0), [2, -1])).toThrow(
      /hk\.random\.uniform: `shape` must be an array of non-negative integers, got \[2, -1\]/,
    );
    expect(() => random.uniform(key(0), [2, -1])).toThrow(InvalidArgumentError);
    expect(() => random.uniform(key(0), 3 as unknown as number[])).toThrow(
      /hk\.random\.uniform: `shape` must be an array/,
    );
    expect(() => random.uniform(key(0), [2], { minval: Number.NaN })).toThrow(
      /hk\.random\.uniform: `minval` must be a number, got the number NaN/,
    );
    expect(() => random.uniform(42 as unknown as Uint32Array, [2])).toThrow(
      /hk\.random\.uniform: `key` must be a PRNG key \(Uint32Array\(2\)\), got the number 42\. Fix: use hk\.random\.key\(42\)/,
    );
  });
});

describe("normal", () => {
  // normal(key(0), (24,)) as printed by JAX (partitionable), from third-party test fixtures and a
  // NumPyro/jax note printing 1.6226422 for key(0).
  const JAX_NORMAL_KEY0 = [
    1.6226422, 2.0252647, -0.43359444, -0.07861735, 0.1760909, -0.97208923, -0.49529874, 0.4943786, 0.6643493,
    -0.9501635, 2.1795304, -1.9551506, 0.35857072, 0.15779513, 1.2770847, 1.5104648, 0.970656, 0.59960806, 0.0247007,
    -1.9164772, -1.8593491, 1.728144, 0.04719035, 0.814128,
  ];
  it("normal(key(0), (24,)) equals JAX's printout (FMA emulation; plain mul-add is 1 ulp off)", () => {
    const v = random.normalValues(key(0), [24]);
    v.forEach((x, i) => {
      const printed = JAX_NORMAL_KEY0[i]!;
      // numpy prints the shortest round-tripping digits, or 8 decimals when that is shorter
      // (0.0247007 is 0.02470070): either way the printout identifies our float32.
      const same = Math.fround(printed) === x || Math.abs(x - printed) <= 5.000001e-9;
      expect(same, `index ${i}: got ${x}, JAX printed ${printed}`).toBe(true);
      expect(ulps(x, Math.fround(printed))).toBeLessThanOrEqual(3);
    });
  });
  it("normal(key(0), (4, 4)) keeps row-major order", () => {
    const t = random.normal(key(0), [4, 4]);
    expect(t.shape).toEqual([4, 4]);
    expect(t.dtype).toBe("float32");
    expect(Array.from(t.dataSync())).toEqual(Array.from(random.normalValues(key(0), [16])));
    t.dispose();
  });
  it("legacy normal: PRNGKey(0) (old JAX docs) and _RANDOM_VALUES_CASES (jax tests/random_test.py)", () => {
    expect(ulps(legacy(() => random.normalValues(key(0)))[0]!, Math.fround(-0.20584226))).toBeLessThanOrEqual(2);
    const v = legacy(() => random.normalValues(key(SEED.normal), [5]));
    const expected = [-1.173234, -1.511662, 0.070593, -0.099764, 1.052845];
    v.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThan(1.5e-6));
  });
  it("is sqrt(2) * erfinv(u) for u uniform in (-1, 1), close to the float64 inverse", () => {
    const u = random.uniformValues(key(3), [2000], { minval: -0.99999994, maxval: 1 });
    const z = random.normalValues(key(3), [2000]);
    for (let i = 0; i < 2000; i++) {
      const exact = Math.SQRT2 * erfinv64(u[i]!);
      // Giles' float32 erfinv is accurate to a few 1e-6 relative in the tails.
      expect(Math.abs(z[i]! - exact)).toBeLessThanOrEqual(1e-5 * Math.abs(exact) + 1e-7);
    }
  });
  it("rejects other dtypes", () => {
    expect(() => random.normal(key(0), [2], { dtype: "int32" })).toThrow(
      /hk\.random\.normal: `dtype` must be "float32"/,
    );
  });
});

describe("truncatedNormal", () => {
  it("legacy _RANDOM_VALUES_CASES truncated_normal(lower=0, upper=2) (jax tests/random_test.py)", () => {
    const v = legacy(() => random.truncatedNormalValues(key(SEED.truncated_normal), 0, 2, [5]));
    const expected = [0.582807, 1.709771, 0.159513, 0.861376, 0.36148];
    v.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThan(1.5e-6));
  });
  it("follows JAX's inverse-CDF construction and stays inside the open interval", () => {
    const n = 4000;
    const z = random.truncatedNormalValues(key(0), -2, 2, [n]);
    const a = erf64(-2 / Math.SQRT2);
    const b = erf64(2 / Math.SQRT2);
    const words = random.bitsValues(key(0), [n]);
    for (let i = 0; i < n; i++) {
      const f = (words[i]! >>> 9) * 2 ** -23;
      const exact = Math.SQRT2 * erfinv64(f * (b - a) + a);
      expect(Math.abs(z[i]! - exact)).toBeLessThanOrEqual(1e-5 * Math.abs(exact) + 1e-7);
      expect(z[i]).toBeGreaterThan(-2);
      expect(z[i]).toBeLessThan(2);
    }
    const t = random.truncatedNormal(key(0), -2, 2, [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(z.subarray(0, 6)));
    t.dispose();
  });
  it("clips to the bounds' float32 neighbours for one-sided and narrow intervals", () => {
    const z = random.truncatedNormalValues(key(1), 1, 1.0000001, [100]);
    for (const x of z) expect(x === Math.fround(1.0000001) || x === 1 + 2 ** -23).toBe(true);
    const pos = random.truncatedNormalValues(key(2), 0, Number.POSITIVE_INFINITY, [500]);
    for (const x of pos) expect(x).toBeGreaterThan(0);
  });
  it("rejects lower >= upper", () => {
    expect(() => random.truncatedNormal(key(0), 2, -2, [3])).toThrow(
      /hk\.random\.truncatedNormal: `lower` must be below `upper`, got lower=2, upper=-2\. Fix: /,
    );
  });
});

describe("bernoulli", () => {
  it("legacy _RANDOM_VALUES_CASES bernoulli(p=0.5) (jax tests/random_test.py)", () => {
    expect(Array.from(legacy(() => random.bernoulliValues(key(SEED.bernoulli), 0.5, [5])))).toEqual([0, 1, 1, 1, 0]);
  });
  it("is uniform(key, shape) < p, as a bool tensor", () => {
    const u = random.uniformValues(key(0), [64]);
    for (const p of [0, 0.1, 0.5, 0.9, 1]) {
      const t = random.bernoulli(key(0), p, [8, 8]);
      expect(t.dtype).toBe("bool");
      expect(t.shape).toEqual([8, 8]);
      expect(Array.from(t.dataSync())).toEqual(Array.from(u, (x) => (x < Math.fround(p) ? 1 : 0)));
      t.dispose();
    }
    expect(Array.from(random.bernoulliValues(key(0), 0.5, [8]))).toEqual([0, 0, 1, 1, 0, 1, 1, 0]);
  });
  it("defaults to p = 0.5 and a scalar, and rejects a non-number p", () => {
    const t = random.bernoulli(key(0));
    expect(t.shape).toEqual([]);
    t.dispose();
    expect(() => random.bernoulli(key(0), "0.5" as unknown as number, [2])).toThrow(
      /hk\.random\.bernoulli: `p` must be a number/,
    );
    expect(() => random.bernoulli(key(0), "0.5" as unknown as number, [2])).toThrow(InvalidArgumentError);
  });
});

describe("shapes", () => {
  it("handles empty and multi-dimensional shapes for every sampler", () => {
    for (const shape of [[0], [2, 0, 3], [], [2, 3, 4]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const outs = [
        random.bits(key(1), shape),
        random.uniform(key(1), shape),
        random.normal(key(1), shape),
        random.truncatedNormal(key(1), -1, 1, shape),
        random.bernoulli(key(1), 0.5, shape),
      ];
      for (const t of outs) {
        expect(t.shape).toEqual(shape);
        expect(t.size).toBe(size);
        t.dispose();
      }
    }
  });
});

describe("memory", () => {
  it("each sampler creates exactly its output tensor", () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const k = random.foldIn(key(0), i);
      const outs = [
        random.bits(k, [3]),
        random.uniform(k, [3]),
        random.normal(k, [3]),
        random.truncatedNormal(k, -2, 2, [3]),
        random.bernoulli(k, 0.3, [3]),
      ];
      expect(tf.memory().numTensors).toBe(before + outs.length);
      for (const o of outs) o.dispose();
    }
    expect(() => random.normal(key(0), [-1])).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});

// float64 references, used only to check the float32 constructions are the intended ones.
function erf64(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    // Maclaurin series, accurate to ~1e-15 here.
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 300; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-18) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc.
  let f = 0;
  for (let k = 80; k >= 1; k--) f = k / 2 / (ax + f);
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f));
}

function erfinv64(y: number): number {
  let lo = -7;
  let hi = 7;
  for (let i = 0; i < 70; i++) {
    const mid = (lo + hi) / 2;
    if (erf64(mid) < y) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
