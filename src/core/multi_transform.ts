/**
 * `hk.multiTransform` / `hk.multiTransformWithState` (Haiku's `multi_transform.py`): several
 * apply functions sharing one set of parameters, e.g. an encoder and a decoder.
 */
import { argNames } from "./arg_names.js";
import { describe } from "../util/describe.js";
import { makeInitApply, tagTransformed } from "./transform.js";
import { mapFnTree } from "./wrappers.js";
import { runInFrame } from "./run.js";
import { PRNGSequence } from "./rng.js";
import type { Params, RngInput, State } from "./types.js";
import { InvalidArgumentError, TransformError } from "../util/errors.js";

/**
 * The tree of apply functions of a multi-transform, shaped like the tree `f` returns
 * (`Rng = false` after `hk.withoutApplyRng`).
 *
 * @category Transforms
 */
export type MultiApply<T, WithState extends boolean, Rng extends boolean = true> = T extends (
  ...args: infer A
) => infer R
  ? WithState extends true
    ? Rng extends true
      ? (params: Params | null | undefined, state: State | null | undefined, rng: RngInput, ...args: A) => [R, State]
      : (params: Params | null | undefined, state: State | null | undefined, ...args: A) => [R, State]
    : Rng extends true
      ? (params: Params | null | undefined, rng: RngInput, ...args: A) => R
      : (params: Params | null | undefined, ...args: A) => R
  : { readonly [K in keyof T]: MultiApply<T[K], WithState, Rng> };

/**
 * Result of {@link multiTransform}.
 *
 * @category Transforms
 */
export interface MultiTransformed<A extends unknown[], T> {
  /** Runs the template function to create all parameters. */
  readonly init: (rng: RngInput, ...args: A) => Params;
  /** One `apply(params, rng, ...args)` per function of the tree. */
  readonly apply: MultiApply<T, false>;
}

/**
 * Result of {@link multiTransformWithState}.
 *
 * @category Transforms
 */
export interface MultiTransformedWithState<A extends unknown[], T> {
  /** Runs the template function to create all parameters and state. */
  readonly init: (rng: RngInput, ...args: A) => [Params, State];
  /** One `apply(params, state, rng, ...args)` per function of the tree. */
  readonly apply: MultiApply<T, true>;
}

/**
 * {@link MultiTransformed} after `hk.withoutApplyRng`.
 *
 * @category Transforms
 */
export interface MultiTransformedWithoutApplyRng<A extends unknown[], T> {
  /** Runs the template function to create all parameters. */
  readonly init: (rng: RngInput, ...args: A) => Params;
  /** One `apply(params, ...args)` per function of the tree. */
  readonly apply: MultiApply<T, false, false>;
}

/**
 * {@link MultiTransformedWithState} after `hk.withoutApplyRng`.
 *
 * @category Transforms
 */
export interface MultiTransformedWithStateWithoutApplyRng<A extends unknown[], T> {
  /** Runs the template function to create all parameters and state. */
  readonly init: (rng: RngInput, ...args: A) => [Params, State];
  /** One `apply(params, state, ...args)` per function of the tree. */
  readonly apply: MultiApply<T, true, false>;
}

/**
 * What {@link multiTransform} takes: a function that builds the modules and returns
 * `[templateFn, treeOfFns]`.
 *
 * @category Transforms
 */
export type MultiTransformFactory<A extends unknown[], T> = () => readonly [(...args: A) => unknown, T];

function get(tree: unknown, path: readonly (string | number)[]): (...a: unknown[]) => unknown {
  let x = tree;
  for (const k of path) x = (x as Record<string | number, unknown>)[k];
  if (typeof x !== "function") {
    throw new TransformError(
      "hk.multiTransform",
      "The tree of functions returned by the multi-transform's `f` changed between calls",
      "make `f` return the same structure every time.",
    );
  }
  return x as (...a: unknown[]) => unknown;
}

function build(
  f: MultiTransformFactory<unknown[], unknown>,
  stateful: boolean,
  name: string,
): { init: unknown; apply: unknown } {
  if (typeof f !== "function")
    throw new InvalidArgumentError(
      `hk.${name}`,
      `expects a function returning [templateFn, treeOfFns], got ${describe(f)}`,
      `pass \`hk.${name}(() => [templateFn, { ... }])\`.`,
    );
  const call = (): readonly [(...args: unknown[]) => unknown, unknown] => {
    const r = f();
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== "function") {
      throw new InvalidArgumentError(
        `hk.${name}`,
        `its function must return [templateFn, treeOfFns], got ${describe(r)}`,
        "return a pair: the function init runs, and a tree of the functions apply runs.",
      );
    }
    return r as readonly [(...args: unknown[]) => unknown, unknown];
  };
  // Discover the tree once, as Haiku does with `eval_shape` (with key 42), in a throwaway frame.
  let template: ((...args: unknown[]) => unknown) | undefined;
  let fns: unknown;
  runInFrame(
    () => {
      [template, fns] = call();
    },
    [],
    {
      paramsIn: null,
      stateIn: null,
      rng: new PRNGSequence(42),
      stateAllowed: true,
      transformName: `hk.${name}`,
      wantOut: false,
    },
  );
  const transformName = `hk.${name}`;
  const init = makeInitApply(
    (...args: unknown[]) => call()[0](...args),
    stateful,
    transformName,
    argNames(template!),
  ).init;
  const apply = mapFnTree(
    fns,
    (leaf, path) =>
      makeInitApply((...args: unknown[]) => get(call()[1], path)(...args), stateful, transformName, argNames(leaf))
        .apply,
  );
  return { init, apply };
}

/**
 * Transforms a collection of functions sharing parameters (Haiku's `hk.multi_transform`).
 * `f` builds the modules and returns `[templateFn, treeOfFns]`: `init` runs `templateFn` (which
 * should touch every module so that all parameters get created); `apply` is a tree of the same
 * shape as `treeOfFns` with one `apply(params, rng, ...args)` per function. `f` runs again on
 * every call, so modules are rebuilt with the same names.
 *
 * @example
 * ```ts
 * const ae = hk.multiTransform(() => {
 *   const enc = new hk.Linear(2, { name: "enc" }), dec = new hk.Linear(4, { name: "dec" });
 *   return [(x: tf.Tensor) => dec.call(enc.call(x)), { encode: (x: tf.Tensor) => enc.call(x), decode: (z: tf.Tensor) => dec.call(z) }] as const;
 * });
 * const params = ae.init(0, x);
 * const z = ae.apply.encode(params, null, x);
 * ```
 *
 * @category Transforms
 */
export function multiTransform<A extends unknown[], T>(f: MultiTransformFactory<A, T>): MultiTransformed<A, T> {
  const t = build(f as MultiTransformFactory<unknown[], unknown>, false, "multiTransform");
  return tagTransformed(t, "multiTransform", true, f) as unknown as MultiTransformed<A, T>;
}

/**
 * {@link multiTransform} for functions that use state (Haiku's `hk.multi_transform_with_state`).
 *
 * @category Transforms
 */
export function multiTransformWithState<A extends unknown[], T>(
  f: MultiTransformFactory<A, T>,
): MultiTransformedWithState<A, T> {
  const t = build(f as MultiTransformFactory<unknown[], unknown>, true, "multiTransformWithState");
  return tagTransformed(t, "multiTransformWithState", true, f) as unknown as MultiTransformedWithState<A, T>;
}
