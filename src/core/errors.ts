/**
 * The core's own error classes and shared messages. Messages keep Haiku's wording (so that
 * searches for Haiku's errors still help) inside the one format of `src/util/errors.ts`.
 */
import { ParameterError, TransformError } from "../util/errors.js";

/**
 * Thrown when randomness is requested but `init` / `apply` was called with `rng = null`
 * (Haiku's `MissingRNGError`). A {@link TransformError}.
 *
 * @category Modules and parameters
 */
export class MissingRNGError extends TransformError {
  constructor(where = "hk.nextRngKey", problem = MISSING_RNG_PROBLEM, fix = MISSING_RNG_FIX) {
    super(where, problem, fix);
    // Set explicitly: bundlers rename classes, and users match on this name.
    this.name = "MissingRNGError";
  }
}

/**
 * Thrown when a function transformed without state (`hk.transform`, `hk.withoutState`) reads or
 * writes state (Haiku's `NonEmptyStateError`). A {@link ParameterError}.
 *
 * @category Modules and parameters
 */
export class NonEmptyStateError extends ParameterError {
  constructor(where: string, problem: string, fix?: string) {
    super(where, problem, fix);
    this.name = "NonEmptyStateError";
  }
}

const MISSING_RNG_PROBLEM = "You must pass a non-null PRNGKey to init and/or apply if you make use of random numbers";
const MISSING_RNG_FIX =
  "pass a key (`hk.random.key(0)`) or an integer seed as the `rng` argument; with " +
  "`hk.withoutApplyRng` there is no rng in apply, so either remove the randomness from the " +
  "apply path or keep the rng argument.";

/**
 * @internal Haiku's "All `hk.Module`s must be initialized inside an `hk.transform`", for a
 * module class constructed with no transform running.
 */
export function moduleOutsideTransformError(className: string): TransformError {
  return new TransformError(
    `new ${className}()`,
    "All `hk.Module`s must be initialized inside an `hk.transform`",
    "create (and call) modules inside the function you pass to `hk.transform` / `hk.transformWithState`, then run it with `init` / `apply`.",
  );
}

/**
 * @internal The error every public API throws when called with no transform running.
 */
export function outsideTransformError(symbol: string): TransformError {
  return new TransformError(
    `hk.${symbol}`,
    `\`hk.${symbol}\` must be used as part of an \`hk.transform\``,
    "call it inside the function you pass to `hk.transform` / `hk.transformWithState` and run that with `init` / `apply`.",
  );
}
