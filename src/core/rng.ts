/**
 * Random keys inside transforms: Haiku's `PRNGSequence` and the `hk.nextRngKey` family.
 *
 * The splitting scheme is Haiku's exactly (`base.py`'s `PRNGSequence`, `next_rng_key`, `reserve_rng_keys`), so a port draws the same keys
 * (and, with `hk.random`'s JAX-exact threefry, the same random numbers) as the Python model.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as random from "../random/index.js";
import type { PRNGKey } from "../random/index.js";
import { currentFrame } from "./frame.js";
import { MissingRNGError } from "./errors.js";
import { problemOf } from "../util/assert.js";
import { describe } from "../util/describe.js";
import { HaikuError, InvalidArgumentError, TransformError } from "../util/errors.js";

/** Haiku's `config.rng_reserve_size` default: each refill splits off this many keys. */
const RESERVE_SIZE = 1;

/**
 * Checks that `x` is a key (a `Uint32Array` of length 2) and returns it; otherwise throws Haiku's
 * key errors ("not a JAX PRNGKey" / "did not have expected shape and/or dtype").
 * @internal
 */
function checkKey(x: unknown, where: string): PRNGKey {
  if (random.isKey(x)) return x;
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const arr = x as unknown as { length: number; constructor: { name: string } };
    const dtype = arr.constructor.name.replace(/Array$/, "").toLowerCase();
    throw new InvalidArgumentError(
      where,
      `provided key did not have expected shape and/or dtype: expected=(shape=(2,), dtype=uint32), actual=(shape=(${arr.length},), dtype=${dtype}). Make keys with \`hk.random.key(seed)\` and split them with \`hk.random.split(key, n)\` (which returns an array of keys)`,
      "pass one key (one element of `hk.random.split`'s result), not the array.",
    );
  }
  throw new InvalidArgumentError(
    where,
    `the provided key is not a PRNGKey but a ${describe(x)}. A key is the Uint32Array(2) made by \`hk.random.key(seed)\``,
    "pass `hk.random.key(seed)` or an integer seed.",
  );
}

/** Turns a seed or key into a fresh key (a copy, so later mutation by the caller is harmless). */
function toKey(x: PRNGKey | number | bigint, where: string): PRNGKey {
  if (typeof x === "number") {
    if (!Number.isInteger(x)) {
      throw new InvalidArgumentError(
        where,
        `a seed must be an integer, got ${describe(x)}`,
        "pass e.g. `42` or `hk.random.key(42)`.",
      );
    }
    return random.key(x);
  }
  if (typeof x === "bigint") return random.key(x);
  return Uint32Array.from(checkKey(x, where)) as PRNGKey;
}

/**
 * The internal state of a {@link PRNGSequence}: the key that the next refill splits, and the keys
 * already split off and not yet handed out.
 *
 * @category Random numbers
 */
export type PRNGSequenceState = readonly [PRNGKey, readonly PRNGKey[]];

/**
 * An iterator of keys (Haiku's `hk.PRNGSequence`). Each refill is `split(key, n + 1)`: the first
 * result replaces the key and the other `n` are handed out in order.
 *
 * @example
 * ```ts
 * const seq = new hk.PRNGSequence(42);
 * const k1 = seq.next();          // split(key(42), 2)[1]
 * const [k2, k3] = seq.take(2);   // split(split(key(42), 2)[0], 3).slice(1)
 * ```
 *
 * @category Random numbers
 */
export class PRNGSequence implements Iterable<PRNGKey> {
  #key: PRNGKey;
  #subkeys: PRNGKey[] = [];

  /** Starts from a key, an integer seed, or a state from {@link PRNGSequence.internalState}. */
  constructor(keyOrSeed: PRNGKey | number | bigint | PRNGSequenceState) {
    if (Array.isArray(keyOrSeed)) {
      const [key, subkeys] = keyOrSeed as PRNGSequenceState;
      this.#key = toKey(key, "hk.PRNGSequence");
      this.#subkeys = subkeys.map((k) => toKey(k, "hk.PRNGSequence"));
    } else {
      this.#key = toKey(keyOrSeed as PRNGKey | number | bigint, "hk.PRNGSequence");
    }
  }

