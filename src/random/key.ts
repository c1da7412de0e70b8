/**
 * PRNG keys: creation (`key`), checks (`isKey`, `assertKey`) and derivation (`split`, `foldIn`).
 *
 * @module
 */
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { config } from "./config.js";
import { fillBitsLegacy, threefryBlock } from "./threefry.js";

/**
 * A JAX threefry PRNG key: the two uint32 words of JAX's key data (`jax.random.key_data(k)`).
 *
 * Treat keys as immutable: every function here returns a fresh array and never writes to its
 * input, and reusing a key gives the same numbers again (JAX's rule: split, don't reuse).
 */
export type PRNGKey = Uint32Array;

const TWO_63 = 2n ** 63n;
const TWO_63_NUMBER = 2 ** 63;

/**
 * Makes a key from an integer seed, like `jax.random.key(seed)` / `jax.random.PRNGKey(seed)`.
 *
 * A `number` seed follows JAX's default configuration (`jax_enable_x64` off), where the seed
 * becomes a 32-bit integer: the key is `[0, seed mod 2^32]` for every seed JAX accepts, so
 * `key(-1)` is `[0, 4294967295]`, `key(2**31 + 99)` is `[0, 2147483747]`, and, as in JAX,
 * `key(2**32 + 5)` equals `key(5)` and `key(2**40)` equals `key(0)`. A `bigint` seed follows JAX
 * with `jax_enable_x64` on: the 64-bit seed is split into `[high word, low word]`
 * (`key(-1n)` is `[4294967295, 4294967295]`, `key(2n ** 40n)` is `[256, 0]`), so seeds that
 * differ above bit 32 give different keys.
 *
 * Throws an `InvalidArgumentError` for a seed that is not an integer (JAX: "PRNG key seed must
 * be an integer"), for seeds outside JAX's int64 range `[-2^63, 2^63)` (JAX raises
 * `OverflowError`) and for `number` seeds beyond `Number.MAX_SAFE_INTEGER` in magnitude: such a
 * number may already differ from the integer that was written (`2**53 + 1 === 2**53`), and JAX
 * would seed from the exact value; pass a `bigint` instead.
 *
 * @example
 * ```ts
 * const k = hk.random.key(42);            // Uint32Array [0, 42]
 * const [k1, k2] = hk.random.split(k);
 * hk.random.key(2n ** 40n);                // Uint32Array [256, 0], as JAX with x64
 * ```
 */
export function key(seed: number | bigint): PRNGKey {
  let s: bigint;
  if (typeof seed === "bigint") {
    s = seed;
  } else if (typeof seed === "number" && Number.isInteger(seed)) {
    if (!Number.isSafeInteger(seed) && seed >= -TWO_63_NUMBER && seed < TWO_63_NUMBER) {
      throw new InvalidArgumentError(
        "hk.random.key",
        `\`seed\` ${BigInt(seed)} is beyond Number.MAX_SAFE_INTEGER (2^53 - 1), so it may not be ` +
          `the integer that was written (in JavaScript 2**53 + 1 === 2**53); JAX would seed from ` +
          `the exact value`,
        `pass the seed as a bigint, e.g. hk.random.key(${BigInt(seed)}n) ` +
          `(JAX with jax_enable_x64), or its low 32 bits as a number, ` +
          `hk.random.key(${BigInt.asUintN(32, BigInt(seed))}) (JAX's default).`,
      );
    }
    s = BigInt(seed);
  } else {
    throw new InvalidArgumentError(
      "hk.random.key",
      `PRNG key seed must be an integer: \`seed\` must be a number or bigint integer, got ${describe(seed)}`,
      "pass an integer such as hk.random.key(42).",
    );
  }
  if (s < -TWO_63 || s >= TWO_63) {
    throw new InvalidArgumentError(
      "hk.random.key",
      `\`seed\` ${s} is outside the int64 range [-2^63, 2^63 - 1] that JAX accepts`,
      "reduce the seed, e.g. seed % 2**32.",
    );
  }
  const out = new Uint32Array(2);
  if (typeof seed === "bigint") {
    // jax_enable_x64: threefry_seed on an int64 (logical shift for the high word).
    const u = BigInt.asUintN(64, s);
    out[0] = Number(u >> 32n);
    out[1] = Number(u & 0xffffffffn);
  } else {
    // Default JAX: the seed becomes a 32-bit integer, whose 32-bit logical shift is 0.
    out[1] = Number(BigInt.asUintN(32, s));
  }
  return out;
}

/**
 * Same as {@link key}: `hk.random.PRNGKey(0)` reads like `jax.random.PRNGKey(0)`.
 */
export const PRNGKey: (seed: number | bigint) => PRNGKey = key;

/**
 * True if `x` is a PRNG key: a `Uint32Array` of length 2.
 *
 * @example
 * ```ts
 * hk.random.isKey(hk.random.key(0)); // true
 * hk.random.isKey(0);                // false
 * ```
 */
