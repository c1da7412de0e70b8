/**
 * `hk.transform` and friends (Haiku's `transform.py`): turn a function that uses modules,
 * parameters, state and keys into a pair of pure functions `init` / `apply`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { argNames, withArgNames } from "./arg_names.js";
import { currentFrame } from "./frame.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError, TransformError } from "../util/errors.js";
import { toRngSequence } from "./rng.js";
import { runInFrame } from "./run.js";
import type { Params, RngInput, State } from "./types.js";

/** Tags transformed objects so `withoutApplyRng` / `withoutState` know what they got. @internal
 */
const TRANSFORM_KIND: unique symbol = Symbol.for("haiku-tfjs.transformKind");
/**
 * @internal
 */
export type TransformKind = "transform" | "transformWithState" | "multiTransform" | "multiTransformWithState";
/**
 * Holds the function a transformed object came from (Haiku's `_original_fn`).
 *
 * @category Transforms
 */
export const ORIGINAL_FN: unique symbol = Symbol.for("haiku-tfjs.originalFn");

/**
 * Result of {@link transform}: `init(rng, ...args) -> params`, `apply(params, rng, ...args) -> out`.
 *
 * @category Transforms
 */
export interface Transformed<A extends unknown[] = unknown[], R = unknown> {
  /** Creates the parameters by running the function once (its output is discarded). */
  readonly init: (rng: RngInput, ...args: A) => Params;
  /** Runs the function with the given parameters and returns its output. */
  readonly apply: (params: Params | null | undefined, rng: RngInput, ...args: A) => R;
}

/**
 * {@link Transformed} after `hk.withoutApplyRng`: `apply(params, ...args)`.
 *
 * @category Transforms
 */
export interface TransformedWithoutApplyRng<A extends unknown[] = unknown[], R = unknown> {
  /** Creates the parameters by running the function once (its output is discarded). */
  readonly init: (rng: RngInput, ...args: A) => Params;
  /** Runs the function with the given parameters and no rng. */
  readonly apply: (params: Params | null | undefined, ...args: A) => R;
}

/**
 * Result of {@link transformWithState}: `init(rng, ...args) -> [params, state]`,
 * `apply(params, state, rng, ...args) -> [out, state]`.
 *
 * @category Transforms
 */
export interface TransformedWithState<A extends unknown[] = unknown[], R = unknown> {
  /** Creates parameters and initial state by running the function once. */
  readonly init: (rng: RngInput, ...args: A) => [Params, State];
  /** Runs the function; returns its output and the new state. */
  readonly apply: (
    params: Params | null | undefined,
    state: State | null | undefined,
    rng: RngInput,
    ...args: A
  ) => [R, State];
}

/**
 * {@link TransformedWithState} after `hk.withoutApplyRng`: `apply(params, state, ...args)`.
 *
 * @category Transforms
 */
export interface TransformedWithStateWithoutApplyRng<A extends unknown[] = unknown[], R = unknown> {
  /** Creates parameters and initial state by running the function once. */
  readonly init: (rng: RngInput, ...args: A) => [Params, State];
  /** Runs the function with no rng; returns its output and the new state. */
  readonly apply: (params: Params | null | undefined, state: State | null | undefined, ...args: A) => [R, State];
}

const APPLY_RNG_SIG = "`apply(params, rng, ...args)`";
const APPLY_STATE_RNG_SIG = "`apply(params, state, rng, ...args)`";

/** Haiku's message when `init` gets no rng (transform.py, `init_fn`), with our key sources added. */
const INIT_RNG_ERROR =
  "Init must be called with an RNG as the first argument, the required signature is: " +
  "`init(rng, ...args)` (rng: a key from `hk.random.key(seed)`, an integer seed, or null)";

/**
 * @internal
 */
function applyRngError(withState: boolean): string {
  return (
    `Apply must be called with an RNG as the ${withState ? "third" : "second"} argument, the required ` +
    `signature is: ${withState ? APPLY_STATE_RNG_SIG : APPLY_RNG_SIG} (rng: a key, an integer seed, or ` +
    "null; use `hk.withoutApplyRng` to drop it)"
  );
}

/** Built once: `apply` passes its error text along on every call. */
const APPLY_RNG_ERROR = applyRngError(false);
const APPLY_RNG_ERROR_WITH_STATE = applyRngError(true);

/**
 * Validates params/state (`null`/`undefined` -> `{}`), as Haiku's `check_mapping`. @internal
 */
function checkMapping<T>(which: "params" | "state", value: T | null | undefined): T {
  if (value === null || value === undefined) return {} as T;
  if (typeof value !== "object" || Array.isArray(value) || value instanceof tf.Tensor || ArrayBuffer.isView(value)) {
    throw new TransformError(
      `${which === "state" ? "hk.transformWithState" : "hk.transform"}(f).apply`,
      `${which} argument does not appear valid. It should be an object (module name -> ${which === "params" ? "parameter" : "entry"} name -> tensor) but is ${describe(value)}`,
      `pass what \`init\` returned; the parameters for apply are ${APPLY_RNG_SIG} for \`hk.transform\` and ${APPLY_STATE_RNG_SIG} for \`hk.transformWithState\`.`,
    );
  }
  return value;
}

function checkFn(fn: unknown, name: string): void {
  if (typeof fn !== "function") {
    throw new InvalidArgumentError(
      `hk.${name}`,
      `expects the function to transform, got ${describe(fn)}`,
      `pass a function, \`hk.${name}((x) => ...)\`.`,
    );
  }
}

/**
 * Attaches the kind tag and original function to a transformed object and freezes it. @internal
 */
