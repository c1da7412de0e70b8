/**
 * Lifting an inner transform's parameters and state into the outer one (Haiku's `lift.py`):
 * `hk.lift`, `hk.liftWithState`, `hk.transparentLift`, `hk.transparentLiftWithState` and the
 * module behind them, `hk.LiftedModule` (Haiku's `LiftingModule`).
 */
import type * as tf from "@tensorflow/tfjs-core";
import { currentFrame, maybeCurrentFrame } from "./frame.js";
import type { Frame, StatePair } from "./frame.js";
import { NonEmptyStateError } from "./errors.js";
import { describe } from "../util/describe.js";
import { Module, module } from "./module.js";
import type { Params, State } from "./types.js";
import { InvalidArgumentError, ParameterError, TransformError } from "../util/errors.js";

/**
 * An inner `init`: `hk.transform(f).init` (returns params) or, for the `WithState` variants,
 * `hk.transformWithState(f).init` (returns `[params, state]`); any function of that shape works
 * (e.g. one that calls `init` several times and stacks the results).
 *
 * @category Transforms
 */
export type LiftableInit<A extends unknown[], R> = (...args: A) => R;

/**
 * Options of {@link lift} and {@link liftWithState}.
 *
 * @category Transforms
 */
export interface LiftOptions {
  /**
   * Allows the lifted params and state to reuse names already in the outer transform (Haiku's
   * `allow_reuse`), e.g. when the lifted function runs more than once (in `hk.scan`). Default false.
   */
  allowReuse?: boolean;
  /** Name the lifted params are prefixed with (a module name, numbered as usual). Default `"lifted"`. */
  name?: string;
}

/**
 * Options of {@link transparentLift} and {@link transparentLiftWithState}.
 *
 * @category Transforms
 */
export interface TransparentLiftOptions {
  /** See {@link LiftOptions.allowReuse}. */
  allowReuse?: boolean;
}

/**
 * Options of the {@link LiftedModule} constructor.
 *
 * @category Transforms
 */
export interface LiftedModuleOptions {
  /** No extra name scope: params go under the enclosing module's name (or none at the top). */
  transparent?: boolean;
  /** See {@link LiftOptions.allowReuse}. */
  allowReuse?: boolean;
  /** The module's name; default `"lifted"`. */
  name?: string;
}

function reuseError(who: string, key: string): Error {
  return new ParameterError(
    who,
    `key '${key}' already exists in the destination params or state, got a second lifted entry with that name. To prevent accidental parameter re-use during lift, you can't re-use a parameter already defined in the outer scope`,
    "give the lift another `name`, or pass `{ allowReuse: true }` when the reuse is intended (e.g. inside `hk.scan`).",
  );
}

function checkBundles(who: string, which: "params" | "state", x: unknown): Record<string, Record<string, unknown>> {
  if (x === null || x === undefined) return {};
  if (typeof x !== "object" || Array.isArray(x)) {
    throw new InvalidArgumentError(
      who,
      `the lifted init must return ${which} as an object (module name -> name -> value), got ${describe(x)}`,
      "pass the `init` of `hk.transform` to `hk.lift` and the `init` of `hk.transformWithState` to `hk.liftWithState`.",
    );
  }
  return x as Record<string, Record<string, unknown>>;
}

/** Haiku's `pack_into_dict`: puts `src` into the outer frame under `prefix`. */
function packParams(
  who: string,
  frame: Frame,
  src: Record<string, Record<string, unknown>>,
  prefix: string,
  checkReuse: boolean,
): void {
  for (const key of Object.keys(src)) {
    const newKey = prefix ? `${prefix}/${key}` : key;
    if (checkReuse && frame.params.has(newKey)) throw reuseError(who, newKey);
    let b = frame.params.get(newKey);
    if (b === undefined) frame.params.set(newKey, (b = new Map()));
    const bundle = src[key]!;
    for (const name of Object.keys(bundle)) b.set(name, bundle[name] as tf.Tensor);
  }
}

function packState(
  who: string,
  frame: Frame,
  src: Record<string, Record<string, unknown>>,
  prefix: string,
  checkReuse: boolean,
): void {
  for (const key of Object.keys(src)) {
    const newKey = prefix ? `${prefix}/${key}` : key;
    if (checkReuse && frame.state.has(newKey)) throw reuseError(who, newKey);
    let b = frame.state.get(newKey);
    if (b === undefined) frame.state.set(newKey, (b = new Map()));
    const bundle = src[key]!;
    for (const name of Object.keys(bundle)) b.set(name, { initial: bundle[name], current: bundle[name] });
  }
}

