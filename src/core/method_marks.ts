/**
 * Method decorators that change how `hk.module` scopes a method: `@hk.transparent` (no scope)
 * and `@hk.nameLike(method)` (submodules named as if made in another method). Both only mark the
 * function; `hk.module` reads the marks when it wraps the class's methods.
 */
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";

/** Holds the method name a method's submodules are named after ({@link nameLike}). @internal
 */
export const NAME_LIKE: unique symbol = Symbol("haiku-tfjs.nameLike");
/**
 * Marks a method that must not be scoped ({@link transparent}). @internal
 */
export const TRANSPARENT: unique symbol = Symbol("haiku-tfjs.transparent");

/**
 * Marks a module method as transparent (Haiku's `hk.transparent`): it runs in the caller's scope,
 * so modules and parameters it creates are named as if the caller had created them. Use as a
 * method decorator (`@hk.transparent`) or call it on a function.
 *
 * @example
 * ```ts
 * @hk.module
 * class Attention extends hk.Module {
 *   @hk.transparent
 *   project(x: tf.Tensor, name: string) { return new hk.Linear(8, { name }).call(x); } // "attention/query"
 *   call(x: tf.Tensor) { return this.project(x, "query"); }
 * }
 * ```
 * @typeParam F - the method's type, returned unchanged.
 *
 * @category Modules and parameters
 */
export function transparent<F extends (...args: never[]) => unknown>(method: F, context?: unknown): F;
/**
 * Legacy (`experimentalDecorators`) method-decorator form of {@link transparent}.
 *
 * @category Modules and parameters
 */
export function transparent(
  target: object,
  propertyKey: string | symbol,
  descriptor: PropertyDescriptor,
): PropertyDescriptor;
export function transparent(a: unknown, b?: unknown, c?: unknown): unknown {
  if (c !== undefined && typeof c === "object" && c !== null && "value" in c) {
    const fn = (c as PropertyDescriptor).value as unknown;
    if (typeof fn !== "function")
      throw new InvalidArgumentError(
        "@hk.transparent",
        `decorates methods, got ${describe(fn)}`,
        "put it above a method of an `hk.Module` subclass.",
      );
    Object.defineProperty(fn, TRANSPARENT, { value: true });
    return c;
  }
  if (typeof a !== "function")
    throw new InvalidArgumentError(
      "hk.transparent",
      `expects a method, got ${describe(a)}`,
      "put `@hk.transparent` above a method.",
    );
  Object.defineProperty(a, TRANSPARENT, { value: true });
  void b;
  return a;
}

/**
 * Names the submodules a method creates as if they were created in `methodName` (Haiku's
 * `hk.experimental.name_like`), e.g. to keep checkpoint names when moving code out of `call`.
 * Interceptors still see the real method name. Numbering stays per method invocation.
 *
 * @example
 * ```ts
 * @hk.module
 * class Autoencoder extends hk.Module {
 *   @hk.nameLike("call")
 *   encode(x: tf.Tensor) { return new hk.Linear(10, { name: "enc" }).call(x); } // "autoencoder/enc"
 *   call(x: tf.Tensor) { return this.encode(x); }
 * }
 * ```
 *
 * @category Modules and parameters
 */
export function nameLike(methodName: string): {
  /** @typeParam F - the method's type, returned unchanged. */
  <F extends (...args: never[]) => unknown>(method: F, context?: unknown): F;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
} {
  if (typeof methodName !== "string")
    throw new InvalidArgumentError(
      "hk.nameLike",
      `\`methodName\` must be a method name, got ${describe(methodName)}`,
      'pass the name of the method to copy, e.g. `@hk.nameLike("call")`.',
    );
  const mark = (fn: unknown): void => {
    if (typeof fn !== "function")
      throw new InvalidArgumentError(
        "@hk.nameLike",
        `decorates methods, got ${describe(fn)}`,
        "put it above a method of an `hk.Module` subclass.",
      );
    Object.defineProperty(fn, NAME_LIKE, { value: methodName });
  };
  return ((a: unknown, _b?: unknown, c?: unknown): unknown => {
    if (c !== undefined && typeof c === "object" && c !== null && "value" in c) {
      mark((c as PropertyDescriptor).value);
      return c;
    }
    mark(a);
    return a;
  }) as ReturnType<typeof nameLike>;
}
