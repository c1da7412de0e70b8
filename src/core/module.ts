/**
 * `hk.Module` and its registration, `hk.module`.
 *
 * Haiku's metaclass wraps a module's `__init__` so that submodules created in the constructor
 * are named `parent/~/child`, and wraps every method so that it runs in the module's name scope.
 * TypeScript has no hook around a subclass constructor body (`super()` returns before the
 * subclass body runs), so each subclass is registered once with `@hk.module` (or
 * `hk.module(class ...)`): the registration returns a subclass whose constructor opens the
 * "being constructed" scope around the whole constructor chain and whose prototype holds the
 * scoped versions of the methods. Constructing an unregistered subclass is an error, so a
 * forgotten line can never silently produce different parameter names.
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import { SUBMODULES, assertNoPendingConstruction, constructing, maybeCurrentFrame } from "./frame.js";
import type { Construction } from "./frame.js";
import { moduleOutsideTransformError, outsideTransformError } from "./errors.js";
import { problemOf } from "../util/assert.js";
import { describe } from "../util/describe.js";
import { HaikuError, InvalidArgumentError, TransformError } from "../util/errors.js";
import { camelToSnake, checkName, lastNamePart, moduleNameFor } from "./naming.js";
import { methodInterceptors } from "./interceptors.js";
import type { MethodContext } from "./interceptors.js";
import { moduleParamsDict } from "./params.js";
import { NAME_LIKE, TRANSPARENT } from "./method_marks.js";
import { moduleStateDict } from "./state.js";

/** Marks a registered class (the wrapper made by {@link module}). */
const REGISTERED: unique symbol = Symbol("haiku-tfjs.registeredModule");
/** Marks a scoped method wrapper; holds the original method. */
const WRAPPED: unique symbol = Symbol("haiku-tfjs.wrappedMethod");
/**
 * A registered class's default module name, or `undefined` when the only name it has comes from
 * `Function.name` in a build that renames classes (see {@link classNamesAreRenamed}).
 */
const DEFAULT_NAME: unique symbol = Symbol("haiku-tfjs.defaultName");
/** Where a registered class's default name came from (see {@link DefaultNameSource}). */
const NAME_SOURCE: unique symbol = Symbol("haiku-tfjs.defaultNameSource");

/**
 * Where a registered module class's default name comes from: `"explicit"` (given to
 * `hk.module("name")`), `"decorator"` (a standard decorator's `context.name`, the class name as
 * written in the source) or `"class"` (the class object's `Function.name`, which minifiers
 * rename).
 *
 * @category Modules and parameters
 */
export type DefaultNameSource = "explicit" | "decorator" | "class";

/**
 * A class whose only purpose is its name. Minifiers (esbuild `--minify`, Vite, terser) rename
 * it, and bundlers that keep names unique rename it too: esbuild turns
 * `const X = f(class X {})` into `const X = f(class X2 {})`, the very pattern of
 * `const Foo = hk.module(class Foo ...)`. A different `name` at run time means this build
 * rewrites class names, so `Function.name` of classes bundled with it is no Haiku name.
 */
const HaikuTfjsNameProbe = ((c: new () => object) => c)(class HaikuTfjsNameProbe {});
const NAME_PROBE = "HaikuTfjsNameProbe";

/**
 * Whether this build rewrites class names (it was minified, or its bundler renamed classes to
 * avoid clashes); then default module names never come from `Function.name`. @internal
 */
export function classNamesAreRenamed(): boolean {
  return HaikuTfjsNameProbe.name !== NAME_PROBE;
}

function renamedClassError(cls: { name: string }): TransformError {
  return new TransformError(
    `Module class \`${cls.name || "(anonymous)"}\``,
    "it has no Haiku name that survives bundling: this build renames classes (it is minified, or its bundler renamed classes to avoid clashes), so the class name would give parameter names that no checkpoint matches",
    'name it where it is registered, `@hk.module("my_block")` or `hk.module("my_block", class ... )` (the snake_case name Haiku gives the Python class), or pass `{ name }` when constructing it. See docs/guides/browser.md#bundling.',
  );
}
/** What a module without submodules reports. */
const NO_SUBMODULES: ReadonlySet<string> = new Set<string>();

function submodulesOf(m: Module): ReadonlySet<string> {
  const subs = m[SUBMODULES];
  return subs === undefined ? NO_SUBMODULES : Array.isArray(subs) ? new Set(subs) : subs;
}

function unregisteredError(cls: { name: string }): TransformError {
  const name = cls.name || "Anonymous";
  return new TransformError(
    `new ${name}()`,
    `Module class \`${name}\` is not registered`,
    `add \`@hk.module\` above \`class ${name} extends hk.Module\` (or wrap it: \`const ${name} = hk.module("${camelToSnake(name)}", class ${name} ...)\`), so that modules it creates in its constructor are named \`${camelToSnake(name)}/~/child\` as in Haiku.`,
  );
}

