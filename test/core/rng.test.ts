// Key sequences inside transforms, following Haiku's PRNGSequence scheme
// (dm-haiku haiku/_src/base.py's PRNGSequence and next_rng_key; base_test.py's PRNGSequence and
// rng tests). Expected keys are computed with hk.random.split,
// whose JAX known answers are tested in test/random.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import * as random from "../../src/random/index.js";

const arr = (k: Uint32Array | null) => (k === null ? null : Array.from(k));
const split = (k: Uint32Array, n: number) => random.split(k, n).map((x) => Array.from(x));

describe("PRNGSequence", () => {
  it("refills one key at a time with split(key, 2)", () => {
    const k0 = random.key(42);
    const seq = new hk.PRNGSequence(42);
    const [k0a, s1] = random.split(k0, 2);
    const [, s2] = random.split(k0a!, 2);
    expect(arr(seq.next())).toEqual(arr(s1!));
    expect(arr(seq.next())).toEqual(arr(s2!));
  });

  it("take(n) on a fresh sequence is split(key, n + 1).slice(1)", () => {
    const seq = new hk.PRNGSequence(random.key(3));
    expect(seq.take(3).map((k) => Array.from(k))).toEqual(split(random.key(3), 4).slice(1));
  });

  it("reserve(2); reserve(2) then 4 keys", () => {
    const seq = new hk.PRNGSequence(0);
    seq.reserve(2);
    seq.reserve(2);
    const got = seq.take(4).map((k) => Array.from(k));
    const first = random.split(random.key(0), 3);
    const second = random.split(first[0]!, 3);
    expect(got).toEqual([...first.slice(1), ...second.slice(1)].map((k) => Array.from(k)));
  });

  it("round-trips its internal state and validates keys", () => {
    const seq = new hk.PRNGSequence(1);
    seq.reserve(3);
    const copy = new hk.PRNGSequence(seq.internalState);
    expect(arr(copy.next())).toEqual(arr(seq.next()));
    expect(() => new hk.PRNGSequence(new Uint32Array(3) as never)).toThrow(
      "expected=(shape=(2,), dtype=uint32), actual=(shape=(3,), dtype=uint32)",
    );
    expect(() => new hk.PRNGSequence(new Int32Array(2) as never)).toThrow("actual=(shape=(2,), dtype=int32)");
    expect(() => new hk.PRNGSequence("nonsense" as never)).toThrow(
      'hk.PRNGSequence: the provided key is not a PRNGKey but a the string "nonsense"',
    );
    expect(() => new hk.PRNGSequence("nonsense" as never)).toThrow(hk.InvalidArgumentError);
  });
});

