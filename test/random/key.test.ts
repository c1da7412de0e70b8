import { describe, expect, it } from "vitest";
import * as random from "../../src/random/index.js";
import { InvalidArgumentError } from "../../src/util/errors.js";
import { threefryBlock } from "../../src/random/threefry.js";

const arr = (k: Uint32Array): number[] => Array.from(k);

describe("threefry2x32 block", () => {
  // Random123 known answers, as in jax tests/random_test.py::testThreefry2x32
  //.
  it.each([
    [
      [0, 0],
      [0, 0],
      [0x6b200159, 0x99ba4efe],
    ],
    [
      [0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x1cb996fc, 0xbb002be7],
    ],
    [
      [0x13198a2e, 0x03707344],
      [0x243f6a88, 0x85a308d3],
      [0xc4923a9c, 0x483df7a0],
    ],
  ])("key %j counter %j", (k, c, expected) => {
    const out = new Uint32Array(2);
    threefryBlock(k[0]!, k[1]!, c[0]!, c[1]!, out, 0);
    expect(arr(out)).toEqual(expected);
  });
});

describe("random.key", () => {
  it("makes [0, seed] for 32-bit seeds (jax threefry_seed)", () => {
    expect(arr(random.key(0))).toEqual([0, 0]);
    expect(arr(random.key(42))).toEqual([0, 42]);
    expect(random.PRNGKey(42)).toEqual(random.key(42));
  });
  it("wraps number seeds to int32 like JAX without x64", () => {
    // jax tests/random_test.py::testPRNGKeyArrayRepr-style seed table:
    // -1 -> [0, 4294967295]; int32 max + 100 -> [0, 2147483747].
    expect(arr(random.key(-1))).toEqual([0, 4294967295]);
    expect(arr(random.key(2147483647 + 100))).toEqual([0, 2147483747]);
    expect(arr(random.key(2 ** 40 + 5))).toEqual([0, 5]);
  });
  it("splits bigint seeds into high/low words like JAX with x64", () => {
    // Same table, x64 column: -1 -> [4294967295, 4294967295].
    expect(arr(random.key(-1n))).toEqual([4294967295, 4294967295]);
    expect(arr(random.key(2n ** 40n + 5n))).toEqual([256, 5]);
    expect(arr(random.key(42n))).toEqual([0, 42]);
  });
  it("rejects non-integers and out-of-int64 seeds", () => {
    expect(() => random.key(1.5)).toThrow(
      /^hk\.random\.key: PRNG key seed must be an integer: `seed` .*, got the number 1\.5\. Fix: /,
    );
    expect(() => random.key(1.5)).toThrow(InvalidArgumentError);
    expect(() => random.key(Number.NaN)).toThrow(/random\.key/);
    expect(() => random.key(2n ** 63n)).toThrow(/int64 range/);
    expect(() => random.key(2n ** 63n)).toThrow(InvalidArgumentError);
    expect(() => random.key("3" as unknown as number)).toThrow(/string "3"/);
  });
});

describe("random.split", () => {
  it("partitionable: split(key(0)) (implied by jax/_src/random/stateful_rng.py doctest)", () => {
    expect(random.split(random.key(0)).map(arr)).toEqual([
      [1797259609, 2579123966],
      [928981903, 3453687069],
    ]);
  });
  it("partitionable: split(key(1), 3) (jax-js test/random.test.ts)", () => {
    expect(random.split(random.key(1), 3).map(arr)).toEqual([
      [507451445, 1853169794],
      [1948878966, 4237131848],
      [2441914641, 3819641963],
    ]);
  });
  it("legacy: split(PRNGKey(0), 4) (jax tests/random_test.py::testPRNGValues)", () => {
    const keys = random.withThreefryPartitionable(false, () => random.split(random.PRNGKey(0), 4));
    expect(keys.map(arr)).toEqual([
      [2285895361, 1501764800],
      [1518642379, 4090693311],
      [433833334, 4221794875],
      [839183663, 3740430601],
    ]);
    expect(random.config.threefryPartitionable).toBe(true);
  });
  it("legacy: split(key(0))", () => {
    const prev = random.setThreefryPartitionable(false);
    try {
      expect(random.split(random.key(0)).map(arr)).toEqual([
        [4146024105, 967050713],
        [2718843009, 1272950319],
      ]);
    } finally {
      random.setThreefryPartitionable(prev);
    }
  });
  it("returns fresh keys and leaves the input untouched", () => {
    const k = random.key(7);
    const parts = random.split(k, 3);
    expect(arr(k)).toEqual([0, 7]);
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(random.isKey(p)).toBe(true);
    expect(parts[0]!.buffer).not.toBe(parts[1]!.buffer);
    expect(random.split(k, 0)).toEqual([]);
  });
  it("rejects bad num and bad keys", () => {
    expect(() => random.split(random.key(0), -1)).toThrow(
      /hk\.random\.split: `num` must be a non-negative integer, got the number -1\. Fix: /,
    );
    expect(() => random.split(random.key(0), -1)).toThrow(InvalidArgumentError);
    expect(() => random.split(random.key(0), 1.5)).toThrow(/num/);
    expect(() => random.split(0 as unknown as Uint32Array)).toThrow(
      /hk\.random\.split: `key` must be a PRNG key \(Uint32Array\(2\)\), got the number 0\. Fix: use hk\.random\.key\(0\)/,
    );
  });
});

