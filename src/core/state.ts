/** State: `hk.getState`, `hk.setState` and friends (Haiku's `base.py`: `get_state`, `set_state`, `get_current_state`, `get_initial_state`). */
import * as tf from "@tensorflow/tfjs-core";
import { assertNoPendingConstruction, constructing, currentFrame } from "./frame.js";
import type { Frame, StatePair } from "./frame.js";
import { setOwn } from "../tree/own.js";
import { NonEmptyStateError } from "./errors.js";
import { DO_NOT_STORE } from "./do_not_store.js";
import { runCreators, runGetters, runSetters, stateCreators, stateGetters, stateSetters } from "./interceptors.js";
import type { GetterContext } from "./interceptors.js";
import type { Initializer } from "./types.js";
import { getterContext } from "./params.js";
import { InvalidArgumentError, ParameterError } from "../util/errors.js";

/** Options of {@link getState}.
 *
 * @category Modules and parameters
 */
export interface GetStateOptions {
  /** Shape of the initial value; required with `init`. */
  shape?: readonly number[];
  /** Defaults to `"float32"`. */
  dtype?: tf.DataType;
  /** Creates the value the first time the entry is read (if it was never set). */
  init?: Initializer;
}

function checkStateAllowed(frame: Frame, symbol: string): void {
  if (frame.stateAllowed) return;
  const withState = frame.transformName.startsWith("hk.multi") ? "hk.multiTransformWithState" : "hk.transformWithState";
  throw new NonEmptyStateError(
    `hk.${symbol}`,
    `was used in a function transformed with \`${frame.transformName}\`, which has no state`,
    `if your transformed function uses \`hk.getState\` / \`hk.setState\` then use \`${withState}\`: its init returns [params, state] and its apply takes and returns state.`,
  );
}

function bundleOf(frame: Frame, bundle: string): Map<string, StatePair> {
  let b = frame.state.get(bundle);
  if (b === undefined) frame.state.set(bundle, (b = new Map()));
  return b;
}

/**
 * Reads the state entry `name` of the current module, creating it with `init(shape, dtype)` if it
 * does not exist yet (Haiku's `hk.get_state`). Only under `hk.transformWithState`.
 *
 * @example
 * ```ts
 * const count = hk.getState("count", { shape: [], dtype: "int32", init: (s, d) => tf.zeros(s, d) });
 * hk.setState("count", tf.add(count, 1));
 * ```
 *
 * @category Modules and parameters
 */
export function getState<T = tf.Tensor>(name: string, opts: GetStateOptions = {}): T {
  const frame = currentFrame("getState");
  if (constructing.length > 0) assertNoPendingConstruction(0);
  checkStateAllowed(frame, "getState");
  const bundle = frame.currentName();
  const dtype = opts.dtype ?? "float32";
  const entries = frame.state.get(bundle);
  const pair = entries?.get(name);
  let value: unknown;
  let context: GetterContext | undefined;
  if (pair === undefined) {
    if (opts.init === undefined) {
      throw new ParameterError(
        "hk.getState",
        `No value for "${name}" in "${bundle}", perhaps set an init function?`,
        "pass `{ shape, init }` to `hk.getState` (e.g. `{ shape: [], init: hk.initializers.Constant(0) }`), call `hk.setState` first, or pass the state returned by `init` to `apply`.",
      );
    }
    if (opts.shape === undefined) {
      throw new InvalidArgumentError(
        "hk.getState",
        `Must provide shape and dtype to initialize "${name}" in "${bundle}"`,
        "pass `{ shape, init }` (dtype defaults to float32).",
      );
    }
    const shape = opts.shape.slice();
    if (stateCreators.length > 0) {
      context = getterContext(frame, bundle, name, dtype, opts.shape, opts.init);
      value = runCreators(stateCreators, context, shape, dtype, opts.init);
    } else {
      value = opts.init(shape, dtype);
    }
    if (value !== DO_NOT_STORE) bundleOf(frame, bundle).set(name, { initial: value, current: value });
  } else {
    value = pair.current;
  }
  if (stateGetters.length > 0) {
    value = runGetters(
      stateGetters,
      context ?? getterContext(frame, bundle, name, dtype, opts.shape, opts.init),
      value,
    );
  }
  return value as T;
}

function mapTree(x: unknown, fn: (t: tf.Tensor) => unknown): unknown {
  if (x instanceof tf.Tensor) return fn(x);
  if (Array.isArray(x)) return x.map((v) => mapTree(v, fn));
  if (x !== null && typeof x === "object" && !ArrayBuffer.isView(x)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x)) setOwn(out, k, mapTree((x as Record<string, unknown>)[k], fn));
    return out;
  }
  return undefined;
}

/**
 * Sets the state entry `name` of the current module to `value` (a tensor or a pytree of tensors)
 * (Haiku's `hk.set_state`). The first value stored in `init` is what `init` returns.
 *
 * @example
 * ```ts
 * hk.setState("hidden", tf.zeros([1, 8]));
 * ```
 *
 * @category Modules and parameters
 */
export function setState(name: string, value: unknown): void {
  const frame = currentFrame("setState");
  if (constructing.length > 0) assertNoPendingConstruction(0);
  checkStateAllowed(frame, "setState");
  const bundle = frame.currentName();
  if (stateSetters.length > 0) {
    value = runSetters(
      stateSetters,
      {
        fullName: bundle + "/" + name,
        module: frame.currentModule(),
        moduleName: bundle,
        name,
        originalDtype: mapTree(value, (t) => t.dtype),
        originalShape: mapTree(value, (t) => t.shape),
      },
      value,
    );
  }
  if (value === DO_NOT_STORE) return;
  const entries = bundleOf(frame, bundle);
  const pair = entries.get(name);
  if (pair === undefined) entries.set(name, { initial: value, current: value });
  else pair.current = value;
}

function collect(which: "initial" | "current"): Record<string, Record<string, unknown>> {
  const frame = currentFrame(which === "initial" ? "getInitialState" : "getCurrentState");
  const out: Record<string, Record<string, unknown>> = {};
  for (const [bundle, entries] of frame.state) {
    if (entries.size === 0) continue;
    const o: Record<string, unknown> = {};
    for (const [name, pair] of entries) setOwn(o, name, pair[which]);
    setOwn(out, bundle, o);
  }
  return out;
}

/**
 * A copy of the initial state: what `init` will return, or what `apply` was given
 * (Haiku's `hk.get_initial_state`).
 *
 * @category Modules and parameters
 */
export function getInitialState(): Record<string, Record<string, unknown>> {
  return collect("initial");
}

/**
 * A copy of the current state: what would be returned now (Haiku's `hk.get_current_state`).
 *
 * @category Modules and parameters
 */
export function getCurrentState(): Record<string, Record<string, unknown>> {
  return collect("current");
}

/**
 * Current state of `moduleName`, its sub-scopes and `submodules`, keyed `module/name`. @internal
 */
export function moduleStateDict(
  frame: Frame,
  moduleName: string,
  submodules: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const prefix = moduleName + "/";
  for (const [bundle, entries] of frame.state) {
    if (bundle === moduleName || bundle.startsWith(prefix) || submodules.has(bundle)) {
      for (const [name, pair] of entries) setOwn(out, bundle + "/" + name, pair.current);
    }
  }
  return out;
}