describe("nextRngKey in transforms", () => {
  it("first key of init with seed 0 is split(key(0), 2)[1]; ints and keys are equivalent", () => {
    const f = hk.transform(() => [arr(hk.nextRngKey()), arr(hk.nextRngKey())]);
    const [a, b] = random.split(random.key(0), 2);
    const expected = [arr(b!), arr(random.split(a!, 2)[1]!)];
    expect(f.apply({}, 0)).toEqual(expected);
    expect(f.apply({}, random.key(0))).toEqual(expected);
    let inInit: unknown;
    hk.transform(() => {
      inInit = [arr(hk.nextRngKey()), arr(hk.nextRngKey())];
    }).init(0);
    expect(inInit).toEqual(expected);
  });

  it("known answer: the first key of init(0) is JAX's split(PRNGKey(0))[1]", () => {
    // jax.random.split(jax.random.PRNGKey(0)) with jax_threefry_partitionable (the default) is
    // [[1797259609, 2579123966], [928981903, 3453687069]] (as pinned in test/random/key.test.ts);
    // Haiku's next_rng_key returns the second.
    let first: number[] | null = null;
    hk.transform(() => {
      first = arr(hk.nextRngKey());
    }).init(0);
    expect(first).toEqual([928981903, 3453687069]);
  });

  it("nextRngKeys(n) = split(key, n + 1).slice(1) on a fresh sequence", () => {
    const f = hk.transform(() => hk.nextRngKeys(3).map((k) => Array.from(k)));
    expect(f.apply({}, 5)).toEqual(split(random.key(5), 4).slice(1));
  });

  it("reserveRngKeys pre-splits in one call", () => {
    const f = hk.transform(() => {
      hk.reserveRngKeys(2);
      return [arr(hk.nextRngKey()), arr(hk.nextRngKey()), arr(hk.nextRngKey())];
    });
    const first = random.split(random.key(7), 3);
    const third = random.split(first[0]!, 2)[1]!;
    expect(f.apply({}, 7)).toEqual([arr(first[1]!), arr(first[2]!), arr(third)]);
  });

  it("maybeNextRngKey is null without rng and consumes like nextRngKey with one", () => {
    const f = hk.transform(() => [arr(hk.maybeNextRngKey()), arr(hk.maybeNextRngKey())]);
    expect(f.apply({}, null)).toEqual([null, null]);
    const g = hk.transform(() => [arr(hk.nextRngKey()), arr(hk.nextRngKey())]);
    expect(f.apply({}, 9)).toEqual(g.apply({}, 9));
  });

  it("withRng uses a fresh sequence and leaves the outer one untouched", () => {
    const f = hk.transform(() => {
      const inner = hk.withRng(random.key(11), () => [arr(hk.nextRngKey()), arr(hk.nextRngKey())]);
      return [inner, arr(hk.nextRngKey())];
    });
    const g = hk.transform(() => [[arr(hk.nextRngKey()), arr(hk.nextRngKey())], null]);
    const [inner, outer] = f.apply({}, 1) as [unknown, unknown];
    expect(inner).toEqual((g.apply({}, 11) as unknown[])[0]);
    expect(outer).toEqual(arr(random.split(random.key(1), 2)[1]!));
    // withRng also works without an outer rng.
    expect(hk.transform(() => hk.withRng(3, () => arr(hk.nextRngKey()))).apply({}, null)).toEqual(
      arr(random.split(random.key(3), 2)[1]!),
    );
  });

  it("every call restarts the sequence", () => {
    const f = hk.transform(() => arr(hk.nextRngKey()));
    expect(f.apply({}, 4)).toEqual(f.apply({}, 4));
  });

  it("sequence state can be read and replaced", () => {
    const f = hk.transform(() => {
      const s = hk.maybeGetRngSequenceState()!;
      const a = arr(hk.nextRngKey());
      hk.replaceRngSequenceState(s);
      return [a, arr(hk.nextRngKey())];
    });
    const [a, b] = f.apply({}, 2) as [unknown, unknown];
    expect(a).toEqual(b);
    expect(hk.transform(() => hk.maybeGetRngSequenceState()).apply({}, null)).toBeNull();
  });
});

describe("rng errors", () => {
  it("raises MissingRNGError without rng", () => {
    const f = hk.transform(() => hk.nextRngKey());
    expect(() => f.apply({}, null)).toThrow(hk.MissingRNGError);
    expect(() => f.apply({}, null)).toThrow("You must pass a non-null PRNGKey to init and/or apply");
    expect(() => hk.transform(() => hk.nextRngKeys(2)).init(null)).toThrow(hk.MissingRNGError);
    expect(() => hk.transform(() => hk.reserveRngKeys(2)).init(null)).toThrow(hk.MissingRNGError);
    const g = hk.withoutApplyRng(hk.transform(() => hk.nextRngKey()));
    expect(() => g.apply({})).toThrow(hk.MissingRNGError);
  });

  it("names the expected signature when the rng slot holds something else", () => {
    const x = tf.ones([2]);
    const f = hk.transform((y: tf.Tensor) => y);
    expect(() => f.init(x as never, x)).toThrow(
      "Init must be called with an RNG as the first argument, the required signature is: `init(rng, ...args)`",
    );
    expect(() => f.init("nonsense" as never, x)).toThrow(
      'hk.transform(f).init: Init must be called with an RNG as the first argument, the required signature is: `init(rng, ...args)` (rng: a key from `hk.random.key(seed)`, an integer seed, or null); got the string "nonsense". Fix: ',
    );
    expect(() => f.init("nonsense" as never, x)).toThrow(hk.TransformError);
    expect(() => f.apply({}, x as never, x)).toThrow(
      "Apply must be called with an RNG as the second argument, the required signature is: `apply(params, rng, ...args)`",
    );
    expect(() => f.apply({}, x as never, x)).toThrow(
      "; got a float32 tensor of shape [2]. Fix: pass a key from `hk.random.key(seed)`",
    );
    const g = hk.transformWithState((y: tf.Tensor) => y);
    expect(() => g.apply({}, {}, x as never, x)).toThrow(
      "Apply must be called with an RNG as the third argument, the required signature is: `apply(params, state, rng, ...args)`",
    );
    expect(() => f.init(new Uint32Array(4) as never, x)).toThrow(
      "expected=(shape=(2,), dtype=uint32), actual=(shape=(4,), dtype=uint32)",
    );
    expect(() => f.init(1.5 as never, x)).toThrow("Init must be called with an RNG");
    expect(() => hk.nextRngKey()).toThrow("`hk.nextRngKey` must be used as part of an `hk.transform`");
    x.dispose();
  });
});
