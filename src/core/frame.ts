/**
 * Frames: everything one `init` / `apply` call needs (Haiku's `Frame` + `HaikuContext`).
 *
 * JavaScript is single-threaded and transformed functions are synchronous, so the stacks live in
 * module-level arrays. Every push is paired with a pop in a `finally`, so an exception inside a
 * transformed function leaves the stacks exactly as they were.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { outsideTransformError } from "./errors.js";
import type { Params } from "./types.js";
import type { PRNGSequence } from "./rng.js";
import { HaikuError, TransformError } from "../util/errors.js";

/**
 * Key of a module's set of submodule names (modules used inside its methods), kept off the
 * public property namespace so subclasses can use any field name.
 * @internal
 */
export const SUBMODULES: unique symbol = Symbol("haiku-tfjs.submodules");

/**
 * The part of a module the frame machinery needs (avoids a cycle with `module.ts`).
 *
 * @category Modules and parameters
 */
interface ModuleLike {
  readonly moduleName: string;
  /**
   * Created on first use: most modules (the leaves) never get a submodule. A short array (a
   * linear scan beats hashing and it is filled on every `apply`), a set once it grows.
   */
  [SUBMODULES]?: string[] | Set<string> | undefined;
}

/** Past this many submodules a module's list becomes a set. */
const SUBMODULE_LIST_MAX = 16;

function addSubmodule(m: ModuleLike, name: string): void {
  const subs = m[SUBMODULES];
  if (subs === undefined) m[SUBMODULES] = [name];
  else if (Array.isArray(subs)) {
    if (subs.includes(name)) return;
    if (subs.length < SUBMODULE_LIST_MAX) subs.push(name);
    else m[SUBMODULES] = new Set(subs).add(name);
  } else subs.add(name);
}

/**
 * Haiku's `StatePair`: the first value stored in this call and the latest one.
 */
export interface StatePair {
  initial: unknown;
  current: unknown;
}

/**
 * One entry of the module stack: a module method being executed (Haiku's `ModuleState`) with the
 * naming counters and used names of that invocation. Counters are created lazily because most
 * method calls create no submodules.
 */
export interface ModuleEntry {
  readonly module: ModuleLike;
  /** `"constructor"` (Haiku's `__init__`), `"call"` (`__call__`) or another method's name. */
  readonly methodName: string;
  counters: Map<string, number> | undefined;
  usedNames: Set<string> | undefined;
  /** The naming module's cache of full names under this invocation (opaque here). */
  names: object | undefined;
}

/**
 * Per-call values of one `init` / `apply` (Haiku's `Frame`).
 */
export class Frame {
  /** Params created in `init`; unused (empty) in `apply`, which reads `paramsIn`. */
  readonly params = new Map<string, Map<string, tf.Tensor>>();
  /** State entries in insertion order (input entries first in `apply`, then new ones). */
  readonly state = new Map<string, Map<string, StatePair>>();
  /** The rng sequences: bottom = the `rng` passed to init/apply (`null` = none). */
  readonly rngStack: (PRNGSequence | null)[];
  /** Module methods currently executing, innermost last. */
  readonly moduleStack: ModuleEntry[] = [];
  /**
   * Top-level naming counters of this call (Haiku's context-owned counter and name set), created
   * on first use: `apply` makes a frame per call and often names nothing at the top level.
   */
  rootCounters: Map<string, number> | undefined = undefined;
  rootUsedNames: Set<string> | undefined = undefined;
  /**
   * Checks run once the transformed function has returned (Haiku's context teardown callbacks,
   * e.g. `hk.liftWithState`'s "the updater must be used"); created on first use.
   */
  teardown: (() => void)[] | undefined = undefined;
  /** When set (by `hk.remat`), `apply`'s `getParameter` adds every stored tensor it hands out. */
  paramReads: Set<tf.Tensor> | undefined = undefined;

  constructor(
    /** `apply`'s params (read directly, never copied or mutated); `null` in `init`. */
    readonly paramsIn: Params | null,
    rng: PRNGSequence | null,
    /** Whether `hk.getState` / `hk.setState` are allowed (false under `hk.transform`). */
    readonly stateAllowed: boolean,
    /** Which transform is running, for error messages (`"hk.transform"`...). */
    readonly transformName: string,
  ) {
    this.rngStack = [rng];
  }

  /** Haiku's `params_frozen()`: true in `apply`. */
  get frozen(): boolean {
    return this.paramsIn !== null;
  }