  /** Splits off `num` keys now, in one `split(key, num + 1)` call, for later `next()` calls. */
  reserve(num: number): void {
    if (num > 0) {
      const ks = random.split(this.#key, num + 1);
      this.#key = ks[0]!;
      for (let i = 1; i < ks.length; i++) this.#subkeys.push(ks[i]!);
    }
  }

  /** Tops the reserved keys up to the reserve size (1), or drops any beyond it. */
  reserveUpToFull(): void {
    const n = RESERVE_SIZE - this.#subkeys.length;
    if (n > 0) this.reserve(n);
    else this.#subkeys.length = RESERVE_SIZE;
  }

  /** The next key. */
  next(): PRNGKey {
    if (this.#subkeys.length === 0) this.reserve(RESERVE_SIZE);
    return this.#subkeys.shift()!;
  }

  /** The next `num` keys, reserving the missing ones with a single split. */
  take(num: number): PRNGKey[] {
    this.reserve(Math.max(num - this.#subkeys.length, 0));
    const out: PRNGKey[] = [];
    for (let i = 0; i < num; i++) out.push(this.next());
    return out;
  }

  /** A copy of the sequence's state, to restore later with {@link PRNGSequence.replaceInternalState}. */
  get internalState(): PRNGSequenceState {
    return [Uint32Array.from(this.#key) as PRNGKey, this.#subkeys.map((k) => Uint32Array.from(k) as PRNGKey)];
  }

  /** Replaces the sequence's state with one taken from {@link PRNGSequence.internalState}. */
  replaceInternalState(state: PRNGSequenceState): void {
    const [key, subkeys] = state;
    this.#key = toKey(key, "PRNGSequence.replaceInternalState");
    this.#subkeys = subkeys.map((k) => toKey(k, "PRNGSequence.replaceInternalState"));
  }

  /** Infinite iteration over `next()`. */
  *[Symbol.iterator](): Iterator<PRNGKey> {
    for (;;) yield this.next();
  }
}

function rngSequenceOrFail(symbol: string): PRNGSequence {
  const frame = currentFrame(symbol);
  const seq = frame.rngStack[frame.rngStack.length - 1];
  if (seq === null || seq === undefined) throw new MissingRNGError(`hk.${symbol}`);
  return seq;
}

/**
 * The next key of the running transform's sequence (Haiku's `hk.next_rng_key`). With seed `s`
 * the first key in a call is `hk.random.split(hk.random.key(s), 2)[1]`.
 *
 * @throws MissingRNGError when `init` / `apply` got `rng = null`.
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => tf.add(x, hk.random.normal(hk.nextRngKey(), x.shape)));
 * ```
 *
 * @category Random numbers
 */
export function nextRngKey(): PRNGKey {
  return rngSequenceOrFail("nextRngKey").next();
}

/**
 * The next `num` keys, split off together (Haiku's `hk.next_rng_keys`).
 *
 * @category Random numbers
 */
export function nextRngKeys(num: number): PRNGKey[] {
  return rngSequenceOrFail("nextRngKeys").take(num);
}

/**
 * Like {@link nextRngKey}, but `null` when no rng was passed (Haiku's `hk.maybe_next_rng_key`).
 *
 * @category Random numbers
 */
export function maybeNextRngKey(): PRNGKey | null {
  const frame = currentFrame("maybeNextRngKey");
  const seq = frame.rngStack[frame.rngStack.length - 1];
  return seq ? seq.next() : null;
}

/**
 * Pre-splits `num` keys in one `split` call (Haiku's `hk.reserve_rng_keys`).
 *
 * @category Random numbers
 */
export function reserveRngKeys(num: number): void {
  rngSequenceOrFail("reserveRngKeys").reserve(num);
}

/**
 * Runs `fn` with a fresh key sequence started from `key`; the outer sequence is untouched
 * (Haiku's `with hk.with_rng(key):`).
 *
 * @example
 * ```ts
 * const k = hk.withRng(hk.random.key(7), () => hk.nextRngKey()); // split(key(7), 2)[1]
 * ```
 *
 * @category Random numbers
 */
export function withRng<T>(key: PRNGKey | number | bigint, fn: () => T): T {
  const frame = currentFrame("withRng");
  const seq = new PRNGSequence(key);
  frame.rngStack.push(seq);
  try {
    return fn();
  } finally {
    frame.rngStack.pop();
  }
}

/**
 * The current sequence's state, or `null` without rng (Haiku's `maybe_get_rng_sequence_state`).
 *
 * @category Random numbers
 */
export function maybeGetRngSequenceState(): PRNGSequenceState | null {
  const frame = currentFrame("maybeGetRngSequenceState");
  return frame.rngStack[frame.rngStack.length - 1]?.internalState ?? null;
}

/**
 * Replaces the current sequence's state (Haiku's `replace_rng_sequence_state`).
 *
 * @category Random numbers
 */
export function replaceRngSequenceState(state: PRNGSequenceState): void {
  rngSequenceOrFail("replaceRngSequenceState").replaceInternalState(state);
}

const RNG_FIX =
  "pass a key from `hk.random.key(seed)`, an integer seed, or null as the rng (a common cause is " +
  "forgetting the rng, so that the input lands in its place).";

/**
 * Turns `init` / `apply`'s rng argument into a sequence; `where` names the
 * transformed function and `problem` states the expected signature.
 * A tensor (a typical sign of a missing rng shifting the data into the rng slot) is rejected.
 * @internal
 */
export function toRngSequence(rng: unknown, where: string, problem: string): PRNGSequence | null {
  if (rng === null || rng === undefined) return null;
  if (rng instanceof PRNGSequence) return rng;
  if (typeof rng === "number" && Number.isInteger(rng)) return new PRNGSequence(rng);
  if (typeof rng === "bigint") return new PRNGSequence(rng);
  if (ArrayBuffer.isView(rng) && !random.isKey(rng)) {
    try {
      checkKey(rng, "rng");
    } catch (e) {
      if (!(e instanceof HaikuError)) throw e;
      throw new TransformError(where, `${problem}; got an invalid key: ${problemOf(e)}`, RNG_FIX);
    }
  }
  if (rng instanceof tf.Tensor || !random.isKey(rng)) {
    throw new TransformError(where, `${problem}; got ${describe(rng)}`, RNG_FIX);
  }
  return new PRNGSequence(rng);
}