export function isKey(x: unknown): x is PRNGKey {
  return x instanceof Uint32Array && x.length === 2;
}

/**
 * Returns `x` if it is a PRNG key, otherwise throws an {@link InvalidArgumentError} that names
 * `where` (the calling function) and `name` (its parameter), says what was passed, and how to
 * make a key.
 *
 * @example
 * ```ts
 * const k = hk.random.assertKey(rng, "MyModule.call", "rng");
 * ```
 */
export function assertKey(x: unknown, where: string, name = "key"): PRNGKey {
  if (isKey(x)) return x;
  let fix = "use hk.random.key(seed) to make a key, and hk.random.split(key) to derive new ones.";
  if (typeof x === "number" || typeof x === "bigint") {
    fix = `use hk.random.key(${String(x)}) to turn the seed into a key.`;
  } else if (x instanceof Uint32Array && x.length > 2 && x.length % 2 === 0) {
    fix =
      "pass a single key; hk.random.split returns an array of separate keys, not one packed buffer. Or use hk.random.key(seed).";
  } else if (isTypedArrayOrArray(x) && x.length === 2) {
    fix = "use hk.random.key(seed), or new Uint32Array(words) if these are key data words.";
  }
  throw new InvalidArgumentError(where, `\`${name}\` must be a PRNG key (Uint32Array(2)), got ${describe(x)}`, fix);
}

/**
 * Splits a key into `num` new keys, like `jax.random.split(key, num)`.
 *
 * With `config.threefryPartitionable` (the default) new key `i` hashes the counter `(0, i)`, so
 * `split(k, n)[i]` equals `foldIn(k, i)`; in legacy mode the keys come from
 * `threefry_2x32(key, iota(2 * num))`.
 *
 * @param num - how many keys, a non-negative integer (default 2).
 * @example
 * ```ts
 * const [k1, k2] = hk.random.split(hk.random.key(0));
 * const many = hk.random.split(hk.random.key(0), 10);
 * ```
 */
export function split(key: PRNGKey, num?: 2): [PRNGKey, PRNGKey];
export function split(key: PRNGKey, num: number): PRNGKey[];
export function split(key: PRNGKey, num = 2): PRNGKey[] {
  const k = assertKey(key, "hk.random.split");
  if (!Number.isInteger(num) || num < 0) {
    throw new InvalidArgumentError(
      "hk.random.split",
      `\`num\` must be a non-negative integer, got ${describe(num)}`,
      "pass a count such as hk.random.split(key, 3).",
    );
  }
  const k0 = k[0] as number;
  const k1 = k[1] as number;
  const out: PRNGKey[] = new Array<PRNGKey>(num);
  if (config.threefryPartitionable) {
    for (let i = 0; i < num; i++) {
      const sub = new Uint32Array(2);
      threefryBlock(k0, k1, 0, i, sub, 0);
      out[i] = sub;
    }
  } else {
    const words = new Uint32Array(2 * num);
    fillBitsLegacy(k0, k1, words, 2 * num);
    for (let i = 0; i < num; i++) out[i] = words.slice(2 * i, 2 * i + 2);
  }
  return out;
}

/**
 * Folds an integer into a key, like `jax.random.fold_in(key, data)`: the same in both
 * partitionable and legacy modes.
 *
 * JAX takes `data` as a uint32: a Python integer in `[0, 2^32)` (others raise `OverflowError`),
 * or an integer array cast to uint32. Here `data` is an integer in `[-2^31, 2^32)`: negative
 * values use their 32-bit two's-complement pattern, as JAX does with `jnp.int32` data (a traced
 * step counter, say), so `foldIn(k, -1)` is `fold_in(k, jnp.int32(-1))`, which equals
 * `fold_in(k, 2**32 - 1)`. Anything else throws an `InvalidArgumentError` (non-integers, which
 * JAX would silently truncate, and values outside the range).
 *
 * @param data - an integer in `[-2^31, 2^32)`.
 * @example
 * ```ts
 * const stepKey = hk.random.foldIn(hk.random.key(0), step);
 * ```
 */
export function foldIn(key: PRNGKey, data: number): PRNGKey {
  const k = assertKey(key, "hk.random.foldIn");
  if (!Number.isInteger(data) || data < -0x80000000 || data > 0xffffffff) {
    throw new InvalidArgumentError(
      "hk.random.foldIn",
      `\`data\` must be an integer in [-2^31, 2^32), got ${describe(data)}`,
      "pass a 32-bit integer (e.g. a step counter or data % 2**32).",
    );
  }
  const out = new Uint32Array(2);
  threefryBlock(k[0] as number, k[1] as number, 0, data | 0, out, 0);
  return out;
}

function isTypedArrayOrArray(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}
