/**
 * Named functions for saving: Keras serializes `call_fn` / `init_fn` by their registered name
 * (`@keras.saving.register_keras_serializable()`); closures cannot be found again at load time.
 */

import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";

/** Any function that can be registered for `JaxLayer` save/load.
 *
 * @category Keras
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFn = (...args: any[]) => unknown;

const byName = new Map<string, AnyFn>();
const byFn = new Map<AnyFn, string>();

/**
 * Registers `fn` under `name` so that a saved model containing a `JaxLayer` that uses it can be
 * loaded with `tf.loadLayersModel` (Keras' `register_keras_serializable`). Register the
 * functions before saving and again, under the same names, before loading; the model file
 * stores only the names. Returns `fn`.
 *
 * Registering another function under a used name throws; registering the same function again
 * is a no-op, and a function registered under several names is saved under the last one.
 *
 * @example
 * ```ts
 * const net = hk.transform((inputs: tf.Tensor) => new hk.Linear(10).call(inputs));
 * registerJaxFunction("mlp.init", net.init);
 * registerJaxFunction("mlp.apply", net.apply);
 * const layer = new JaxLayer({ callFn: net.apply, initFn: net.init, inputShape: [4] });
 * ```
 *
 * @category Keras
 */
export function registerJaxFunction<F extends AnyFn>(name: string, fn: F): F {
  if (typeof name !== "string" || name.length === 0) {
    throw new InvalidArgumentError(
      "registerJaxFunction",
      `\`name\` must be a non-empty string, got ${describe(name)}`,
      'pass a unique name such as "mlp_apply".',
    );
  }
  if (typeof fn !== "function") {
    throw new InvalidArgumentError(
      `registerJaxFunction("${name}", fn)`,
      `\`fn\` must be a function, got ${describe(fn)}`,
      "pass the function to register, e.g. net.apply.",
    );
  }
  const existing = byName.get(name);
  if (existing !== undefined && existing !== fn) {
    throw new InvalidArgumentError(
      "registerJaxFunction",
      `\`name\` "${name}" is already registered to another function`,
      "pick a unique name (e.g. prefix it with your model's name).",
    );
  }
  byName.set(name, fn);
  byFn.set(fn, name);
  return fn;
}

/**
 * The function registered under `name`, or `undefined`.
 *
 * @category Keras
 */
export function getRegisteredJaxFunction(name: string): AnyFn | undefined {
  return byName.get(name);
}

/**
 * The name `fn` is registered under, or `undefined` for an unregistered function.
 *
 * @category Keras
 */
export function getRegisteredJaxFunctionName(fn: unknown): string | undefined {
  return typeof fn === "function" ? byFn.get(fn as AnyFn) : undefined;
}
