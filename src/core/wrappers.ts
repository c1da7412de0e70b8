/**
 * Wrappers that change a transformed pair's signature (Haiku's `without_apply_rng`,
 * `without_state`, `with_empty_state`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { freeze } from "immer";
import { argNames, withArgNames } from "./arg_names.js";
import { setOwn } from "../tree/own.js";
import { NonEmptyStateError } from "./errors.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { ORIGINAL_FN, tagTransformed, transformKind } from "./transform.js";
import type {
  Transformed,
  TransformedWithState,
  TransformedWithStateWithoutApplyRng,
  TransformedWithoutApplyRng,
} from "./transform.js";
import type {
  MultiTransformed,
  MultiTransformedWithState,
  MultiTransformedWithStateWithoutApplyRng,
  MultiTransformedWithoutApplyRng,
} from "./multi_transform.js";
import type { Params, RngInput, State } from "./types.js";

/**
 * Drops `apply`'s `rng` argument (Haiku's `hk.without_apply_rng`): `apply(params, ...args)` or
 * `apply(params, state, ...args)`; randomness in apply then raises `MissingRNGError`.
 *
 * @example
 * ```ts
 * const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.Linear(2).call(x)));
 * const y = f.apply(f.init(0, x), x);
 * ```
 *
 * @category Transforms
 */
export function withoutApplyRng<A extends unknown[], R>(
  t: TransformedWithState<A, R>,
): TransformedWithStateWithoutApplyRng<A, R>;
export function withoutApplyRng<A extends unknown[], R>(t: Transformed<A, R>): TransformedWithoutApplyRng<A, R>;
export function withoutApplyRng<A extends unknown[], T>(
  t: MultiTransformedWithState<A, T>,
): MultiTransformedWithStateWithoutApplyRng<A, T>;
export function withoutApplyRng<A extends unknown[], T>(
  t: MultiTransformed<A, T>,
): MultiTransformedWithoutApplyRng<A, T>;
export function withoutApplyRng<T>(t: T): T;
export function withoutApplyRng(t: unknown): unknown {
  const tag = transformKind(t);
  if (tag === undefined) {
    throw new InvalidArgumentError(
      "hk.withoutApplyRng",
      `Must be called with the result of \`hk.transform\`, \`hk.multiTransform\`, \`hk.transformWithState\` or \`hk.multiTransformWithState\`, actually called with ${describe(t)}`,
      "pass `hk.transform(f)` (or one of the others).",
    );
  }
  if (!tag.applyRng) return t;
  const src = t as { init: unknown; apply: unknown };
  const withState = tag.kind === "transformWithState" || tag.kind === "multiTransformWithState";
  const dropRng = (apply: (...a: unknown[]) => unknown): ((...a: unknown[]) => unknown) => {
    const names = argNames(apply).filter((n, i) => !(n === "rng" && i === (withState ? 2 : 1)));
    const wrapped = withState
      ? (params: unknown, state: unknown, ...args: unknown[]) => apply(params, state, null, ...args)
      : (params: unknown, ...args: unknown[]) => apply(params, null, ...args);
    return withArgNames(wrapped, names);
  };
  const apply =
    typeof src.apply === "function"
      ? dropRng(src.apply as (...a: unknown[]) => unknown)
      : mapFnTree(src.apply, dropRng);
  return tagTransformed({ init: src.init, apply }, tag.kind, false, (t as { [ORIGINAL_FN]?: unknown })[ORIGINAL_FN]);
}

/**
 * Maps the functions of a tree of functions (plain objects / arrays), keeping its shape. @internal
 */
export function mapFnTree(
  tree: unknown,
  fn: (f: (...a: unknown[]) => unknown, path: readonly (string | number)[]) => unknown,
  path: (string | number)[] = [],
): unknown {
  if (typeof tree === "function") return fn(tree as (...a: unknown[]) => unknown, path);
  if (Array.isArray(tree)) return Object.freeze(tree.map((v, i) => mapFnTree(v, fn, [...path, i])));
  if (tree !== null && typeof tree === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(tree))
      setOwn(out, k, mapFnTree((tree as Record<string, unknown>)[k], fn, [...path, k]));
    return Object.freeze(out);
  }
  throw new InvalidArgumentError(
    "hk.multiTransform",
    `A multi-transform's tree of functions may hold only functions, objects and arrays, got ${describe(tree)}`,
    "return functions, in objects or arrays if you like.",
  );
}