/**
 * Base class of all modules (Haiku's `hk.Module`): a named container of parameters, state and
 * submodules. Subclasses define their forward pass as `call(...)` and carry the one-line
 * registration `@hk.module`.
 *
 * The name is the snake-cased class name (`Conv2D` -> `conv2_d`) or `name`, numbered `_1`, `_2`
 * within its scope, prefixed by the enclosing module: `parent/child` when created in `call`,
 * `parent/~/child` in the constructor, `parent/~method/child` in another method.
 *
 * @example
 * ```ts
 * @hk.module
 * class Scale extends hk.Module {
 *   call(x: tf.Tensor) {
 *     const s = hk.getParameter("s", [], { init: (shape, dtype) => tf.ones(shape, dtype) });
 *     return tf.mul(x, s);
 *   }
 * }
 * const f = hk.transform((x: tf.Tensor) => new Scale().call(x));
 * const params = f.init(0, tf.ones([2])); // { scale: { s: ... } }
 * ```
 *
 * @category Modules and parameters
 */
export abstract class Module {
  /** The full name, e.g. `"mlp/~/linear_0"`; the key of this module's params. */
  declare readonly moduleName: string;
  /** The last part of {@link Module.moduleName}, e.g. `"linear_0"`. */
  declare readonly name: string;
  /** @internal Names of modules used inside this module's methods (for `paramsDict`); lazy. */
  declare [SUBMODULES]: string[] | Set<string> | undefined;

  /**
   * @param name - the module's name (a valid identifier); defaults to the snake-cased class name.
   */
  constructor(name?: string) {
    const target = new.target;
    const marker = constructing[constructing.length - 1];
    if (marker === undefined || marker.cls !== target || marker.module !== undefined) {
      throw unregisteredError(target);
    }
    const frame = maybeCurrentFrame();
    if (frame === undefined) throw moduleOutsideTransformError(moduleClassName(target));
    assertNoPendingConstruction(1);
    if (name === undefined || name === null) {
      // `target` is the registered class (checked above), which owns its cached default name.
      name = (target as unknown as { [DEFAULT_NAME]: string | undefined })[DEFAULT_NAME];
      if (name === undefined) throw renamedClassError(target);
    } else if (typeof name !== "string") {
      throw new InvalidArgumentError(
        `new ${moduleClassName(target)}()`,
        `Expected a string name as the module constructor's name argument, got ${describe(name)}`,
        "library modules take `{ name }` in their options object; pass a string.",
      );
    }
    const moduleName = moduleNameFor(frame, name);
    const self = this as { -readonly [K in "moduleName" | "name"]: string };
    self.moduleName = moduleName;
    self.name = lastNamePart(moduleName);
    // A symbol key: invisible to Object.keys / JSON / for-in, and cheaper than defineProperty.
    // Set here (to `undefined`, filled on first use) so that every module has the same shape.
    this[SUBMODULES] = undefined;
    marker.module = this;
    marker.frame = frame;
    marker.entry = frame.pushModule(this, "constructor");
  }

  /**
   * Parameters of this module and its submodules, keyed `"<module>/<param>"` (Haiku's
   * `params_dict()`); inside a transform only.
   */
  paramsDict(): Record<string, Tensor> {
    const frame = maybeCurrentFrame();
    if (frame === undefined) throw outsideTransformError("Module#paramsDict");
    return moduleParamsDict(frame, this.moduleName, submodulesOf(this));
  }

  /**
   * Current state of this module and its submodules, keyed `"<module>/<name>"` (Haiku's
   * `state_dict()`); inside a transform only.
   */
  stateDict(): Record<string, unknown> {
    const frame = maybeCurrentFrame();
    if (frame === undefined) throw outsideTransformError("Module#stateDict");
    return moduleStateDict(frame, this.moduleName, submodulesOf(this));
  }
}

/** Runs a method in `module`'s scope: pushes the invocation, runs interceptors, pops. */
function runMethod(
  module: Module,
  methodName: string,
  namingMethod: string,
  fn: (...args: unknown[]) => unknown,
  origClass: unknown,
  args: unknown[],
): unknown {
  const frame = maybeCurrentFrame();
  if (frame === undefined) throw moduleOutsideTransformError(moduleClassName(module.constructor));
  const entry = frame.pushModule(module, namingMethod);
  try {
    if (methodInterceptors.length === 0) return fn.apply(module, args);
    const chain = methodInterceptors.slice();
    const origMethod = (...a: unknown[]): unknown => fn.apply(module, a);
    const context: MethodContext = { module, methodName, origMethod, origClass };
    let i = 0;
    const next = (...a: unknown[]): unknown => {
      const interceptor = chain[i++];
      return interceptor === undefined ? origMethod(...a) : interceptor(next, a, context);
    };
    return next(...args);
  } finally {
    frame.popModule(entry);
  }
}

