/**
 * Keras' seed generators (`keras/src/random/seed_generator.py`), with JAX's raw `[2]` uint32
 * seeds as keys: `JaxLayer` draws `init_fn`'s key from the global generator and `call_fn`'s
 * key from its own.
 */
import type { PRNGKey } from "../random/index.js";
import { InvalidArgumentError } from "../util/errors.js";

const UINT32 = 2 ** 32;

/** Keras' `make_default_seed`: a random integer in [1, 1e9]. */
function defaultSeed(): number {
  return 1 + Math.floor(Math.random() * 1e9);
}

/** Checks Keras' seed rule (an integer), also requiring it to fit in a uint32.
 *
 * @category Keras
 */
function checkSeed(seed: unknown, where: string): number {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed >= UINT32) {
    throw new InvalidArgumentError(
      where,
      `Argument \`seed\` must be an integer. Received: seed=${String(seed)} (expected an integer in [0, 2**32) or undefined for a random seed)`,
      "pass an integer seed such as 42, or leave it out for a random one.",
    );
  }
  return seed;
}

/**
 * Keras' `SeedGenerator`: a `[seed, counter]` state. `next()` returns the current state as a
 * `PRNGKey` and advances it: in order (`counter + 1`, Keras' default) or, for the global
 * generator, by Keras' `(state + 1) * 5387 % 933199` scramble.
 */
export class SeedGenerator {
  private a: number;
  private b: number;

  /** `seed` undefined/null draws a random seed, like Keras' `seed=None`. */
  constructor(seed?: number | null, where = "SeedGenerator") {
    this.a = seed == null ? defaultSeed() : checkSeed(seed, where);
    this.b = 0;
  }

  /** Returns the current state as a key, then advances it. */
  next(ordered = true): PRNGKey {
    const key = new Uint32Array([this.a, this.b]);
    if (ordered) {
      this.b = (this.b + 1) % UINT32;
    } else {
      this.a = ((this.a + 1) * 5387) % 933199;
      this.b = ((this.b + 1) * 5387) % 933199;
    }
    return key;
  }

  /** How many keys `next(true)` has returned (the counter half of the state). */
  get counter(): number {
    return this.b;
  }
}

let globalGenerator: SeedGenerator | null = null;

/**
 * Resets the global seed generator from which `JaxLayer` draws the key of `initFn` (Keras'
 * `keras.utils.set_random_seed`), so that initialization is reproducible: two layers built after
 * `setRandomSeed(0)` get the same initial params. The layer's own `seed` only drives the keys
 * passed to `callFn` in training.
 *
 * @example
 * ```ts
 * setRandomSeed(0);
 * const a = new JaxLayer({ callFn: net.apply, initFn: net.init });
 * ```
 *
 * @category Keras
 */
export function setRandomSeed(seed: number): void {
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new InvalidArgumentError(
      "setRandomSeed",
      `Expected \`seed\` argument to be an integer. Received: seed=${String(seed)}`,
      "pass an integer in [0, 2**32).",
    );
  }
  globalGenerator = new SeedGenerator(seed, "setRandomSeed");
}

/**
 * Keras' `draw_seed(None)`: the next key of the global generator (unordered).
 */
export function drawGlobalKey(): PRNGKey {
  globalGenerator ??= new SeedGenerator();
  return globalGenerator.next(false);
}