/** Haiku's `unpack_from_dict` for apply's params: bundles under `prefix`, prefix cut off. */
function unpackParams(frame: Frame, prefix: string): Params {
  const out: Record<string, Record<string, tf.Tensor>> = {};
  const src = frame.paramsIn!;
  for (const k of Object.keys(src)) {
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = { ...src[k] };
  }
  return out;
}

function unpackState(frame: Frame, prefix: string): State {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, entries] of frame.state) {
    if (!k.startsWith(prefix)) continue;
    const b: Record<string, unknown> = {};
    for (const [name, pair] of entries) b[name] = pair.current;
    out[k.slice(prefix.length)] = b;
  }
  return out;
}

/**
 * The module that registers an inner transform's params and state in the outer transform
 * (Haiku's `LiftingModule`, behind {@link lift} and friends). In `init`, calling it runs the inner
 * `init` and stores its params (and state) in the outer params under this module's name; in
 * `apply` it runs nothing and returns the outer params (and state) found under that name, with
 * the prefix cut off, ready for the inner `apply`.
 *
 * @example
 * ```ts
 * const inner = hk.transformWithState((x: tf.Tensor) => new hk.Linear(2).call(x));
 * const outer = hk.transformWithState((x: tf.Tensor) => {
 *   const [p, s] = new hk.LiftedModule(inner.init, { name: "inner" }).call(hk.maybeNextRngKey(), x);
 *   return inner.apply(p, s, null, x)[0]; // outer params: { "inner/linear": { w, b } }
 * });
 * ```
 *
 * @category Transforms
 */
@module("lifted_module") // never used as a name: the constructor defaults to "lifted", as Haiku's LiftingModule
export class LiftedModule extends Module {
  /** The name the lifted params are stored under (`""` for a transparent lift at the top level). */
  readonly prefixName: string;
  readonly #initFn: (...args: unknown[]) => unknown;
  readonly #allowReuse: boolean;

  /**
   * @param initFn - the inner `init`, returning `[params, state]`.
   * @param opts - `transparent` (no name scope of its own), `allowReuse`, `name` (default `"lifted"`).
   */
  constructor(initFn: (...args: never[]) => unknown, opts: LiftedModuleOptions = {}) {
    super(opts.name ?? "lifted");
    if (typeof initFn !== "function") {
      throw new InvalidArgumentError(
        "hk.LiftedModule",
        `\`initFn\` must be a function (the \`init\` of a transformed function), got ${describe(initFn)}`,
        "pass `hk.transformWithState(f).init`.",
      );
    }
    this.#initFn = initFn as (...args: unknown[]) => unknown;
    this.#allowReuse = opts.allowReuse ?? false;
    this.prefixName = opts.transparent ? this.moduleName.split("/").slice(0, -1).join("/") : this.moduleName;
  }