function wrapMethod(methodName: string, fn: (...args: unknown[]) => unknown, origClass: unknown) {
  const namingMethod = (fn as { [NAME_LIKE]?: string })[NAME_LIKE] ?? methodName;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    if (!(this instanceof Module)) return fn.apply(this, args);
    return runMethod(this, methodName, namingMethod, fn, origClass, args);
  };
  Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, "length", { value: fn.length, configurable: true });
  Object.defineProperty(wrapped, WRAPPED, { value: fn });
  // Keep the source visible to `argNames` (JaxLayer-style introspection of module methods).
  Object.defineProperty(wrapped, "toString", { value: () => Function.prototype.toString.call(fn) });
  return wrapped;
}

/**
 * Registers a {@link Module} subclass: one line of ceremony per class, as a decorator
 * (`@hk.module`, legacy `experimentalDecorators` or standard decorators) or as a call in plain
 * JavaScript (`const Foo = hk.module("foo", class Foo extends hk.Module { ... })`).
 *
 * **The default module name.** Give it explicitly, `@hk.module("my_block")` or
 * `hk.module("my_block", class MyBlock ...)`, for code that is bundled and minified: minifiers
 * rename classes, and an explicit string is the one name that survives every build. Without it
 * the name is the snake-cased class name (`MyBlock` -> `my_block`), taken from a standard
 * decorator's `context.name` (esbuild keeps it as written) or else from the class's
 * `Function.name`. In a build that renames classes (minified, or bundled by esbuild, which
 * renames `class Foo` in `const Foo = hk.module(class Foo ...)` to `Foo2`; haiku-tfjs detects
 * that its own classes were renamed) a class with only a `Function.name` cannot be constructed
 * without a `name`: it throws
 * an error that says how to name it, instead of silently producing names such as `qi/~/linear`.
 *
 * The returned class has the same name, `instanceof` works for both, and subclasses of registered
 * classes are registered the same way (an explicit name is not inherited). It (1) wraps the
 * constructor so that modules created
 * while this one is being constructed are named `parent/~/child`, and (2) wraps every method
 * defined on the class (not getters/setters, not methods marked `@hk.transparent`) so that it
 * runs in the module's scope: modules created in `call` are `parent/child`, in another method
 * `m` they are `parent/~m/child`, and parameters go under the module's name. Functions stored in
 * instance fields (`f = () => ...`) are not methods and are not scoped.
 *
 * @example
 * ```ts
 * @hk.module("mlp")
 * class MLP extends hk.Module {
 *   readonly l1 = new hk.Linear(16); // "mlp/~/linear"
 *   call(x: tf.Tensor) { return new hk.Linear(1).call(tf.relu(this.l1.call(x))); } // "mlp/linear"
 * }
 * // Plain JavaScript, no decorator syntax needed:
 * const Scale = hk.module("scale", class Scale extends hk.Module { call(x) { return x; } });
 * ```
 *
 * @category Modules and parameters
 */
export function module(name: string): <C>(cls: C, context?: unknown) => C;
export function module<C>(name: string, cls: C): C;
export function module<C>(cls: C, context?: unknown): C;
export function module<C>(clsOrName: C | string, contextOrCls?: unknown): unknown {
  if (typeof clsOrName === "string") {
    const name = clsOrName;
    checkRegistrationName(name);
    if (contextOrCls !== undefined) return register(contextOrCls, undefined, name);
    return <D>(cls: D, context?: unknown): D => register(cls, context, name);
  }
  return register(clsOrName, contextOrCls, undefined);
}

function checkRegistrationName(name: string): void {
  try {
    checkName(name);
  } catch (e) {
    if (!(e instanceof HaikuError)) throw e;
    throw new InvalidArgumentError(`hk.module(${JSON.stringify(name)})`, problemOf(e), e.fix);
  }
}

/** The class name as written in the source, from a standard decorator's context, if any. */
function decoratorName(context: unknown): string | undefined {
  if (context === undefined || context === null || typeof context !== "object") return undefined;
  const kind = (context as { kind?: unknown }).kind;
  if (kind !== "class") {
    throw new InvalidArgumentError(
      "@hk.module",
      `decorates classes, not ${String(kind)}s`,
      "put it above `class ... extends hk.Module`.",
    );
  }
  const name = (context as { name?: unknown }).name;
  return typeof name === "string" && name !== "" ? name : undefined;
}

