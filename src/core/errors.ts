/**
 * Error types and message helpers shared by the core. Messages follow Haiku's wording (so that
 * searches for Haiku's errors still help) and add the fix in our spelling.
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * Thrown when randomness is requested but `init` / `apply` was called with `rng = null`
 * (Haiku's `MissingRNGError`).
 *
 * @category Modules and parameters
 */
export class MissingRNGError extends Error {
  constructor(message = MISSING_RNG_MESSAGE) {
    super(message);
    this.name = "MissingRNGError";
  }
}

/**
 * Thrown when a function transformed without state (`hk.transform`, `hk.withoutState`) reads or
 * writes state (Haiku's `NonEmptyStateError`).
 *
 * @category Modules and parameters
 */
export class NonEmptyStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NonEmptyStateError";
  }
}

/**
 * @internal
 *
 * @category Modules and parameters
 */
export const MISSING_RNG_MESSAGE =
  "You must pass a non-null PRNGKey to init and/or apply if you make use of random numbers. " +
  "Pass a key (`hk.random.key(0)`) or an integer seed as the `rng` argument; with " +
  "`hk.withoutApplyRng` there is no rng in apply, so either remove the randomness from the " +
  "apply path or keep the rng argument.";

/**
 * @internal
 *
 * @category Modules and parameters
 */
export const MODULE_OUTSIDE_TRANSFORM =
  "All `hk.Module`s must be initialized inside an `hk.transform`. Create (and call) modules " +
  "inside the function you pass to `hk.transform` / `hk.transformWithState`, then run it with " +
  "`init` / `apply`.";

/**
 * @internal The error every public API throws when called with no transform running.
 *
 * @category Modules and parameters
 */
export function outsideTransformError(symbol: string): Error {
  return new Error(
    `\`hk.${symbol}\` must be used as part of an \`hk.transform\`: call it inside the function ` +
      "you pass to `hk.transform` / `hk.transformWithState` and run that with `init` / `apply`.",
  );
}

/**
 * @internal A short description of a value for error messages: its type and, briefly, itself.
 *
 * @category Modules and parameters
 */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (x instanceof tf.Tensor) return `tf.Tensor (shape [${x.shape.join(", ")}], dtype ${x.dtype})`;
  if (ArrayBuffer.isView(x)) {
    const name = x.constructor.name;
    const len = (x as unknown as { length?: number }).length;
    return `${name}(${len ?? "?"})`;
  }
  if (Array.isArray(x)) return `Array(${x.length})`;
  if (typeof x === "object") {
    const ctor = (x as object).constructor;
    return ctor && ctor !== Object ? `${ctor.name} object` : "object";
  }
  if (typeof x === "function") return `function ${x.name || "<anonymous>"}`;
  if (typeof x === "string") return `string: ${JSON.stringify(x.length > 60 ? x.slice(0, 60) + "..." : x)}`;
  return `${typeof x}: ${String(x)}`;
}