  /** Runs the inner init (in `init`) or collects the lifted values (in `apply`): `[params, state]`. */
  call(...args: unknown[]): [Params, State] {
    const frame = currentFrame("LiftedModule");
    if (!frame.frozen) {
      const r = this.#initFn(...args);
      if (!Array.isArray(r) || r.length !== 2) {
        throw new InvalidArgumentError(
          `hk.LiftedModule '${this.moduleName}'`,
          `the init must return [params, state], got ${describe(r)}`,
          "pass the `init` of `hk.transformWithState` (or use `hk.lift` for `hk.transform`'s init).",
        );
      }
      const who = `hk.lift "${this.moduleName}"`;
      const params = checkBundles(who, "params", r[0]);
      const state = checkBundles(who, "state", r[1]);
      packParams(who, frame, params, this.prefixName, !this.#allowReuse);
      packState(who, frame, state, this.prefixName, !this.#allowReuse);
      return [params as Params, state as State];
    }
    const prefix = this.prefixName ? this.prefixName + "/" : "";
    return [unpackParams(frame, prefix), unpackState(frame, prefix)];
  }
}

/** Haiku's `add_state_to_init_fn`: a stateless init as one returning `[params, {}]`. */
function addStateToInit(initFn: (...args: never[]) => unknown, who: string): (...args: unknown[]) => [unknown, State] {
  if (typeof initFn !== "function") {
    throw new InvalidArgumentError(
      who,
      `\`initFn\` must be the \`init\` of \`hk.transform\`, got ${describe(initFn)}`,
      "pass `hk.transform(f).init`.",
    );
  }
  return (...args) => {
    const params = (initFn as (...a: unknown[]) => unknown)(...args);
    if (Array.isArray(params) || params === null || typeof params !== "object") {
      throw new NonEmptyStateError(
        who,
        `the lifted init returned ${describe(params)}, not params. For stateful lifted functions use \`hk.liftWithState\``,
        "pass `hk.transform(f).init`, or switch to `hk.liftWithState`.",
      );
    }
    return [params, {}];
  };
}

function assertContext(who: string): Frame {
  const frame = maybeCurrentFrame();
  if (frame === undefined) {
    throw new TransformError(
      who,
      `${who} must be used as part of an \`hk.transform\`, got a call outside any transform`,
      "call it inside the function you pass to `hk.transform` / `hk.transformWithState`.",
    );
  }
  return frame;
}

/**
 * Registers the params of an inner `init` in the outer transform (Haiku's `hk.lift`). In the
 * outer `init` the returned function runs `initFn` and stores its params under `name`
 * (`"lifted/linear"`...); in `apply` it returns those params from the outer params instead. Use
 * it to run an inner transform's `apply` (e.g. on several parameter sets) inside a module.
 *
 * @example
 * ```ts
 * const inner = hk.transform((x: tf.Tensor) => new hk.Linear(3).call(x));
 * const outer = hk.transform((x: tf.Tensor) => {
 *   const params = hk.lift(inner.init, { name: "inner" })(hk.runningInit() ? hk.nextRngKey() : null, x);
 *   return inner.apply(params, null, x);
 * });
 * const params = outer.init(hk.random.key(0), x); // { "inner/linear": { w, b } }
 * ```
 *
 * @category Transforms
 */
export function lift<A extends unknown[]>(
  initFn: LiftableInit<A, Params>,
  opts: LiftOptions = {},
): (...args: A) => Params {
  assertContext("hk.lift");
  const [paramsAndState, updater] = liftWithState(
    addStateToInit(initFn, "hk.lift") as LiftableInit<A, [Params, State]>,
    opts,
  );
  updater.ignoreUpdate();
  return (...args: A) => paramsAndState(...args)[0];
}

/**
 * Like {@link lift} without a name scope of its own (Haiku's `hk.transparent_lift`): the inner
 * params keep their names (under the enclosing module's name when called inside a module).
 *
 * @example
 * ```ts
 * const inner = hk.transform((x: tf.Tensor) => new hk.Linear(3).call(x));
 * const outer = hk.transform((x: tf.Tensor) =>
 *   inner.apply(hk.transparentLift(inner.init)(hk.maybeNextRngKey(), x), null, x));
 * outer.init(0, x); // { linear: { w, b } }: the same names as inner.init
 * ```
 *
 * @category Transforms
 */
export function transparentLift<A extends unknown[]>(
  initFn: LiftableInit<A, Params>,
  opts: TransparentLiftOptions = {},
): (...args: A) => Params {
  assertContext("hk.transparentLift");
  const lifted = new LiftedModule(addStateToInit(initFn, "hk.transparentLift"), {
    transparent: true,
    allowReuse: opts.allowReuse ?? false,
  });
  return (...args: A) => lifted.call(...args)[0];
}

/**
 * Passes the state an inner `apply` returned back to the outer transform (Haiku's
 * `LiftWithStateUpdater`). Call {@link LiftWithStateUpdater.update} or
 * {@link LiftWithStateUpdater.ignoreUpdate} exactly once, in the same `init` / `apply` call.
 *
 * @category Transforms
 */
export class LiftWithStateUpdater {
  #used = false;
  readonly #name: string | null;
  readonly #frame: Frame;

  /** @internal Made by {@link liftWithState}. */
  constructor(name: string | null, frame: Frame) {
    this.#name = name;
    this.#frame = frame;
    (frame.teardown ??= []).push(() => {
      if (!this.#used) {
        throw new TransformError(
          "hk.liftWithState",
          "the LiftWithStateUpdater must be used, got none of its methods called",
          "call `.update(state)` or `.ignoreUpdate()` before the transformed function returns.",
        );
      }
    });
  }

  #claim(): Frame {
    if (this.#used) {
      throw new TransformError(
        "hk.liftWithState",
        "the state updater must only be used once, got a second call",
        "call `update` or `ignoreUpdate` once per updater.",
      );
    }
    const frame = maybeCurrentFrame();
    if (frame === undefined) {
      throw new TransformError(
        "hk.liftWithState",
        "the state updater must be used inside hk.transformWithState, got a call outside any transform",
        "call it inside the transformed function.",
      );
    }
    if (frame !== this.#frame) {
      throw new TransformError(
        "hk.liftWithState",
        "the state updater must be used within the same call to init/apply, got another call",
        "make the updater in the call that uses it.",
      );
    }
    this.#used = true;
    return frame;
  }

  /** Notes that the state does not need updating. */
  ignoreUpdate(): void {
    this.#claim();
  }

  /** Sets the outer state to the inner `apply`'s new `state` (the initial values are kept). */
  update(state: State): void {
    const frame = this.#claim();
    for (const modName of Object.keys(state)) {
      const key = this.#name !== null ? `${this.#name}/${modName}` : modName;
      let entries = frame.state.get(key);
      if (entries === undefined) frame.state.set(key, (entries = new Map<string, StatePair>()));
      const bundle = state[modName] as Record<string, unknown>;
      for (const name of Object.keys(bundle)) {
        const value = bundle[name];
        const initial = entries.get(name)?.initial ?? value;
        entries.set(name, { initial, current: value });
      }
    }
  }
}

/**
 * Registers the params and state of an inner `init` in the outer transform (Haiku's
 * `hk.lift_with_state`). Returns the lifted function (`-> [params, state]`) and an updater that
 * takes the state the inner `apply` returns.
 *
 * @example
 * ```ts
 * const inner = hk.transformWithState((x: tf.Tensor) => new hk.BatchNorm(true, true, 0.9).call(x, true));
 * const outer = hk.transformWithState((x: tf.Tensor) => {
 *   const [fn, updater] = hk.liftWithState(inner.init, { name: "bn_lift" });
 *   const [params, state] = fn(hk.maybeNextRngKey(), x);
 *   const [y, newState] = inner.apply(params, state, null, x);
 *   updater.update(newState);
 *   return y;
 * });
 * ```
 *
 * @category Transforms
 */
export function liftWithState<A extends unknown[]>(
  initFn: LiftableInit<A, [Params, State]>,
  opts: LiftOptions = {},
): [(...args: A) => [Params, State], LiftWithStateUpdater] {
  const frame = assertContext("hk.liftWithState");
  const name = opts.name ?? "lifted";
  const lifted = new LiftedModule(initFn as (...args: never[]) => unknown, {
    allowReuse: opts.allowReuse ?? false,
    name,
  });
  // As Haiku: the updater's prefix is the requested name under the current module, not the
  // module's numbered name.
  const current = frame.currentModule();
  const updater = new LiftWithStateUpdater(current !== undefined ? `${frame.currentName()}/${name}` : name, frame);
  return [(...args: A) => lifted.call(...args), updater];
}

/**
 * Like {@link liftWithState} without a name scope of its own (Haiku's
 * `hk.transparent_lift_with_state`).
 *
 * @example
 * ```ts
 * const inner = hk.transformWithState((x: tf.Tensor) => new hk.BatchNorm(true, true, 0.9).call(x, true));
 * const [fn, updater] = hk.transparentLiftWithState(inner.init);
 * const [params, state] = fn(hk.maybeNextRngKey(), x);
 * const [y, s] = inner.apply(params, state, null, x);
 * updater.update(s);
 * ```
 *
 * @category Transforms
 */
export function transparentLiftWithState<A extends unknown[]>(
  initFn: LiftableInit<A, [Params, State]>,
  opts: TransparentLiftOptions = {},
): [(...args: A) => [Params, State], LiftWithStateUpdater] {
  const frame = assertContext("hk.transparentLiftWithState");
  const lifted = new LiftedModule(initFn as (...args: never[]) => unknown, {
    transparent: true,
    allowReuse: opts.allowReuse ?? false,
  });
  const current = frame.currentModule();
  const updater = new LiftWithStateUpdater(current !== undefined ? frame.currentName() : null, frame);
  return [(...args: A) => lifted.call(...args), updater];
}