  /** The naming counters of the innermost method invocation (or of the call itself). */
  counters(): Map<string, number> {
    const top = lastOf(this.moduleStack);
    if (top === undefined) return (this.rootCounters ??= new Map());
    return (top.counters ??= new Map());
  }

  /** The names already taken in the innermost method invocation. */
  usedNames(): Set<string> {
    const top = lastOf(this.moduleStack);
    if (top === undefined) return (this.rootUsedNames ??= new Set());
    return (top.usedNames ??= new Set());
  }

  /** The module (or name scope) whose method is running, if any. */
  currentModule(): ModuleEntry["module"] | undefined {
    return lastOf(this.moduleStack)?.module;
  }

  /** Haiku's `current_name()`: the innermost module's full name, `"~"` outside modules. */
  currentName(): string {
    return this.currentModule()?.moduleName ?? "~";
  }

  /** Pushes a module method invocation; pair with {@link Frame.popModule} in a `finally`. */
  pushModule(module: ModuleEntry["module"], methodName: string): ModuleEntry {
    const entry: ModuleEntry = { module, methodName, counters: undefined, usedNames: undefined, names: undefined };
    this.moduleStack.push(entry);
    return entry;
  }

  /** Pops `entry` (asserting it is on top) and tells the enclosing modules about the module. */
  popModule(entry: ModuleEntry): void {
    const top = this.moduleStack.pop();
    if (top !== entry)
      throw new HaikuError("haiku-tfjs", "internal error: module stack out of sync", "please report this as a bug.");
    // Haiku records a module in `_submodules` of every module whose method was running when it was
    // used, so `paramsDict()` of a parent also lists children constructed elsewhere.
    const name = entry.module.moduleName as string | undefined;
    if (name === undefined) return;
    const stack = this.moduleStack;
    for (let i = 0; i < stack.length; i++) {
      const m = stack[i]!.module;
      if (m !== entry.module) addSubmodule(m, name);
    }
  }
}

const frames: Frame[] = [];

/**
 * The last element of `a`, or `undefined`. Guards the index: V8 looks `a[-1]` up as a named
 * property on the slow path (about 50 ns instead of 3), and the stacks read here are empty at
 * the top level of every `apply`. @internal
 */
export function lastOf<T>(a: readonly T[]): T | undefined {
  const n = a.length;
  return n > 0 ? a[n - 1] : undefined;
}

/**
 * A constructor call of a registered module class in progress (see `module.ts`).
 */
export interface Construction {
  readonly cls: unknown;
  module: ModuleLike | undefined;
  frame: Frame | undefined;
  entry: ModuleEntry | undefined;
}

/**
 * Registered constructors in progress, innermost last. @internal
 */
export const constructing: Construction[] = [];

/**
 * Throws Haiku's "super constructor must be called first" error when a module's constructor is
 * creating modules or parameters before its `super(...)` call (or in `super`'s arguments), where
 * they cannot be named after it. `depth` = how many markers at the top belong to the caller.
 * @internal
 */
export function assertNoPendingConstruction(depth: number): void {
  const i = constructing.length - 1 - depth;
  if (i < 0) return;
  const pending = constructing[i];
  if (pending !== undefined && pending.module === undefined) {
    const name = (pending.cls as { name?: string }).name ?? "Module";
    throw new TransformError(
      `new ${name}()`,
      "The super constructor must be called before you create parameters or submodules",
      "in the constructor, call `super(...)` first and create submodules and parameters after it (not before it, nor in its arguments), so that they are named after the module.",
    );
  }
}

/**
 * The innermost running frame, or `undefined` outside any transform.
 */
export function maybeCurrentFrame(): Frame | undefined {
  return lastOf(frames);
}

/**
 * The innermost frame; throws Haiku's "must be used as part of an `hk.transform`" otherwise.
 */
export function currentFrame(symbol: string): Frame {
  const f = lastOf(frames);
  if (f === undefined) throw outsideTransformError(symbol);
  return f;
}

/**
 * Runs `fn` with `frame` as the current frame, restoring the stack even if `fn` throws.
 */
export function withFrame<T>(frame: Frame, fn: () => T): T {
  frames.push(frame);
  let threw = true;
  try {
    const out = fn();
    threw = false;
    return out;
  } finally {
    popFrame(frame, threw);
  }
}

/** Pops `frame`; an out-of-sync stack is a bug, reported unless an error is already on its way. */
function popFrame(frame: Frame, threw: boolean): void {
  const top = frames.pop();
  if (top !== frame && !threw)
    throw new HaikuError("haiku-tfjs", "internal error: frame stack out of sync", "please report this as a bug.");
}
