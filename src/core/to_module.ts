/** `hk.toModule`: a module class from a plain function (Haiku's `hk.to_module`). */
import { Module, classNamesAreRenamed, module } from "./module.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError, TransformError } from "../util/errors.js";

/** A module whose `call` runs a given function.
 *
 * @category Modules and parameters
 */
export interface FunctionModule<A extends unknown[], R> extends Module {
  /** Runs the wrapped function in this module's scope. */
  call(...args: A): R;
}

/**
 * Makes a module class whose `call` runs `fn` (Haiku's `hk.to_module`): parameters created by
 * `fn` live under the module's name, which defaults to `fn.name` as written (not snake-cased);
 * in a minified or bundled build, where functions are renamed, pass the name when constructing it.
 *
 * @example
 * ```ts
 * function bias(x: tf.Tensor) { return tf.add(x, hk.getParameter("b", [], { init: hk.initializers.Constant(0) })); }
 * const Bias = hk.toModule(bias);
 * const y = new Bias().call(x); // params["bias"]["b"]
 * ```
 *
 * @category Modules and parameters
 */
export function toModule<A extends unknown[], R>(fn: (...args: A) => R): new (name?: string) => FunctionModule<A, R> {
  if (typeof fn !== "function")
    throw new InvalidArgumentError(
      "hk.toModule",
      `expects a function, got ${describe(fn)}`,
      "pass the function to wrap, `hk.toModule((x) => ...)`.",
    );
  const ToModuleWrapper = module(
    "to_module_wrapper",
    class ToModuleWrapper extends Module {
      constructor(name?: string) {
        if (name !== undefined && typeof name !== "string") {
          throw new InvalidArgumentError(
            "hk.toModule(fn)",
            `Expected a string name as the first argument to the module constructor, got: ${describe(name)}`,
            "`hk.toModule` returns a class not an object, so instantiate it: `const f = new (hk.toModule(fn))(); f.call(x)`.",
          );
        }
        if (name === undefined && classNamesAreRenamed()) {
          throw new TransformError(
            `hk.toModule(${fn.name})`,
            "this build renames functions (it is minified or bundled with renaming), so the module cannot take its name from the function's name",
            'pass the name when constructing it, `new (hk.toModule(fn))("my_fn")`.',
          );
        }
        super(name ?? fn.name);
      }
      call(...args: A): R {
        return fn(...args);
      }
    },
  );
  return ToModuleWrapper as unknown as new (name?: string) => FunctionModule<A, R>;
}