function register<C>(cls: C, context: unknown, explicitName: string | undefined): C {
  const sourceName = decoratorName(context);
  if (typeof cls !== "function" || !((cls as { prototype?: unknown }).prototype instanceof Module)) {
    throw new InvalidArgumentError(
      "hk.module",
      `expects a class that extends \`hk.Module\`, got ${describe(cls)}`,
      "pass `class ... extends hk.Module`.",
    );
  }
  if (Object.prototype.hasOwnProperty.call(cls, REGISTERED)) return cls;
  const Orig = cls as unknown as new (...args: unknown[]) => Module;

  const Registered = class extends Orig {
    constructor(...args: unknown[]) {
      const marker: Construction | undefined =
        new.target === Registered
          ? { cls: Registered, module: undefined, frame: undefined, entry: undefined }
          : undefined;
      if (marker !== undefined) constructing.push(marker);
      try {
        super(...args);
      } finally {
        if (marker !== undefined) {
          constructing.pop();
          if (marker.entry !== undefined) marker.frame!.popModule(marker.entry);
        }
      }
    }
  };
  Object.defineProperty(Registered, "name", { value: Orig.name, configurable: true });
  Object.defineProperty(Registered, REGISTERED, { value: Orig });
  const source: DefaultNameSource =
    explicitName !== undefined ? "explicit" : sourceName !== undefined ? "decorator" : "class";
  // A class name is trusted unless this build renames classes; a standard decorator's `context.name`
  // is the source's string literal when esbuild or Babel lower the decorator (tsc passes the
  // run-time `.name` instead, see the browser guide).
  const defaultName =
    explicitName ??
    (sourceName !== undefined
      ? camelToSnake(sourceName)
      : classNamesAreRenamed()
        ? undefined
        : camelToSnake(Orig.name));
  Object.defineProperty(Registered, DEFAULT_NAME, { value: defaultName });
  Object.defineProperty(Registered, NAME_SOURCE, { value: source });

  const seen = new Set<string | symbol>(["constructor"]);
  for (
    let proto: object | null = Orig.prototype;
    proto !== null && proto !== Module.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const key of Reflect.ownKeys(proto)) {
      if (seen.has(key)) continue;
      seen.add(key);
      if (typeof key !== "string") continue;
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      const fn = d.value as unknown;
      if (typeof fn !== "function") continue; // fields, getters and setters stay as they are
      if ((fn as { [WRAPPED]?: unknown })[WRAPPED] || (fn as { [TRANSPARENT]?: unknown })[TRANSPARENT]) continue;
      const owner = (proto as { constructor?: unknown }).constructor;
      Object.defineProperty(Registered.prototype, key, {
        value: wrapMethod(key, fn as (...args: unknown[]) => unknown, owner),
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }
  return Registered as unknown as C;
}

/**
 * What {@link moduleDefaultName} reports.
 *
 * @category Modules and parameters
 */
export interface ModuleDefaultName {
  /** The default module name, or `undefined` where the build renames classes and nothing else names it. */
  name: string | undefined;
  /** Where the name comes from. */
  source: DefaultNameSource;
}

/**
 * The module name a registered class gets when constructed without a `name` (before `_N`
 * numbering), and where that name came from; `undefined` for a class that is not registered.
 * In a build that renames classes, a class whose name would come from `Function.name` has `name: undefined`
 * (constructing it without a `name` throws).
 *
 * @example
 * ```ts
 * hk.moduleDefaultName(hk.Conv2D); // { name: "conv2_d", source: "explicit" }
 * ```
 *
 * @category Modules and parameters
 */
export function moduleDefaultName(cls: unknown): ModuleDefaultName | undefined {
  if (!isRegisteredModuleClass(cls)) return undefined;
  const c = cls as { [DEFAULT_NAME]: string | undefined; [NAME_SOURCE]: DefaultNameSource };
  return { name: c[DEFAULT_NAME], source: c[NAME_SOURCE] };
}

/**
 * Whether `cls` was returned by {@link module}.
 */
export function isRegisteredModuleClass(cls: unknown): boolean {
  return typeof cls === "function" && Object.prototype.hasOwnProperty.call(cls, REGISTERED);
}

/**
 * The class name to show in an error message: `Function.name` where the build keeps class
 * names, else the Haiku default name (`linear`), which survives bundling. @internal
 */
function moduleClassName(cls: unknown): string {
  const name = (cls as { name?: unknown } | null)?.name;
  if (!classNamesAreRenamed() && typeof name === "string" && name !== "") return name;
  return moduleDefaultName(cls)?.name ?? "Module";
}

/**
 * Where an error happened, for a module instance: `` Linear 'mlp/~/linear_0' `` (class name and
 * module path), the `where` of the errors modules throw. @internal
 */
export function moduleWhere(m: Module): string {
  return `${moduleClassName(m.constructor)} '${m.moduleName}'`;
}
