/**
 * Creators, getters, setters and method interceptors (Haiku's `custom_creator`,
 * `custom_getter`, `custom_setter`, `intercept_methods`). Haiku's context managers become
 * callbacks: the interceptor is active while `fn` runs.
 *
 * Each kind is a stack; the first-registered (outermost) interceptor runs first and calls `next`
 * to reach the inner ones, the last `next` does the real work.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { currentFrame } from "./frame.js";
import type { Initializer } from "./types.js";

/** What a creator or getter learns about the parameter or state entry (Haiku's `GetterContext`).
 *
 * @category Modules and parameters
 */
export interface GetterContext {
  /** `module/name`, e.g. `"mlp/~/linear_0/w"`. */
  readonly fullName: string;
  /** The module whose method asked for the value, if any (`undefined` outside modules). */
  readonly module: unknown;
  /** Everything before the last `/` of `fullName` (the bundle, e.g. `"mlp/~/linear_0"`). */
  readonly moduleName: string;
  /** The last part of `fullName` (e.g. `"w"`). */
  readonly name: string;
  /** The dtype asked for (`"float32"` unless given). */
  readonly originalDtype: tf.DataType;
  /** The shape asked for (`undefined` for a `getState` without shape). */
  readonly originalShape: readonly number[] | undefined;
  /** The initializer passed to `getParameter` / `getState`, if any. */
  readonly originalInit: Initializer | undefined;
}

/**
 * What a setter learns about the state entry being set (Haiku's `SetterContext`).
 *
 * @category Modules and parameters
 */
export interface SetterContext {
  /** `module/name`, e.g. `"batch_norm/~/mean_ema/average"`. */
  readonly fullName: string;
  /** The module whose method sets the value, if any. */
  readonly module: unknown;
  /** Everything before the last `/` of `fullName`. */
  readonly moduleName: string;
  /** The last part of `fullName`. */
  readonly name: string;
  /** The dtype of the value (a pytree of dtypes for a pytree value). */
  readonly originalDtype: unknown;
  /** The shape of the value (a pytree of shapes for a pytree value). */
  readonly originalShape: unknown;
}

/**
 * The next creator in the chain (or the initializer itself, for the last one).
 *
 * @category Modules and parameters
 */
export type NextCreator = (shape: number[], dtype: tf.DataType, init: Initializer) => tf.Tensor;
/**
 * Runs when a parameter (or state entry) is created in `init`; may change shape, dtype or
 * initializer before calling `next`, or return something else entirely.
 *
 * @category Modules and parameters
 */
export type Creator = (
  next: NextCreator,
  shape: number[],
  dtype: tf.DataType,
  init: Initializer,
  context: GetterContext,
) => tf.Tensor;
/**
 * Runs on every read of a parameter (or state entry); the stored value is left as it was.
 *
 * @category Modules and parameters
 */
export type Getter = <T>(next: (value: T) => T, value: T, context: GetterContext) => T;
/**
 * Runs on every `hk.setState`; what the chain returns is what gets stored.
 *
 * @category Modules and parameters
 */
export type Setter = (next: (value: unknown) => unknown, value: unknown, context: SetterContext) => unknown;

/**
 * Which collections a creator or getter applies to (Haiku's defaults: params only).
 *
 * @category Modules and parameters
 */
export interface InterceptorScope {
  /** Intercept parameters (default true). */
  params?: boolean;
  /** Intercept state (default false). */
  state?: boolean;
}

/**
 * What a method interceptor learns about the intercepted call (Haiku's `MethodContext`).
 *
 * @category Modules and parameters
 */
export interface MethodContext {
  /** The module instance whose method is called. */
  readonly module: unknown;
  /** The real method name (`"call"` for the forward method). */
  readonly methodName: string;
  /** The original method bound to the module: calling it skips the remaining interceptors. */
  readonly origMethod: (...args: unknown[]) => unknown;
  /** The class that defined the method. */
  readonly origClass: unknown;
}

/**
 * Wraps module method calls (Haiku's `MethodInterceptor`); call `next(...args)` to proceed.
 *
 * @category Modules and parameters
 */
export type MethodInterceptor = (
  next: (...args: unknown[]) => unknown,
  args: unknown[],
  context: MethodContext,
) => unknown;

/**
 * @internal
 */
export const paramCreators: Creator[] = [];
/**
 * @internal
 */
export const stateCreators: Creator[] = [];
/**
 * @internal
 */
export const paramGetters: Getter[] = [];
/**
 * @internal
 */