export function tagTransformed<T extends object>(t: T, kind: TransformKind, applyRng: boolean, original: unknown): T {
  Object.defineProperty(t, TRANSFORM_KIND, { value: { kind, applyRng } });
  Object.defineProperty(t, ORIGINAL_FN, { value: original });
  // `init` and `apply` carry it too, so `tabulate(f.apply)` finds the user function (Haiku's
  // `eval_summary` unwraps `f.init` / `f.apply` the same way). Wrappers reuse `init` as is.
  const { init, apply } = t as { init?: unknown; apply?: unknown };
  for (const g of [init, apply]) {
    if (typeof g === "function" && !Object.prototype.hasOwnProperty.call(g, ORIGINAL_FN)) {
      Object.defineProperty(g, ORIGINAL_FN, { value: original });
    }
  }
  return Object.freeze(t);
}

/**
 * The kind tag of a transformed object, if it is one. @internal
 */
export function transformKind(t: unknown): { kind: TransformKind; applyRng: boolean } | undefined {
  if (t === null || (typeof t !== "object" && typeof t !== "function")) return undefined;
  return (t as { [TRANSFORM_KIND]?: { kind: TransformKind; applyRng: boolean } })[TRANSFORM_KIND];
}

/**
 * Builds `init` / `apply` for `fn`. @internal
 */
export function makeInitApply(
  fn: (...args: never[]) => unknown,
  stateful: boolean,
  transformName: string,
  names: readonly string[] = argNames(fn),
): { init: (...a: unknown[]) => unknown; apply: (...a: unknown[]) => unknown } {
  const init = withArgNames(
    (rng: unknown, ...args: unknown[]): unknown => {
      const seq = toRngSequence(rng, `${transformName}(f).init`, INIT_RNG_ERROR);
      const r = runInFrame(fn, args, {
        paramsIn: null,
        stateIn: null,
        rng: seq,
        stateAllowed: stateful,
        transformName,
        wantOut: false,
      });
      return stateful ? [r.params, r.state] : r.params;
    },
    ["rng", ...names],
  );
  const apply = stateful
    ? withArgNames(
        (params: unknown, state: unknown, rng: unknown, ...args: unknown[]): unknown => {
          const p = checkMapping<Params>("params", params as Params);
          const s = checkMapping<State>("state", state as State);
          const seq = toRngSequence(rng, `${transformName}(f).apply`, APPLY_RNG_ERROR_WITH_STATE);
          const r = runInFrame(fn, args, {
            paramsIn: p,
            stateIn: s,
            rng: seq,
            stateAllowed: true,
            transformName,
            wantOut: true,
          });
          return [r.out, r.state];
        },
        ["params", "state", "rng", ...names],
      )
    : withArgNames(
        (params: unknown, rng: unknown, ...args: unknown[]): unknown => {
          const p = checkMapping<Params>("params", params as Params);
          const seq = toRngSequence(rng, `${transformName}(f).apply`, APPLY_RNG_ERROR);
          const r = runInFrame(fn, args, {
            paramsIn: p,
            stateIn: null,
            rng: seq,
            stateAllowed: false,
            transformName,
            wantOut: true,
          });
          return r.out;
        },
        ["params", "rng", ...names],
      );
  return { init, apply };
}

/**
 * Transforms `fn` into a pair of pure functions (Haiku's `hk.transform`):
 * `init(rng, ...args)` runs `fn` and returns the parameters it created, `apply(params, rng, ...args)`
 * runs `fn` with those parameters and returns its output. `fn` must not use state (see
 * {@link transformWithState}).
 *
 * Ownership: inputs stay yours; everything returned is new and yours to dispose (see README).
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.Linear(2).call(x));
 * const params = f.init(hk.random.key(42), x);
 * const y = f.apply(params, null, x);
 * ```
 *
 * @category Transforms
 */
export function transform<A extends unknown[], R>(fn: (...args: A) => R): Transformed<A, R> {
  checkFn(fn, "transform");
  const { init, apply } = makeInitApply(fn as (...args: never[]) => unknown, false, "hk.transform");
  return tagTransformed({ init, apply } as unknown as Transformed<A, R>, "transform", true, fn);
}

/**
 * Like {@link transform} for functions that use state (`hk.getState` / `hk.setState`)
 * (Haiku's `hk.transform_with_state`): `init(rng, ...args) -> [params, state]`,
 * `apply(params, state, rng, ...args) -> [out, newState]`.
 *
 * @example
 * ```ts
 * const f = hk.transformWithState((x: tf.Tensor) => {
 *   const n = hk.getState("n", { shape: [], init: (s, d) => tf.zeros(s, d) });
 *   hk.setState("n", tf.add(n, 1));
 *   return x;
 * });
 * let [params, state] = f.init(null, x);
 * const [y, newState] = f.apply(params, state, null, x);
 * hk.tree.dispose(state); state = newState;
 * ```
 *
 * @category Transforms
 */
export function transformWithState<A extends unknown[], R>(fn: (...args: A) => R): TransformedWithState<A, R> {
  checkFn(fn, "transformWithState");
  const { init, apply } = makeInitApply(fn as (...args: never[]) => unknown, true, "hk.transformWithState");
  return tagTransformed({ init, apply } as unknown as TransformedWithState<A, R>, "transformWithState", true, fn);
}

/**
 * `true` inside `init`, `false` inside `apply` (Haiku's `hk.running_init`).
 *
 * @example
 * ```ts
 * if (hk.runningInit()) console.log("creating parameters");
 * ```
 *
 * @category Transforms
 */
export function runningInit(): boolean {
  return !currentFrame("runningInit").frozen;
}