describe("random.foldIn", () => {
  it("fold_in(PRNGKey(0), 4) (jax tests/random_test.py::testPRNGValues)", () => {
    expect(arr(random.foldIn(random.key(0), 4))).toEqual([2285895361, 433833334]);
    // fold_in does not depend on the flag.
    expect(arr(random.withThreefryPartitionable(false, () => random.foldIn(random.key(0), 4)))).toEqual([
      2285895361, 433833334,
    ]);
  });
  it("stateful_rng keys (jax/_src/random/stateful_rng.py doctests)", () => {
    expect(arr(random.foldIn(random.key(42), 4))).toEqual([2954079971, 3276725750]);
    expect(arr(random.foldIn(random.key(42), 5))).toEqual([2765691542, 824333390]);
    expect(arr(random.foldIn(random.key(0), 0))).toEqual([1797259609, 2579123966]);
    expect(arr(random.foldIn(random.key(0), 1))).toEqual([928981903, 3453687069]);
  });
  it("equals split(key, n)[i] in partitionable mode (jax test_threefry_split_fold_in_symmetry)", () => {
    const k = random.key(123);
    const parts = random.split(k, 5);
    for (let i = 0; i < 5; i++) expect(random.foldIn(k, i)).toEqual(parts[i]);
  });
  it("takes negative int32 data as its bit pattern and rejects non-integers", () => {
    expect(random.foldIn(random.key(3), -1)).toEqual(random.foldIn(random.key(3), 0xffffffff));
    expect(() => random.foldIn(random.key(3), 0.5)).toThrow(/hk\.random\.foldIn: `data` must be an integer/);
    expect(() => random.foldIn(random.key(3), 2 ** 32)).toThrow(InvalidArgumentError);
    expect(() => random.foldIn(random.key(3), 2 ** 32)).toThrow(/random\.foldIn/);
    expect(() => random.foldIn([0, 1] as unknown as Uint32Array, 1)).toThrow(
      /hk\.random\.foldIn: `key` must be a PRNG key \(Uint32Array\(2\)\), got an array of length 2/,
    );
  });
});

describe("random.isKey / assertKey", () => {
  it("accepts only Uint32Array(2)", () => {
    expect(random.isKey(random.key(1))).toBe(true);
    expect(random.isKey(new Uint32Array(3))).toBe(false);
    expect(random.isKey(new Int32Array(2))).toBe(false);
    expect(random.isKey([0, 1])).toBe(false);
    expect(random.isKey(null)).toBe(false);
  });
  it("returns the key unchanged", () => {
    const k = random.key(9);
    expect(random.assertKey(k, "here")).toBe(k);
  });
  it("names the caller, the expected and actual value, and the fix", () => {
    expect(() => random.assertKey(null, "Linear.call", "rng")).toThrow(
      "Linear.call: `rng` must be a PRNG key (Uint32Array(2)), got null. Fix: use hk.random.key(seed)",
    );
    expect(() => random.assertKey(null, "Linear.call", "rng")).toThrow(InvalidArgumentError);
    expect(() => random.assertKey(new Int32Array(2), "f")).toThrow(
      /got a Int32Array of length 2\. Fix: use hk\.random\.key\(seed\)/,
    );
    expect(() => random.assertKey(new Uint32Array(6), "f")).toThrow(
      /got a Uint32Array of length 6\. Fix: pass a single key/,
    );
    expect(() => random.assertKey({ shape: [2], dtype: "int32" }, "f")).toThrow(
      /got an object with keys \[dtype, shape\]/,
    );
  });
});

describe("random.config", () => {
  it("defaults to partitionable and validates assignments", () => {
    expect(random.config.threefryPartitionable).toBe(true);
    expect(() => {
      (random.config as { threefryPartitionable: unknown }).threefryPartitionable = "no";
    }).toThrow(/^hk\.random\.config\.threefryPartitionable: the value must be a boolean, got the string "no"\. Fix: /);
    expect(random.config.threefryPartitionable).toBe(true);
  });
});

describe("Haiku's PRNGSequence scheme over split", () => {
  // haiku/_src/base.py PRNGSequence: each next() (reserve size 1) does
  // `key, subkey = jax.random.split(key)` and returns subkey. Expected values: JAX
  // "extra vectors" (regression values of a port verified against the JAX vectors above).
  function firstThree(seed: number): number[][] {
    let k = random.key(seed);
    const out: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const [next, sub] = random.split(k);
      k = next!;
      out.push(Array.from(sub!));
    }
    return out;
  }
  it("partitionable", () => {
    expect(firstThree(42)).toEqual([
      [64467757, 2916123636],
      [1705926158, 899080142],
      [1712723395, 2526649282],
    ]);
  });
  it("legacy", () => {
    expect(random.withThreefryPartitionable(false, () => firstThree(42))).toEqual([
      [255383827, 267815257],
      [3923418436, 1366451097],
      [1371681402, 3011037117],
    ]);
  });
});