export const stateGetters: Getter[] = [];
/**
 * @internal
 */
export const stateSetters: Setter[] = [];
/**
 * @internal
 */
export const methodInterceptors: MethodInterceptor[] = [];

function withPushed<T, E>(stacks: E[][], item: E, fn: () => T): T {
  for (const s of stacks) s.push(item);
  try {
    return fn();
  } finally {
    for (const s of stacks) {
      const i = s.lastIndexOf(item);
      if (i >= 0) s.splice(i, 1);
    }
  }
}

function scopeStacks<E>(opts: InterceptorScope | undefined, params: E[], state: E[]): E[][] {
  const out: E[][] = [];
  if (opts?.params ?? true) out.push(params);
  if (opts?.state ?? false) out.push(state);
  return out;
}

/**
 * Runs `fn` with `creator` intercepting the creation of parameters (and/or state) in `init`
 * (Haiku's `with hk.custom_creator(creator, params=True, state=False):`).
 *
 * @example
 * ```ts
 * // Create every parameter with zeros, whatever its initializer.
 * hk.customCreator((next, shape, dtype) => next(shape, dtype, (s, d) => tf.zeros(s, d)), () => new hk.Linear(2).call(x));
 * ```
 *
 * @category Modules and parameters
 */
export function customCreator<T>(creator: Creator, fn: () => T, opts?: InterceptorScope): T {
  currentFrame("customCreator");
  return withPushed(scopeStacks(opts, paramCreators, stateCreators), creator, fn);
}

/**
 * Runs `fn` with `getter` intercepting every read of parameters (and/or state)
 * (Haiku's `hk.custom_getter`). The stored value is unchanged.
 *
 * @example
 * ```ts
 * // Compute in float16-like precision by casting on the way out (storage stays float32).
 * hk.customGetter((next, value) => next(value), () => new hk.Linear(2).call(x));
 * ```
 *
 * @category Modules and parameters
 */
export function customGetter<T>(getter: Getter, fn: () => T, opts?: InterceptorScope): T {
  currentFrame("customGetter");
  return withPushed(scopeStacks(opts, paramGetters, stateGetters), getter, fn);
}

/**
 * Runs `fn` with `setter` intercepting every `hk.setState` (Haiku's `hk.custom_setter`).
 *
 * @example
 * ```ts
 * // Freeze state: keep storing the current value instead of the new one.
 * hk.customSetter((next, value, ctx) => next(hk.getState(ctx.name)), () => new hk.Linear(2).call(x));
 * ```
 *
 * @category Modules and parameters
 */
export function customSetter<T>(setter: Setter, fn: () => T): T {
  currentFrame("customSetter");
  return withPushed([stateSetters], setter, fn);
}

/**
 * Runs `fn` with `interceptor` wrapping every module method call (Haiku's
 * `hk.intercept_methods`). Works inside and outside transforms. Constructors are not intercepted
 * (a JavaScript constructor cannot be re-entered through a callback).
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * hk.interceptMethods((next, args, ctx) => { seen.push(ctx.methodName); return next(...args); }, () => new hk.Linear(2).call(x));
 * ```
 *
 * @category Modules and parameters
 */
export function interceptMethods<T>(interceptor: MethodInterceptor, fn: () => T): T {
  return withPushed([methodInterceptors], interceptor, fn);
}

/**
 * Runs the creator chain ending in `init(shape, dtype)`. @internal
 */
export function runCreators(
  stack: readonly Creator[],
  context: GetterContext,
  shape: number[],
  dtype: tf.DataType,
  init: Initializer,
): tf.Tensor {
  const chain = stack.slice();
  let i = 0;
  const next: NextCreator = (s, d, ini) => {
    const c = chain[i++];
    return c === undefined ? ini(s, d) : c(next, s, d, ini, context);
  };
  return next(shape, dtype, init);
}

/**
 * Runs the getter chain on `value`. @internal
 */
export function runGetters<T>(stack: readonly Getter[], context: GetterContext, value: T): T {
  const chain = stack.slice();
  let i = 0;
  const next = (v: T): T => {
    const g = chain[i++];
    return g === undefined ? v : g(next, v, context);
  };
  return next(value);
}

/**
 * Runs the setter chain on `value`. @internal
 */
export function runSetters(stack: readonly Setter[], context: SetterContext, value: unknown): unknown {
  const chain = stack.slice();
  let i = 0;
  const next = (v: unknown): unknown => {
    const s = chain[i++];
    return s === undefined ? v : s(next, v, context);
  };
  return next(value);
}