function nonEmpty(state: State): boolean {
  return Object.keys(state).length > 0;
}

function disposeTree(x: unknown): void {
  if (x instanceof tf.Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeTree);
  else if (x !== null && typeof x === "object" && !ArrayBuffer.isView(x)) Object.values(x).forEach(disposeTree);
}

/**
 * Hides the state of a stateful transform (Haiku's `hk.without_state`); throws
 * `NonEmptyStateError` if `init` or `apply` produce any state.
 *
 * @category Transforms
 */
export function withoutState<A extends unknown[], R>(t: TransformedWithState<A, R>): Transformed<A, R> {
  const tag = transformKind(t);
  if (tag === undefined || tag.kind !== "transformWithState") {
    throw new InvalidArgumentError(
      "hk.withoutState",
      `expects the result of \`hk.transformWithState\`, got ${describe(t)}`,
      "pass `hk.transformWithState(f)`.",
    );
  }
  const msg = "the function made stateless with `hk.withoutState` uses state";
  const fix = "if your transformed function uses `hk.getState` / `hk.setState` then use `hk.transformWithState`.";
  const init = withArgNames((rng: RngInput, ...args: A): Params => {
    const [params, state] = t.init(rng, ...args);
    if (nonEmpty(state)) {
      disposeTree(params);
      disposeTree(state);
      throw new NonEmptyStateError("hk.withoutState(f).init", msg, fix);
    }
    return params;
  }, argNames(t.init));
  const applyNames = argNames(t.apply).filter((n, i) => !(n === "state" && i === 1));
  const apply = tag.applyRng
    ? withArgNames((params: Params | null | undefined, rng: RngInput, ...args: A): R => {
        const [out, state] = t.apply(params, {}, rng, ...args);
        if (nonEmpty(state)) {
          disposeTree(out);
          disposeTree(state);
          throw new NonEmptyStateError("hk.withoutState(f).apply", msg, fix);
        }
        return out;
      }, applyNames)
    : withArgNames((params: Params | null | undefined, ...args: A): R => {
        const [out, state] = (t.apply as unknown as (p: unknown, s: unknown, ...a: unknown[]) => [R, State])(
          params,
          {},
          ...args,
        );
        if (nonEmpty(state)) {
          disposeTree(out);
          disposeTree(state);
          throw new NonEmptyStateError("hk.withoutState(f).apply", msg, fix);
        }
        return out;
      }, applyNames);
  return tagTransformed(
    { init, apply } as unknown as Transformed<A, R>,
    "transform",
    tag.applyRng,
    (t as { [ORIGINAL_FN]?: unknown })[ORIGINAL_FN],
  );
}

/**
 * Adds an always-empty state to a stateless transform (Haiku's `hk.with_empty_state`):
 * `init -> [params, {}]`, `apply(params, state, rng, ...args) -> [out, {}]` (state ignored).
 *
 * @category Transforms
 */
export function withEmptyState<A extends unknown[], R>(t: Transformed<A, R>): TransformedWithState<A, R> {
  const tag = transformKind(t);
  if (tag === undefined || tag.kind !== "transform") {
    throw new InvalidArgumentError(
      "hk.withEmptyState",
      `expects the result of \`hk.transform\`, got ${describe(t)}`,
      "pass `hk.transform(f)`.",
    );
  }
  const empty = (): State => freeze({}, true);
  const init = withArgNames(
    (rng: RngInput, ...args: A): [Params, State] => [t.init(rng, ...args), empty()],
    argNames(t.init),
  );
  const names = argNames(t.apply);
  const apply = tag.applyRng
    ? withArgNames(
        (
          params: Params | null | undefined,
          _state: State | null | undefined,
          rng: RngInput,
          ...args: A
        ): [R, State] => [t.apply(params, rng, ...args), empty()],
        [names[0] ?? "params", "state", ...names.slice(1)],
      )
    : withArgNames(
        (params: Params | null | undefined, _state: State | null | undefined, ...args: A): [R, State] => [
          (t.apply as unknown as (p: unknown, ...a: unknown[]) => R)(params, ...args),
          empty(),
        ],
        [names[0] ?? "params", "state", ...names.slice(1)],
      );
  return tagTransformed(
    { init, apply } as unknown as TransformedWithState<A, R>,
    "transformWithState",
    tag.applyRng,
    (t as { [ORIGINAL_FN]?: unknown })[ORIGINAL_FN],
  );
}
